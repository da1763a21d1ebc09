"""Attackers on the post's LAN, for tests, on free loopback ports in background threads.

:class:`TLSRelay` is a man in the middle: a TLS server with a key of its own that relays
every byte to the real hub (ARP spoofing puts one between a device and the hub);
``received`` counts the application bytes devices sent through it — a device that checks
the hub key sends none. :class:`RogueHub` is a fake hub that answers like one.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from pathlib import Path

from antrean.tls import ensure_identity


class TLSRelay:
    def __init__(self, target_host: str, target_port: int, key_dir: Path) -> None:
        self.target = (target_host, target_port)
        identity = ensure_identity(key_dir)  # another key than the hub's
        self.fingerprint = identity.fingerprint
        self._server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._server_ctx.load_cert_chain(identity.cert_path, identity.key_path)
        self._client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._client_ctx.check_hostname = False
        self._client_ctx.verify_mode = ssl.CERT_NONE
        self.received = 0  # application bytes from devices, after their handshake
        self.connections = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tls-relay", daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> TLSRelay:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(
            self._handle, "127.0.0.1", 0, ssl=self._server_ctx))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.run_until_complete(server.wait_closed())
            self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_r, up_w = await asyncio.open_connection(*self.target, ssl=self._client_ctx)
        except OSError:
            writer.close()
            return

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, count: bool) -> None:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError, ssl.SSLError):
                while data := await src.read(65536):
                    if count:
                        self.received += len(data)
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(Exception):
                dst.close()

        await asyncio.gather(pipe(reader, up_w, True), pipe(up_r, writer, False))


class RogueHub:
    """A fake hub on 127.0.0.1 with a key of its own (or plain HTTP): it answers any request
    as a hub would — ``/tickets`` with a ticket "Z999" — and keeps what it was sent, so a
    token a device gave away would show up in ``tokens``.

    ``connections`` counts TLS handshakes that reached it (a pinned device completes one,
    checks the key, and hangs up); ``requests`` counts HTTP requests it got.
    """

    def __init__(self, post: str, key_dir: Path, *, tls: bool = True) -> None:
        self.post = post
        self._ctx: ssl.SSLContext | None = None
        if tls:
            identity = ensure_identity(key_dir)
            self.fingerprint = identity.fingerprint
            self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._ctx.load_cert_chain(identity.cert_path, identity.key_path)
        self.connections = 0
        self.requests = 0
        self.tokens: list[str] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rogue-hub", daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self._ctx else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> RogueHub:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(
            self._handle, "127.0.0.1", 0, ssl=self._ctx))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import json

        self.connections += 1
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                TimeoutError, ssl.SSLError):
            writer.close()
            return
        self.requests += 1
        lines = head.decode("latin-1").split("\r\n")
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "authorization":
                self.tokens.append(value.strip())
        if "/tickets" in lines[0]:
            body = {"id": "00000000-0000-0000-0000-000000000999", "number": "Z999",
                    "service": "adminduk", "state": "waiting", "priority": None}
        else:
            body = {"status": "ok", "post": {"id": self.post, "name": "Pos Palsu"}, "api": 1,
                    "version": "0.1.0", "time": "2026-12-07T08:00:00+07:00"}
        data = json.dumps(body).encode()
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\nContent-Length: " + str(len(data)).encode()
                     + b"\r\n\r\n" + data)
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.drain()
        writer.close()
