"""Helpers for the dashboard tests: headless Debian Chromium, a small DOM reader, seeding.

Chromium runs once per page load (``--dump-dom`` or ``--screenshot``) with its own
throw-away profile; ``--virtual-time-budget`` lets the page's fetches and first render
finish before the DOM is read. The DOM reader is the standard library's HTML parser
building a light tree, enough to find elements by id, class and data attributes.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

API = "/api/v1"
CHROMIUM = shutil.which("chromium")
SCREENS = Path(__file__).resolve().parents[2] / "out" / "screens"

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


# ----- Chromium ---------------------------------------------------------------------------
def chromium(url: str, *, size: tuple[int, int] = (1366, 900), screenshot: Path | None = None,
             budget_ms: int = 5000, timeout: float = 40.0) -> str:
    """Load ``url`` in headless Chromium; return the rendered DOM (and write a screenshot)."""
    assert CHROMIUM, "chromium is not installed"
    with tempfile.TemporaryDirectory(prefix="antrean-chromium-", ignore_cleanup_errors=True) as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--hide-scrollbars", "--mute-audio",
               f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
               f"--virtual-time-budget={budget_ms}"]
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.unlink(missing_ok=True)
            cmd.append(f"--screenshot={screenshot}")
        cmd += ["--dump-dom", url]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if screenshot is not None:
        assert screenshot.exists() and screenshot.stat().st_size > 10_000, res.stderr[-2000:]
    assert res.returncode == 0 and "<html" in res.stdout, res.stderr[-2000:]
    return res.stdout


# ----- Chromium driven over the DevTools protocol (clicks, forms, downloads) --------------
class Browser:
    """One headless Chromium with one tab, driven over the DevTools protocol in real time."""

    def __init__(self, *, size: tuple[int, int] = (1366, 900), downloads: Path | None = None):
        assert CHROMIUM, "chromium is not installed"
        self.size, self.downloads = size, downloads
        self._ids = itertools.count(1)

    def __enter__(self) -> Browser:
        self._profile = tempfile.TemporaryDirectory(prefix="antrean-chromium-", ignore_cleanup_errors=True)
        profile = Path(self._profile.name)
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={profile}", f"--window-size={self.size[0]},{self.size[1]}",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text().strip()):
            assert time.monotonic() < deadline and self.proc.poll() is None, "chromium did not start"
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port_file.read_text().split()[0]}"
        page = next(t for t in httpx.get(f"{base}/json/list").json() if t["type"] == "page")
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(connect(page["webSocketDebuggerUrl"], max_size=None))
        if self.downloads is not None:
            self.send("Browser.setDownloadBehavior", behavior="allow",
                      downloadPath=str(self.downloads), eventsEnabled=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self._profile.cleanup()

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self._ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=30))
            if msg.get("id") == ident:
                assert "error" not in msg, msg["error"]
                return msg["result"]  # type: ignore[no-any-return]

    def js(self, expression: str) -> Any:
        """Evaluate in the page (promises awaited); the value, or the page's exception."""
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    def wait(self, expression: str, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {expression}"
            time.sleep(0.1)

    def goto(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && location.href !== 'about:blank'")

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))


# ----- a tiny DOM -------------------------------------------------------------------------
@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def text(self) -> str:
        """All text inside, whitespace collapsed."""
        parts: list[str] = []

        def walk(n: Node) -> None:
            for c in n.children:
                if isinstance(c, str):
                    parts.append(c)
                else:
                    walk(c)

        walk(self)
        return " ".join("".join(parts).split())

    @property
    def hidden(self) -> bool:
        return "hidden" in self.attrs

    def iter(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None,
                 **attrs: str) -> list[Node]:
        out = []
        for n in self.iter():
            if tag is not None and n.tag != tag:
                continue
            if cls is not None and cls not in n.classes:
                continue
            if any(n.attrs.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            out.append(n)
        return out

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'} class={cls} {attrs}>"
        return found[0]

    def by_id(self, ident: str) -> Node:
        return self.find(id=ident)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    b = _Builder()
    b.feed(html)
    b.close()
    return b.root


# ----- formatting as the page does it (id-ID: decimal comma) ------------------------------
def decimal(x: float, digits: int, lang: str = "id") -> str:
    """What Chromium's Intl.NumberFormat writes: the shortest decimal form of the double
    (as ``repr`` gives it), rounded half away from zero."""
    text = str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    return text.replace(".", ",") if lang == "id" else text


def minutes(seconds: float | None, lang: str = "id") -> str:
    return "–" if seconds is None else decimal(seconds / 60, 1, lang)


# ----- seeding through the API ------------------------------------------------------------
class Seeder:
    """Drives a real hub as its kiosk, counters and lead would."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.c = httpx.Client(base_url=hub.url + API, timeout=10)
        self._held: set[int] = set()

    def _counter(self, n: int) -> dict[str, str]:
        """Counter N's own device; the lead first frees the number from whichever device
        held it (the simulated day's counters hold 1-3)."""
        if n not in self._held:
            self._ok(self.c.post(f"/counters/{n}/release", headers=self.hub.headers("lead")))
            self._held.add(n)
        return self.hub.counter_headers(n)

    def close(self) -> None:
        self.c.close()

    def _ok(self, r: httpx.Response) -> Any:
        assert r.status_code < 300, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def issue(self, service: str, priority: str | None = None) -> dict[str, Any]:
        return self._ok(self.c.post("/tickets", headers=self.hub.headers("kiosk"), json={
            "service": service, "priority": priority, "request_id": str(uuid.uuid4())}))

    def call(self, counter: int, services: list[str] | None = None) -> dict[str, Any] | None:
        body = {"services": services} if services else None
        return self._ok(self.c.post(f"/counters/{counter}/next", headers=self._counter(counter),
                                    json=body))

    def finish(self, counter: int, outcome: str = "served") -> dict[str, Any]:
        return self._ok(self.c.post(f"/counters/{counter}/finish",
                                    headers=self._counter(counter), json={"outcome": outcome}))

    def pause(self, counter: int) -> dict[str, Any]:
        return self._ok(self.c.post(f"/counters/{counter}/pause",
                                    headers=self._counter(counter)))

    def rate(self, number: str, rating: int) -> dict[str, Any]:
        return self._ok(self.c.post("/ratings", headers=self.hub.headers("kiosk"),
                                    json={"number": number, "rating": rating}))

    def complain(self, category: str, text: str, number: str | None = None) -> dict[str, Any]:
        return self._ok(self.c.post("/complaints", headers=self.hub.headers("kiosk"),
                                    json={"category": category, "text": text, "number": number}))

    def correct(self, ticket_id: str, outcome: str, reason: str) -> dict[str, Any]:
        return self._ok(self.c.post(f"/tickets/{ticket_id}/correct",
                                    headers=self.hub.headers("lead"),
                                    json={"outcome": outcome, "reason": reason}))

    def get(self, path: str, role: str | None = None) -> Any:
        return self._ok(self.c.get(path, headers=self.hub.headers(role) if role else None))
