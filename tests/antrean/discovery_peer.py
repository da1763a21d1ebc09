"""A device in another process for the discovery tests: advertises on 127.0.0.1 only.

Prints ``ready <instance>`` once announced, then waits; SIGTERM withdraws the service
(goodbye packets) and exits 0, as the real apps do.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from antrean.discovery import Advertiser


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", required=True)
    parser.add_argument("--post", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--counter", type=int)
    args = parser.parse_args()

    # SIGTERM unwinds the with-block below, so close() sends the goodbyes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Advertiser(
        args.role,
        args.post,
        args.name,
        args.port,
        counter=args.counter,
        interfaces=["127.0.0.1"],
    ) as advertiser:
        print("ready", advertiser.instance, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
