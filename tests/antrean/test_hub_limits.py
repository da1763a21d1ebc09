"""Nobody on the LAN stalls the hub or makes it swell (issue 11 item 4).

A real hub process for what an attacker does to it (half-open connections, big bodies);
the hub in a thread of this process where a test shortens a timeout to see it act. Every
connection is to 127.0.0.x: the whole 127/8 is loopback on Linux, which lets one machine
play many client addresses.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest

API = "/api/v1"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def health_from(url: str, address: str) -> int:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=10) as c:
        return c.get(f"{url}{API}/health").status_code


def connect_from(port: int, address: str) -> socket.socket:
    s = socket.socket()
    s.bind((address, 0))
    s.connect(("127.0.0.1", port))
    return s


def answer(s: socket.socket, timeout: float = 15.0) -> bytes:
    """What the hub sends before it closes the connection (b"" if it just closes)."""
    s.settimeout(timeout)
    out = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := s.recv(65536):
            out += chunk
    return out


def answered(socks: list[socket.socket], wait: float) -> list[socket.socket]:
    """The sockets the hub has answered (or closed) within ``wait`` seconds."""
    import selectors

    with selectors.DefaultSelector() as sel:
        for s in socks:
            sel.register(s, selectors.EVENT_READ)
        deadline = time.monotonic() + wait
        done: list[socket.socket] = []
        while len(done) < len(socks) and (left := deadline - time.monotonic()) > 0:
            for key, _ in sel.select(left):
                done.append(key.fileobj)  # type: ignore[arg-type]
                sel.unregister(key.fileobj)
        return done


def send_body(port: int, head: bytes, chunks, address: str = "127.0.0.3") -> tuple[bytes, int]:
    """Send a request head, then body chunks until the hub stops reading or answers;
    returns the answer and how many body bytes went out."""
    s = connect_from(port, address)
    sent = 0
    try:
        s.sendall(head)
        s.settimeout(10)
        for chunk in chunks:
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
            sent += len(chunk)
        return answer(s), sent
    finally:
        s.close()


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.1 ") else 0


def body_of(raw: bytes) -> dict:
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


@pytest.fixture
def many_files():
    """This test process opens thousands of sockets: its soft open-file limit goes to the
    hard one for the test (and back after)."""
    from antrean.limits import raise_open_files_limit

    before = resource.getrlimit(resource.RLIMIT_NOFILE)
    if before[1] < 4096 and os.geteuid() == 0:  # root (as in CI) may raise the hard one too
        resource.setrlimit(resource.RLIMIT_NOFILE, (before[0], 4096))
    if raise_open_files_limit() < 3200:
        pytest.skip("the hard open-file limit is below 3,200 and this is not root")
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, before)


def test_malformed_json_without_a_token_is_401_on_every_device_route(shared_hub):
    """The token is checked before the body is read: a stranger learns nothing from 422s."""
    spec = httpx.get(f"{shared_hub.url}{API}/openapi.json").json()
    fill = {"ticket_id": str(uuid.uuid4()), "n": "1", "service_id": "adminduk",
            "device_id": "1", "number": "A001"}
    checked = []
    for path, ops in spec["paths"].items():
        if "post" not in ops or path.startswith(f"{API}/pair") and path != f"{API}/pair/codes":
            continue
        url = shared_hub.url + path.format(**fill)
        r = httpx.post(url, content=b'{"bad', headers={"content-type": "application/json"})
        assert r.status_code == 401, (path, r.text)
        assert r.json()["error"] == "unauthorized"
        bad = httpx.post(url, content=b'{"bad', headers={"content-type": "application/json",
                                                         "authorization": "Bearer nope"})
        assert bad.status_code == 401, path
        checked.append(path)
    assert f"{API}/tickets" in checked and f"{API}/counters/{{n}}/finish" in checked
    assert len(checked) >= 15
    # with a token the same body is a clear 422
    r = httpx.post(f"{shared_hub.url}{API}/tickets", content=b'{"bad',
                   headers={**shared_hub.headers("kiosk"), "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"
    # a token of the wrong role is 403, also before the body
    r = httpx.post(f"{shared_hub.url}{API}/tickets", content=b'{"bad',
                   headers={**shared_hub.headers("display"), "content-type": "application/json"})
    assert r.status_code == 403


def test_big_bodies_are_refused_without_the_hub_growing(shared_hub):
    hub = shared_hub
    pid = hub.proc.pid
    before = rss_mb(pid)
    mb = b"[" + b"1," * (512 * 1024 - 1) + b"1]"  # 1 MB of a JSON array
    # 50 MB announced, no token: refused before a byte of the body is read
    head = (f"POST {API}/tickets HTTP/1.1\r\nHost: hub\r\ncontent-type: application/json\r\n"
            f"content-length: {50 * len(mb)}\r\n\r\n").encode()
    raw, _ = send_body(hub.port, head, (mb for _ in range(50)))
    assert status_of(raw) == 413 and body_of(raw)["error"] == "body_too_large"
    assert b"connection: close" in raw.lower()
    # the same with a token
    auth = f"authorization: Bearer {hub.tokens['kiosk']}\r\n".encode()
    raw, _ = send_body(hub.port, head.replace(b"\r\n\r\n", b"\r\n" + auth + b"\r\n"),
                       (mb for _ in range(50)))
    assert status_of(raw) == 413

    def chunked(total_mb: int):
        for _ in range(total_mb):
            yield b"%x\r\n%s\r\n" % (len(mb), mb)
        yield b"0\r\n\r\n"

    chunk_head = (f"POST {API}/tickets HTTP/1.1\r\nHost: hub\r\ncontent-type: application/json"
                  f"\r\ntransfer-encoding: chunked\r\n\r\n").encode()
    # 200 MB chunked, no token: 401 without reading it, and the connection is dropped
    raw, sent = send_body(hub.port, chunk_head, chunked(200))
    assert status_of(raw) == 401 and b"connection: close" in raw.lower()
    # 200 MB chunked with a token: cut off at the cap while it streams
    raw, sent = send_body(hub.port, chunk_head.replace(b"\r\n\r\n", b"\r\n" + auth + b"\r\n"),
                          chunked(200))
    assert status_of(raw) == 413 and body_of(raw)["error"] == "body_too_large"
    assert sent < 200 * len(mb)  # the hub closed the connection long before the end
    # four at once
    with contextlib.ExitStack() as stack:
        import concurrent.futures

        pool = stack.enter_context(concurrent.futures.ThreadPoolExecutor(4))
        results = list(pool.map(lambda _: send_body(hub.port, head, (mb for _ in range(50))),
                                range(4)))
    assert [status_of(r) for r, _ in results] == [413] * 4
    after = rss_mb(pid)
    print(f"hub RSS {before:.1f} MB before, {after:.1f} MB after ~700 MB of refused bodies")
    assert after - before < 20
    assert health_from(hub.url, "127.0.0.4") == 200
    # and a normal request still works, with a 60 KB body just under the cap refused as 422
    r = httpx.post(f"{hub.url}{API}/tickets", headers=hub.headers("kiosk"),
                   content=b'{"service":"' + b"x" * 60000 + b'"}')
    assert r.status_code == 422


def test_1500_half_open_connections_do_not_stop_health(tmp_path, many_files):
    """The issue's attack: requests whose headers never end. The hub raises its own
    open-file limit (started here with the systemd default soft limit, 1,024), keeps
    answering, and closes the stalled connections after its header timeout."""
    from hubproc import HubProcess

    from antrean.limits import HEADER_TIMEOUT_S, MAX_CONNECTIONS_PER_CLIENT

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    hub = HubProcess(tmp_path / "hub")  # inherits the 1,024 soft limit
    try:
        hub.start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    socks: list[socket.socket] = []
    try:
        limits = Path(f"/proc/{hub.proc.pid}/limits").read_text()
        line = next(x for x in limits.splitlines() if x.startswith("Max open files"))
        assert line.split()[3] == line.split()[4]  # soft raised to hard
        per = 50  # under the per-address cap: all 1,500 are held at once
        for a in range(30):
            for _ in range(per):
                s = connect_from(hub.port, f"127.0.1.{a + 1}")
                s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: hub\r\nX-Wait: ")
                socks.append(s)
        assert all(health_from(hub.url, "127.0.0.2") == 200 for _ in range(5))
        # one address alone is capped: the rest of its connections are refused at once
        mine = []
        for _ in range(MAX_CONNECTIONS_PER_CLIENT + 20):
            s = connect_from(hub.port, "127.0.2.1")
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: hub\r\n")
            mine.append(s)
        socks += mine
        refused = answered(mine, wait=HEADER_TIMEOUT_S / 2)
        assert len(refused) == 20 and {status_of(answer(s)) for s in refused} == {429}
        assert health_from(hub.url, "127.0.0.2") == 200
        # the stalled ones are answered 408 and closed after the header timeout
        stalled = [s for s in socks if s not in refused]
        answers = [answer(s, timeout=HEADER_TIMEOUT_S + 15) for s in stalled[:: 50]]
        assert {status_of(a) for a in answers} == {408}
        assert "request_timeout" in answers[0].decode()
        assert health_from(hub.url, "127.0.2.1") == 200  # its places are free again
    finally:
        for s in socks:
            s.close()
        hub.stop()


@pytest.fixture
def quick_hub(tmp_path, monkeypatch):
    """The hub in this process with short header and body timeouts, so a test sees them act."""
    from antrean import guard, limits
    from antrean.config import load_post_config
    from antrean.runner import HubThread

    monkeypatch.setattr(limits, "HEADER_TIMEOUT_S", 0.5)
    monkeypatch.setattr(guard, "BODY_TIMEOUT_S", 0.5)
    hub = HubThread(load_post_config(None), tmp_path / "hub").start()
    try:
        yield hub
    finally:
        hub.stop()


def test_a_slow_body_and_huge_headers_are_cut_off(quick_hub):
    from antrean.auth import create_device_token

    token = create_device_token(quick_hub.hub.storage, "kiosk", "Kios", quick_hub.hub.now())
    head = (f"POST {API}/tickets HTTP/1.1\r\nHost: hub\r\ncontent-type: application/json\r\n"
            f"authorization: Bearer {token}\r\ncontent-length: 100\r\n\r\n").encode()

    def trickle():
        yield b'{"service"'
        time.sleep(2)  # then nothing more for longer than the body timeout
        yield b': "adminduk"'

    raw, _ = send_body(quick_hub.port, head, trickle())
    assert status_of(raw) == 408 and body_of(raw)["error"] == "request_timeout"
    # headers that never end are cut off at the header size cap, long before the timeout
    endless = (b"X-Pad: " + b"a" * 1000 + b"\r\n" for _ in range(100))
    raw, sent = send_body(quick_hub.port, b"GET /api/v1/health HTTP/1.1\r\nHost: hub\r\n", endless)
    assert status_of(raw) == 431 and b"headers_too_large" in raw
    # and a connection that says nothing at all is closed after the header timeout
    s = connect_from(quick_hub.port, "127.0.0.5")
    assert status_of(answer(s)) == 408
    s.close()
    assert health_from(quick_hub.url, "127.0.0.5") == 200


# ----- the API docs page: offline -----------------------------------------------------------
def test_the_api_docs_page_loads_nothing_from_outside(shared_hub):
    import re as regex

    from antrean.apidocs import ASSETS

    url = shared_hub.url
    page = httpx.get(f"{url}{API}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    refs = regex.findall(r"""(?:src|href)=["']([^"']+)""", page.text)
    refs += regex.findall(r"""url: ?["']([^"']+)""", page.text)  # the spec Swagger UI loads
    assert refs and all(r.startswith("/") and not r.startswith("//") for r in refs), refs
    assert "http://" not in page.text and "https://" not in page.text
    for ref in refs:
        r = httpx.get(url + ref)
        assert r.status_code == 200, ref
    for name, media_type in ASSETS.items():
        r = httpx.get(f"{url}{API}/docs/assets/{name}")
        assert r.status_code == 200 and r.headers["content-type"] == media_type
    for bad in ("index.html", "..%2F..%2F__init__.py", "swagger-ui.js.map"):
        assert httpx.get(f"{url}{API}/docs/assets/{bad}").status_code == 404


def test_the_api_docs_page_renders_in_a_browser(shared_hub):
    from dashboard_browser import CHROMIUM, Browser

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with Browser(size=(1280, 900)) as b:
        b.goto(f"{shared_hub.url}{API}/docs")
        b.wait("document.querySelectorAll('.opblock').length > 20", timeout=20)
        paths = b.js("Array.from(document.querySelectorAll('.opblock-summary-path'))"
                     ".map(e => e.textContent)")
    assert f"{API}/tickets" in [p.replace("\u200b", "") for p in paths]
