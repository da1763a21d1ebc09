"""Pairing a device with the hub by its one-time code, authenticated both ways (SPAKE2).

The code is short (six digits), so it is never sent, not even hashed: device and hub run
SPAKE2 (the PAKE magic-wormhole uses for its short codes) with it and each ends up with a
key only the other holder of the code can share. Someone who does not know the code — a
rogue hub answering the device, or a rogue device asking the hub — gets exactly one guess per
exchange and learns nothing to guess with offline. The exchange:

1. device → ``POST /pair/start {"role", "name", "msg"}``: its SPAKE2 message;
2. hub → ``{"session", "offers": [{"msg", "nonce", "box"}]}``: for each active code that
   allows the role, its own SPAKE2 message and, sealed (AES-GCM) under the key that code gives,
   the new token, the hub key's fingerprint and the post;
3. the device opens the offer its code opens, checks that the fingerprint is the key of the
   TLS connection it is on (a man in the middle with another key is caught here), pins it,
   and answers ``POST /pair/finish {"session", "confirm"}`` — an HMAC under the same key over
   the fingerprint it saw. Only then does the hub store the token (and spend the code).

Role and name are bound into the keys: a relay that changes them only breaks the exchange.
Guesses are limited per client address with a growing pause (:class:`Backoff`), never for
everyone: wrong guesses from one address never lock out the technician at another.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from spake2 import SPAKE2_A, SPAKE2_B
from spake2.spake2 import SPAKEError

from .auth import PairingError, code_password, hash_token, new_token, validate_device
from .storage import Storage

__all__ = ["Backoff", "DeviceExchange", "HubPairing", "PairingResult", "SESSION_TTL_S",
           "normalise_code", "pair_client", "plain_pair"]

log = logging.getLogger(__name__)

SESSION_TTL_S = 30.0
_ID_DEVICE, _ID_HUB = b"antrean-device", b"antrean-hub"
_MAX_SESSIONS = 256  # open exchanges kept at once (each ~1 kB); the oldest go first
CODE_DIGITS = 6


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str, what: str, max_len: int = 4096) -> bytes:
    if not isinstance(text, str) or len(text) > max_len:
        raise PairingError("invalid_request", f"{what} tidak valid.", f"Invalid {what}.", 422)
    try:
        return base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise PairingError("invalid_request", f"{what} tidak valid.", f"Invalid {what}.",
                           422) from None


def normalise_code(code: str) -> str:
    """The code as typed (``"123 456"``, ``"123-456"``) → its digits; ValueError if it is not
    a code at all (checked on the device, before anything is sent)."""
    digits = "".join(ch for ch in code if ch not in " -")
    if len(digits) != CODE_DIGITS or not digits.isdigit():
        raise ValueError(f"a pairing code is {CODE_DIGITS} digits")
    return digits


def _keys(shared: bytes, session: str, role: str, name: str) -> tuple[bytes, bytes]:
    """(sealing key, confirmation key) from the SPAKE2 key, bound to session, role and name."""
    info = json.dumps(["antrean-pair-v1", session, role, name]).encode("utf-8")
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=info).derive(shared)
    return okm[:32], okm[32:]


def _confirmation(mac_key: bytes, session: str, seen_fingerprint: str) -> bytes:
    msg = json.dumps(["device-confirm", session, seen_fingerprint]).encode("utf-8")
    return hmac.new(mac_key, msg, hashlib.sha256).digest()


def _address_key(address: str) -> str:
    """Who is rate-limited: an IPv4 address, or an IPv6 /64 (one host has a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


# ---------------------------------------------------------------- hub side


class Backoff:
    """Per-address pause after failed pairing attempts: ``free`` attempts, then 1 s, 2 s,
    4 s … up to ``max_s`` between attempts. An attempt counts as failed until confirmed.

    With a 2-minute code this lets one address try about ten codes of the 10⁶: one chance
    in 100 000. Nothing is global: another address is never slowed down.
    """

    def __init__(self, *, free: int = 3, max_s: float = 300.0, forget_s: float = 900.0,
                 max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.max_s, self.forget_s, self.max_entries = free, max_s, forget_s, max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[int, float]] = OrderedDict()  # failures, last
        self._lock = threading.Lock()

    def _wait_s(self, failures: int) -> float:
        return 0.0 if failures < self.free else min(self.max_s, 2.0 ** (failures - self.free))

    def retry_after(self, address: str) -> float:
        """Seconds this address must still wait (0: it may try now)."""
        with self._lock:
            entry = self._entries.get(_address_key(address))
        if entry is None:
            return 0.0
        failures, last = entry
        return max(0.0, last + self._wait_s(failures) - self._clock())

    def attempt(self, address: str) -> None:
        """Count an attempt (as a failure until :meth:`succeeded`)."""
        key, now = _address_key(address), self._clock()
        with self._lock:
            failures, last = self._entries.pop(key, (0, now))
            if now - last > self.forget_s:
                failures = 0
            self._entries[key] = (failures + 1, now)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._entries.pop(_address_key(address), None)


@dataclass
class _Offer:
    code_id: int
    seal_key: bytes
    mac_key: bytes


@dataclass
class _Session:
    address: str
    role: str
    name: str
    token: str
    created: float
    offers: list[_Offer] = field(default_factory=list)


@dataclass(frozen=True)
class PairedDevice:
    role: str
    name: str
    device_id: int


class HubPairing:
    """The hub's half of pairing: open exchanges, their keys, the per-address backoff."""

    def __init__(self, storage: Storage, fingerprint: str, post: dict[str, str], *,
                 now: Callable[[], datetime], backoff: Backoff | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.storage, self.fingerprint, self.post = storage, fingerprint, post
        self.now, self._clock = now, clock
        self.backoff = backoff or Backoff(clock=clock)
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        self._lock = threading.Lock()

    def _check_backoff(self, address: str) -> None:
        wait = self.backoff.retry_after(address)
        if wait > 0:
            raise PairingError(
                "pairing_backoff",
                f"Terlalu banyak percobaan dari perangkat ini. Coba lagi dalam {wait:.0f} detik.",
                f"Too many attempts from this address. Try again in {wait:.0f} s.", 429,
                retry_after=wait)

    def start(self, address: str, role: str, name: str, msg: str) -> dict[str, Any]:
        """Answer a device's SPAKE2 message with one sealed offer per matching code."""
        try:
            validate_device(role, name)
        except ValueError as exc:
            raise PairingError("invalid_device", "Peran atau nama perangkat tidak valid.",
                               str(exc), 422) from exc
        raw = _unb64(msg, "msg", 200)
        self._check_backoff(address)
        active = self.storage.active_pairing_codes(self.now())
        if not active:
            raise PairingError("no_pairing_code",
                               "Tidak ada kode pemasangan yang aktif. Minta kode baru di hub.",
                               "No active pairing code. Ask the hub for a new one.")
        codes = [row for row in active if role in row["roles"].split(",")]
        if not codes:
            raise PairingError("role_not_allowed", "Kode yang aktif tidak berlaku untuk peran ini.",
                               "No active code allows that role.")
        self.backoff.attempt(address)  # a guess, until the device confirms it knew the code
        session_id = secrets.token_urlsafe(16)
        token = new_token()
        sess = _Session(address, role, name, token, self._clock())
        payload = json.dumps({"token": token, "fingerprint": self.fingerprint,
                              "post": self.post, "role": role, "name": name}).encode("utf-8")
        offers = []
        for row in codes:
            # The stored hash is the password on both sides (code_password): no code is kept.
            spake = SPAKE2_B(str(row["code_hash"]).encode("ascii"), idA=_ID_DEVICE, idB=_ID_HUB)
            out = spake.start()
            try:
                shared = spake.finish(raw)
            except (SPAKEError, ValueError, AssertionError) as exc:
                raise PairingError("invalid_request", "Pesan pemasangan tidak valid.",
                                   f"Invalid pairing message: {exc}", 422) from None
            seal_key, mac_key = _keys(shared, session_id, role, name)
            nonce = os.urandom(12)
            box = AESGCM(seal_key).encrypt(nonce, payload, session_id.encode("ascii"))
            sess.offers.append(_Offer(int(row["id"]), seal_key, mac_key))
            offers.append({"msg": _b64(out), "nonce": _b64(nonce), "box": _b64(box)})
        secrets.SystemRandom().shuffle(offers)  # the order says nothing about which code
        with self._lock:
            self._expire()
            self._sessions[session_id] = sess
            while len(self._sessions) > _MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return {"session": session_id, "offers": offers, "expires_in_s": int(SESSION_TTL_S)}

    def _expire(self) -> None:
        now = self._clock()
        for sid in [s for s, v in self._sessions.items() if now - v.created > SESSION_TTL_S]:
            del self._sessions[sid]

    def finish(self, address: str, session_id: str, confirm_b64: str | None,
               over_tls: bool) -> PairedDevice:
        """Record the device's token once it proved it derived the same key."""
        with self._lock:
            self._expire()
            sess = self._sessions.pop(session_id, None) if isinstance(session_id, str) else None
        if sess is None or _address_key(sess.address) != _address_key(address):
            raise PairingError("pairing_expired",
                               "Sesi pemasangan tidak ada atau sudah habis. Ulangi pemasangan.",
                               "No such pairing session (or it expired). Pair again.")
        if confirm_b64 is None:
            raise PairingError("wrong_code", "Kode pemasangan salah.", "Wrong pairing code.")
        confirm = _unb64(confirm_b64, "confirm", 100)
        seen = self.fingerprint if over_tls else ""
        for offer in sess.offers:
            if hmac.compare_digest(confirm, _confirmation(offer.mac_key, session_id, seen)):
                break
        else:
            raise PairingError("wrong_code", "Kode pemasangan salah, atau ada perantara "
                               "di jaringan.", "Wrong pairing code, or something in between.")
        if not self.storage.use_pairing_code(offer.code_id, self.now()):
            raise PairingError("code_used", "Kode ini baru saja dipakai perangkat lain.",
                               "This code was just used by another device.")
        device_id = self.storage.add_device(sess.role, sess.name, hash_token(sess.token),
                                            self.now())
        self.backoff.succeeded(address)
        return PairedDevice(sess.role, sess.name, device_id)


def plain_pair(pairing: HubPairing, address: str, code: str, role: str, name: str, *,
               secure: bool) -> tuple[str, PairedDevice]:
    """Pairing for a browser (the volunteer's survey page), which cannot run SPAKE2 offline:
    the code itself, accepted only inside TLS the phone's user has checked (the one-time
    certificate step) or from this machine, only for the ``survey`` role (a token that can
    do nothing but send surveys), and under the same per-address backoff."""
    if role != "survey":
        raise PairingError("pake_required", "Perangkat ini harus dipasangkan dengan antrean "
                           "join (SPAKE2).", "This role pairs with SPAKE2 (antrean join), "
                           "not with the code in the clear.", 403)
    if not secure:
        raise PairingError("tls_required", "Pemasangan HP hanya lewat https://.",
                           "A phone pairs over https:// only.", 403)
    try:
        validate_device(role, name)
        digits = normalise_code(code)
    except ValueError as exc:
        raise PairingError("invalid_request", "Kode atau nama tidak valid.", str(exc),
                           422) from exc
    pairing._check_backoff(address)
    pairing.backoff.attempt(address)
    wanted = code_password(digits).decode("ascii")
    for row in pairing.storage.active_pairing_codes(pairing.now()):
        if hmac.compare_digest(str(row["code_hash"]), wanted) and role in row["roles"].split(","):
            if not pairing.storage.use_pairing_code(int(row["id"]), pairing.now()):
                break
            token = new_token()
            device_id = pairing.storage.add_device(role, name, hash_token(token), pairing.now())
            pairing.backoff.succeeded(address)
            return token, PairedDevice(role, name, device_id)
    raise PairingError("wrong_code", "Kode pemasangan salah.", "Wrong pairing code.")


# ---------------------------------------------------------------- device side


@dataclass(frozen=True)
class PairingResult:
    token: str
    fingerprint: str
    post: dict[str, str]
    session: str
    confirm: str  # what to send to /pair/finish


class DeviceExchange:
    """The device's half: one SPAKE2 message out, the hub's offers in."""

    def __init__(self, code: str, role: str, name: str) -> None:
        self.role, self.name = role, name
        spake = SPAKE2_A(code_password(normalise_code(code)), idA=_ID_DEVICE, idB=_ID_HUB)
        self._msg = spake.start()
        self._state = spake.serialize()  # finish() runs once per object: one copy per offer

    def start_body(self) -> dict[str, str]:
        return {"role": self.role, "name": self.name, "msg": _b64(self._msg)}

    def open(self, answer: dict[str, Any], seen: Sequence[str] | None) -> PairingResult:
        """Open the offer sealed under our code's key; ``seen``: the hub keys of the TLS
        connections this exchange went over (``None`` over plain HTTP).

        Raises PairingError ``wrong_code`` when no offer opens (wrong code, or a hub that does
        not know it) and ``hub_key_mismatch`` when the hub vouches for a key that is not the
        one we are talking to (a man in the middle).
        """
        session = answer.get("session")
        offers = answer.get("offers")
        if not isinstance(session, str) or not isinstance(offers, list):
            raise PairingError("bad_answer", "Jawaban hub tidak dikenali.",
                               "The hub's answer was not understood.", 502)
        for offer in offers[:16]:
            opened = self._try(offer, session)
            if opened is None:
                continue
            payload, mac_key = opened
            fp = str(payload.get("fingerprint", ""))
            if seen is not None and (not seen or any(s != fp for s in seen)):
                raise PairingError(
                    "hub_key_mismatch",
                    "Kunci TLS yang diterima bukan kunci hub: ada perantara di jaringan. "
                    "Pemasangan dibatalkan.",
                    "The TLS key on this connection is not the hub's own key: something sits "
                    "in between. Pairing aborted.", 502)
            confirm = _confirmation(mac_key, session, fp if seen is not None else "")
            return PairingResult(str(payload["token"]), fp, dict(payload.get("post") or {}),
                                 session, _b64(confirm))
        raise PairingError("wrong_code", "Kode pemasangan salah (atau yang menjawab bukan hub "
                           "pos ini).", "Wrong pairing code (or the answer was not from this "
                           "post's hub).")

    def _try(self, offer: Any, session: str) -> tuple[dict[str, Any], bytes] | None:
        if not isinstance(offer, dict):
            return None
        try:
            msg, nonce, box = (base64.urlsafe_b64decode(str(offer[k]).encode("ascii"))
                               for k in ("msg", "nonce", "box"))
            shared = SPAKE2_A.from_serialized(self._state).finish(msg)
            seal_key, mac_key = _keys(shared, session, self.role, self.name)
            payload = json.loads(AESGCM(seal_key).decrypt(nonce, box, session.encode("ascii")))
        except (KeyError, ValueError, binascii.Error, SPAKEError, InvalidTag, AssertionError,
                UnicodeEncodeError):
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("token"), str):
            return None
        return payload, mac_key


def pair_client(client: Any, code: str, role: str, name: str) -> tuple[str, str, str]:
    """Run the device's side with ``client``'s hub (a :class:`antrean.client.HubClient`):
    → (token, hub key fingerprint, hub URL). Raises :class:`antrean.client.HubError`."""
    from .client import HubError, HubUnreachable

    try:
        normalise_code(code)
    except ValueError as exc:
        raise HubError(0, "invalid_code", f"Kode pemasangan harus {CODE_DIGITS} angka.",
                       str(exc)) from exc
    tried: list[str] = []
    last: HubError | None = None
    for _ in range(4):
        url = client.pair_candidate(tried)
        if url is None:
            break
        tried.append(url)
        try:
            token, fp = _pair_with(url, DeviceExchange(code, role, name), client.timeout)
        except HubError as exc:
            last = exc
            continue
        return token, fp, url
    raise last or HubUnreachable("no hub found by mDNS")


def _pair_with(url: str, exchange: DeviceExchange, timeout: float) -> tuple[str, str]:
    import httpx

    from .client import HubError
    from .tls import HubTLSContext

    ctx = HubTLSContext()  # a fresh one: it records the key of exactly this exchange
    with httpx.Client(timeout=timeout, verify=ctx) as http:
        answer = _post(http, f"{url}/api/v1/pair/start", exchange.start_body())
        seen = list(ctx.seen) if url.startswith("https://") else None
        try:
            result = exchange.open(answer, seen)
        except PairingError as exc:
            if isinstance(answer.get("session"), str):  # tell the hub it failed here
                with contextlib.suppress(HubError):
                    _post(http, f"{url}/api/v1/pair/finish",
                          {"session": answer["session"], "confirm": None})
            if exc.code == "hub_key_mismatch":
                log.warning("pairing with %s aborted: its TLS key %s is not the key the hub "
                            "vouched for: something sits in between", url, seen)
            raise HubError(exc.status, exc.code, exc.message, exc.message_en) from exc
        ctx.pin = result.fingerprint  # the confirmation goes to that key only
        _post(http, f"{url}/api/v1/pair/finish",
              {"session": result.session, "confirm": result.confirm})
    log.info("paired with the hub of post %s at %s (key %s…)",
             result.post.get("id"), url, result.fingerprint[:16])
    return result.token, result.fingerprint


def _post(http: Any, url: str, body: dict[str, Any]) -> dict[str, Any]:
    import httpx

    from .client import HubError, HubUnreachable, hub_error

    try:
        r = http.post(url, json=body)
    except httpx.HTTPError as exc:
        raise HubUnreachable(str(exc) or type(exc).__name__) from exc
    if r.status_code >= 400:
        raise hub_error(r)
    answer = r.json()
    if not isinstance(answer, dict):
        raise HubError(r.status_code, "bad_answer", "Jawaban hub tidak dikenali.",
                       "The hub's answer was not understood.")
    return answer
