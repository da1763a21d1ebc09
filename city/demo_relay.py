"""A post's mobile link in the city demo: a port that is dead, then comes back.

Until :meth:`DeadThenHealed.heal` the port is bound but not listening, so a hub's uplink
pointed at it gets "connection refused" (as from a city behind a link that is down); after
it, every connection is passed through to the city server, byte for byte.
"""

from __future__ import annotations

import contextlib
import socket
import threading

__all__ = ["DeadThenHealed"]


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := src.recv(65536):
            dst.sendall(data)
    with contextlib.suppress(OSError):
        dst.shutdown(socket.SHUT_WR)


class DeadThenHealed:
    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        self.host, self.target = host, target_port
        self._sock = socket.socket()
        self._sock.bind((host, 0))  # held, not listening: connections are refused
        self.port = int(self._sock.getsockname()[1])
        self._conns: list[socket.socket] = []
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def heal(self) -> None:
        """From now on, pass every connection through to the target."""
        if self._thread is None:
            self._sock.listen(16)
            self._thread = threading.Thread(target=self._serve, name="demo-link", daemon=True)
            self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:  # closed
                return
            try:
                upstream = socket.create_connection((self.host, self.target), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        for c in self._conns:
            with contextlib.suppress(OSError):
                c.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
