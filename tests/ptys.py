"""A pseudo-terminal standing in for a serial device (a button box, a printer) in tests."""

from __future__ import annotations

import os


class Pty:
    """The device's end of a pseudo-terminal; the code under test opens ``path``."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        os.close(slave)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
