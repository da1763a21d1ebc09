"""``antrean doctor``: the post's clock source — is chrony set up the way ``antrean setup``
leaves it (antrean/timesource.py), and does a device still follow the hub where it is now?

The offset itself is :func:`hardware.doctor_checks.check_clock`'s (this Pi against the hub's
``/health``); this check says where the time comes from and how to put it right.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from antrean.timesource import HUB_DROPIN, HUB_ROLES, configured_hub
from antrean.tls import url_host

from .doctor_checks import OK, WARN, Findings, Result, Settings, result

__all__ = ["check_time_source"]

_TITLE = ("Sumber waktu (chrony)", "Time source (chrony)")


def check_time_source(s: Settings, f: Findings, root: Path = Path("/")) -> Result:
    role = s.role or "kiosk"
    setup = (f"sudo antrean setup {role}", f"sudo antrean setup {role}")
    if shutil.which("chronyc", path=str(root / "usr/bin")) is None \
            and not (root / "etc/chrony").is_dir():
        return result("timesource", WARN, _TITLE,
                      ("chrony tidak terpasang: jam Pi ini tidak ikut jam pos",
                       "chrony is not installed: this Pi's clock does not follow the post's"),
                      (f"sudo apt install chrony, lalu {setup[0]}",
                       f"sudo apt install chrony, then {setup[1]}"))
    if role in HUB_ROLES:
        if (root / HUB_DROPIN).is_file():
            return result("timesource", OK, _TITLE,
                          (f"Pi ini melayani NTP untuk LAN pos (/{HUB_DROPIN})",
                           f"this Pi serves NTP to the post's LAN (/{HUB_DROPIN})"))
        return result("timesource", WARN, _TITLE,
                      ("Pi ini belum melayani NTP: perangkat lain tidak bisa ikut jam hub",
                       "this Pi does not serve NTP yet: other devices cannot follow its clock"),
                      setup)
    source = configured_hub(root)
    hub_host = url_host(f.hub_url) if f.hub_url else ""
    if source is None:
        return result("timesource", WARN, _TITLE,
                      ("chrony belum diarahkan ke hub pos", "chrony is not pointed at the hub"),
                      (f"{setup[0]} (saat hub menyala: hub dicari lewat mDNS)",
                       f"{setup[1]} (with the hub up: it is found by mDNS)"))
    if hub_host and hub_host != source:
        return result("timesource", WARN, _TITLE,
                      (f"chrony mengikuti {source}, tetapi hub sekarang di {hub_host}",
                       f"chrony follows {source}, but the hub is now at {hub_host}"),
                      (f"{setup[0]} (menunjuk chrony ke alamat hub yang baru)",
                       f"{setup[1]} (points chrony at the hub's new address)"))
    return result("timesource", OK, _TITLE,
                  (f"chrony mengikuti hub di {source}", f"chrony follows the hub at {source}"))
