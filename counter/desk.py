"""The counter's state, in plain Python: what the hub said, what the clerk did, what to show.

``Desk`` is fed by the view-model (hub answers, events, mDNS peers, clock ticks) and
renders one plain dict, :meth:`Desk.view`, that QML only shows. No Qt and no I/O here, so
the rules (guards, banners, what "next" means right now) are tested on their own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from antrean.devicetoken import TokenSource, out_of_service_detail
from antrean.palette import priority_colour
from antrean.posttime import PostClock

from .alerts import Alert, alert_from_event
from .beneficiary import NikFlow
from .claim import free_numbers, holder_of
from .texts import COUNTER_STATE, PRIORITY, TEXTS, duration, text

__all__ = ["Desk", "ACTIONS"]

#: Actions a clerk can ask for, in the order of the button row.
ACTIONS = ("next", "recall", "no_show", "finish", "transfer", "pause")
NEEDS_TICKET = frozenset({"recall", "no_show", "finish", "transfer"})
NOTICE_S = 8.0  # how long a notice stays on screen


def _parse(ts: str | None) -> float | None:
    """ISO 8601 with offset → epoch seconds."""
    if not ts:
        return None
    try:
        return datetime.fromisoformat(ts).timestamp()
    except ValueError:
        return None


@dataclass
class Desk:
    """All the counter knows; see the module docstring."""

    lang: str = "id"
    number: int | None = None
    services: list[str] | None = None  # None: every service
    next_guard_s: float = 2.0
    phase: str = "connecting"  # connecting | checking | choose | ready
    post_name: str = ""
    catalog: dict[str, dict[str, Any]] = field(default_factory=dict)
    queue: dict[str, Any] | None = None
    hub_up: bool | None = None  # None: not contacted yet
    down_since: float | None = None  # monotonic
    ticket: dict[str, Any] | None = None
    counter_state: str = "idle"
    called_mono: float | None = None  # when this counter last called (double-press guard)
    alerts: dict[str, Alert] = field(default_factory=dict)
    peers: list[Any] = field(default_factory=list)
    me: str | None = None  # our mDNS instance name
    lan: bool = False  # are we watching the LAN (mDNS)? If not, say nothing about it
    busy: str | None = None  # the action waiting for the hub's answer
    transfer_open: bool = False
    chooser_message: str = ""
    typed: str = ""
    notice: tuple[str, str, float] | None = None  # text, level, monotonic
    clock: PostClock = field(default_factory=PostClock)  # the post's time, as the hub says
    token: TokenSource | None = None  # where this counter's token comes from
    auth: dict[str, Any] | None = None  # the hub's word on this counter (+ "hub_url")
    nik: NikFlow = field(default_factory=NikFlow)  # a programme's resident: the NIK step

    @property
    def refused(self) -> bool:
        """The hub answers but refuses this counter (no token, an unknown one, another
        role's), or the counter refuses the hub's key."""
        return self.auth is not None and not self.auth.get("ok", False)

    # ----- inputs from the hub ---------------------------------------------------------
    def set_hub_up(self, up: bool, now_mono: float) -> bool:
        """Record the hub's reachability; True if it changed."""
        if up == self.hub_up:
            return False
        self.hub_up = up
        self.down_since = None if up else now_mono
        if not up:
            self.busy = None
        return True

    def apply_services(self, services: list[dict[str, Any]]) -> None:
        self.catalog = {s["id"]: s for s in services}

    def apply_queue(self, q: dict[str, Any], now_epoch: float | None = None) -> None:
        """A fresh ``GET /queue``: the truth for this counter's ticket and state."""
        now_epoch = time.time() if now_epoch is None else now_epoch
        self.queue = q
        self._fetched = now_epoch
        for s in q.get("services", []):
            self.catalog.setdefault(s["id"], dict(s)).update(
                {k: s[k] for k in ("letter", "name", "open") if k in s})
        mine = next((c for c in q.get("counters", []) if c.get("number") == self.number), None)
        if mine is not None:
            self.counter_state = mine.get("state", "idle")
            ticket = mine.get("ticket")
            self.ticket = ticket if ticket and ticket.get("state") == "called" else None
        elif self.number is not None:
            self.counter_state, self.ticket = "idle", None
        if self.ticket is None:
            self.transfer_open = False

    def apply_result(self, action: str, result: dict[str, Any] | None, now_mono: float) -> str:
        """The hub's answer to an action; returns the notice to show."""
        self.busy = None
        number = (self.ticket or {}).get("number", "")
        if action == "next":
            self.ticket = result
            self.counter_state = "serving" if result else "idle"
            if result is None:
                return text(self.lang, "nobody_waiting")
            self.called_mono = now_mono
            return text(self.lang, "called", number=result["number"], counter=self.number)
        if action == "recall" and result:
            self.ticket = result
            return text(self.lang, "recalled", number=result["number"])
        if action in ("finish", "no_show", "transfer"):
            self.ticket, self.counter_state, self.transfer_open = None, "idle", False
            if action == "transfer" and result:
                return text(self.lang, "transferred", number=result["number"],
                            service=self.service_name(result.get("service")))
            return text(self.lang, "served" if action == "finish" else "no_showed", number=number)
        if action in ("pause", "resume") and result:
            self.counter_state = result.get("state", self.counter_state)
            return text(self.lang, "paused" if self.counter_state == "paused" else "resumed")
        return ""

    def apply_event(self, ev: dict[str, Any]) -> bool:
        """One event from the hub's stream; True if ``/queue`` should be read again."""
        found = alert_from_event(ev)
        if found is not None:
            key, alert = found
            if alert is None:
                self.alerts.pop(key, None)
            else:
                self.alerts[key] = alert
            return False
        kind = str(ev.get("type", ""))
        return kind.startswith(("ticket.", "counter.", "service."))

    # ----- the clerk's wishes --------------------------------------------------------------
    def refusal(self, action: str, now_mono: float) -> tuple[str, str] | None:
        """Why ``action`` cannot be sent now, as (notice, level); None if it may go."""
        if self.refused:
            return text(self.lang, "refused_token", action=self.action_label(action)), "error"
        if self.phase != "ready" or self.number is None:
            return text(self.lang, "refused_not_ready"), "warn"
        if not self.hub_up:
            return text(self.lang, "refused_down", action=self.action_label(action)), "error"
        if self.busy is not None:
            return text(self.lang, "refused_busy"), "info"
        if action == "next" and self.ticket is not None and self.called_mono is not None \
                and now_mono - self.called_mono < self.next_guard_s:
            return text(self.lang, "refused_double", number=self.ticket["number"]), "info"
        if action in NEEDS_TICKET and self.ticket is None:
            return text(self.lang, "refused_no_ticket"), "warn"
        if action == "pause" and self.ticket is not None and self.counter_state != "paused":
            return text(self.lang, "refused_pause_ticket", number=self.ticket["number"]), "warn"
        return None

    def say(self, message: str, level: str, now_mono: float) -> None:
        self.notice = (message, level, now_mono) if message else None

    # ----- words ------------------------------------------------------------------------
    def action_label(self, action: str) -> str:
        if action == "pause":
            return text(self.lang, "resume" if self.counter_state == "paused" else "pause")
        if action == "next" and self.ticket is not None:
            return text(self.lang, "next_finish")
        return text(self.lang, action)

    def service_name(self, sid: str | None) -> str:
        s = self.catalog.get(sid or "", {})
        if self.lang == "en" and s.get("name_en"):
            return str(s["name_en"])
        return str(s.get("name") or sid or "")

    def priority_label(self, category: str | None) -> str:
        if not category:
            return ""
        pair = PRIORITY.get(category)
        return (pair[1] if self.lang == "en" else pair[0]) if pair else category.capitalize()

    def hub_now(self, now_epoch: float) -> float:
        """This machine's epoch time ``now_epoch`` moved onto the post's (the hub's) clock."""
        return now_epoch + self.clock.offset().total_seconds()

    # ----- the picture ---------------------------------------------------------------------
    def view(self, now_mono: float, now_epoch: float | None = None) -> dict[str, Any]:
        """Everything QML shows, as plain data."""
        now_epoch = time.time() if now_epoch is None else now_epoch
        L = self.lang
        notice = self.notice if self.notice and now_mono - self.notice[2] < NOTICE_S else None
        down = self.hub_up is False
        return {
            "lang": L,
            "t": dict(TEXTS.get(L, TEXTS["id"])),
            "phase": self.phase,
            "number": self.number or 0,
            "title": f"{text(L, 'counter')} {self.number}" if self.number else text(L, "counter"),
            "postName": self.post_name,
            "servesText": ", ".join(self.service_name(s) for s in self.services)
            if self.services else text(L, "services_all"),
            "hubUp": self.hub_up is True and not self.refused,  # the dot: green only if usable
            "outOfService": self.refused,
            "oos": self._out_of_service_view(),
            "hubDown": down,
            "hubDownText": text(L, "hub_down"),
            "hubDownDetail": text(L, "hub_down_detail", d=duration(
                now_mono - self.down_since if self.down_since is not None else 0, L)),
            "connectingText": text(L, "connecting"),
            "clock": self.clock.text(),  # "14.05 WIB"; "—" until the hub said
            "keysHelp": self._keys_help(),
            "busy": self.busy is not None,
            "paused": self.counter_state == "paused",
            "ticket": self._ticket_view(now_epoch),
            "nextEnabled": self.refusal("next", now_mono) is None,
            "nextLabel": self.action_label("next"),
            "nextHint": self._next_hint(),
            "actions": self._actions_view(now_mono),
            "queue": self._queue_view(now_epoch),
            "others": self._others_view(),
            "alerts": [a.render(L, self.service_name(a.source) if a.kind == "queue" else "")
                       for _, a in sorted(self.alerts.items())][:2],
            "alertsMore": text(L, "alert_more", n=len(self.alerts) - 2)
            if len(self.alerts) > 2 else "",
            "notice": notice[0] if notice else "",
            "noticeLevel": notice[1] if notice else "info",
            "transfer": self._transfer_view(),
            "chooser": self._chooser_view(),
            "nik": self.nik.view(L),
        }

    def _out_of_service_view(self) -> dict[str, str]:
        lines = {"title": text(self.lang, "out_of_service"),
                 "forStaff": text(self.lang, "for_staff")}
        if not self.refused or self.auth is None:
            return {**lines, **dict.fromkeys(("hub", "refused", "fix", "fix2", "after"), "")}
        return {**lines, **out_of_service_detail(self.auth, role="counter",
                                                 post_name=self.post_name, source=self.token,
                                                 lang=self.lang)}

    def _keys_help(self) -> str:
        from .keys import KEY_LABELS

        # Each key with its action kept together (no-break spaces): a narrow screen wraps the
        # legend between keys, never cuts it.
        parts = [f"{KEY_LABELS[a]} {self.action_label(a)}".replace(" ", "\u00a0")
                 for a in ACTIONS]
        return text(self.lang, "keys_title") + ":  " + "   ·   ".join(parts)

    def _next_hint(self) -> str:
        if self.counter_state == "paused":
            return text(self.lang, "next_hint_paused")
        if self.ticket is not None:
            return text(self.lang, "next_hint_called", number=self.ticket["number"])
        return text(self.lang, "next_hint_idle")

    def _ticket_view(self, now_epoch: float) -> dict[str, Any]:
        t = self.ticket
        if t is None:
            return {"present": False, "number": "", "service": "",
                    "priority": "", "priorityColor": "", "waited": "", "calledAgo": "",
                    "recalls": "",
                    "empty": text(self.lang, "paused_banner" if self.counter_state == "paused"
                                  else "none_called")}
        issued, called = _parse(t.get("issued_at")), _parse(t.get("called_at"))
        waited = called - issued if issued is not None and called is not None else None
        ago = self.hub_now(now_epoch) - called if called is not None else None
        recalls = int(t.get("recalls") or 0)
        return {
            "present": True, "number": t["number"], "service": self.service_name(t.get("service")),
            "priority": self.priority_label(t.get("priority")),
            "priorityColor": priority_colour(t.get("priority")),  # as on the kiosk and the hall
            "waited": text(self.lang, "waited", d=duration(waited, self.lang)),
            "calledAgo": text(self.lang, "called_ago", d=duration(ago, self.lang)),
            "recalls": text(self.lang, "recalls", n=recalls) if recalls else "", "empty": "",
        }

    def _actions_view(self, now_mono: float) -> list[dict[str, Any]]:
        from .keys import KEY_LABELS

        out = []
        for a in ACTIONS[1:]:
            out.append({"action": a, "label": self.action_label(a), "key": KEY_LABELS[a],
                        "allowed": self.refusal(a, now_mono) is None})
        return out

    def _queue_view(self, now_epoch: float) -> list[dict[str, Any]]:
        if not self.queue:
            return []
        since = now_epoch - getattr(self, "_fetched", now_epoch)
        rows = []
        for s in self.queue.get("services", []):
            if self.services and s["id"] not in self.services:
                continue
            oldest = s.get("oldest_wait_s")
            rows.append({
                "letter": s.get("letter", ""), "name": self.service_name(s["id"]),
                "waiting": int(s.get("waiting", 0)), "priority": int(s.get("priority_waiting", 0)),
                "oldest": duration(oldest + since, self.lang) if oldest is not None else "–",
                "open": bool(s.get("open", True)),
            })
        return rows

    def _others_view(self) -> list[dict[str, Any]]:
        rows: dict[int, dict[str, Any]] = {}
        for c in (self.queue or {}).get("counters", []):
            n = c.get("number")
            if n == self.number or n is None:
                continue
            ticket = (c.get("ticket") or {})
            state = c.get("state", "idle")
            rows[n] = {"number": n, "counterState": state,
                       "stateText": text(self.lang, COUNTER_STATE.get(state, "state_idle")),
                       "ticket": ticket.get("number", "") if ticket.get("state") == "called" else "",
                       "onLan": False,
                       "lanText": text(self.lang, "not_on_lan") if self.lan else ""}
        for p in self.peers:
            n = getattr(p, "counter", None)
            if p.role != "counter" or n is None or p.instance == self.me or n == self.number:
                continue
            row = rows.setdefault(n, {"number": n, "counterState": "idle",
                                      "stateText": text(self.lang, "state_idle"), "ticket": ""})
            row.update({"onLan": True, "lanText": p.name})
        return [rows[n] for n in sorted(rows)]

    def _transfer_view(self) -> dict[str, Any]:
        choices: list[dict[str, Any]] = []
        if self.ticket is not None:
            for sid, s in self.catalog.items():
                if sid != self.ticket.get("service") and s.get("open", True):
                    choices.append({"service": sid, "key": str(len(choices) + 1),
                                    "letter": s.get("letter", ""), "name": self.service_name(sid)})
        return {"open": self.transfer_open and self.ticket is not None,
                "title": text(self.lang, "transfer_title",
                              number=(self.ticket or {}).get("number", "")),
                "cancel": text(self.lang, "transfer_cancel"), "choices": choices[:8]}

    def _chooser_view(self) -> dict[str, Any]:
        free = free_numbers(self.peers, self.me)
        used = [{"number": n, "name": p.name} for n in range(1, max(free, default=0) + 1)
                if (p := holder_of(n, self.peers, self.me)) is not None]
        used_line = text(self.lang, "used_by") + ": " + ", ".join(
            f"{u['number']} ({u['name']})" for u in used) if used else ""
        return {"title": text(self.lang, "choose_title"), "usedLine": used_line,
                "help": text(self.lang, "choose_checking") if self.phase == "checking"
                else text(self.lang, "choose_help"),
                "message": self.chooser_message, "free": free, "used": used,
                "usedText": text(self.lang, "used_by"), "typed": self.typed,
                "typedText": text(self.lang, "typed")}

    def follow_nik(self) -> None:
        """Open the NIK step when this counter's called ticket is a programme's resident."""
        t = self.ticket
        self.nik.follow(t, self.catalog, self.service_name(t.get("service")) if t else "")

    def transfer_choice(self, index: int) -> str | None:
        """The service id behind picker key ``index`` (1-based), if any."""
        choices = self._transfer_view()["choices"]
        return choices[index - 1]["service"] if 1 <= index <= len(choices) else None
