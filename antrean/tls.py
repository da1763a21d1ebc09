"""The hub's own key, its TLS certificate, and the pinned TLS contexts devices connect with.

A post has no internet and no certificate authority, so the hub makes an EC P-256 key and a
self-signed certificate at its first start (in its data folder, the key readable by the hub's
user only). Devices learn the key's fingerprint — SHA-256 of the certificate's
SubjectPublicKeyInfo — during pairing, authenticated by the one-time code (see
:mod:`antrean.pairing`), and from then on talk to the hub that holds that key and to no
other: :class:`HubTLSContext` checks the fingerprint inside the TLS handshake, before a
single byte of HTTP (and so before the device's token) is sent.

The key is pinned, not the certificate: a certificate re-made from the same key (a lost
``hub-cert.pem``) keeps every device paired. Browsers compare the certificate's SHA-256
instead (what their "view certificate" page shows): :func:`certificate_sha256`.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import os
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = [
    "KEY_FILENAME",
    "CERT_FILENAME",
    "FP_HINT_CHARS",
    "HubIdentity",
    "HubKeyError",
    "HubTLSContext",
    "PinMismatch",
    "certificate_sha256",
    "ensure_identity",
    "find_pin_mismatch",
    "format_fingerprint",
    "is_loopback_host",
    "load_identity",
    "spki_fingerprint",
    "tls_enabled",
    "url_host",
    "valid_fingerprint",
]

log = logging.getLogger(__name__)

KEY_FILENAME = "hub-key.pem"
CERT_FILENAME = "hub-cert.pem"
#: Hex characters of the fingerprint announced by mDNS (``fp=``): a hint to skip other
#: posts' hubs quickly. It proves nothing (anyone can announce it); the handshake does.
FP_HINT_CHARS = 16
# Valid from well before any plausible clock (a Pi without RTC may boot in the past) to
# RFC 5280's "no well-defined expiration": devices pin the key, dates are never checked.
_NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
_NOT_AFTER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


class HubKeyError(Exception):
    """The hub's key or certificate cannot be read or made; the message says what to do."""


class PinMismatch(ssl.SSLCertVerificationError):
    """The server's key is not the pinned hub key (a rogue hub or a man in the middle)."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"hub key {format_fingerprint(got)} is not the pinned "
                         f"{format_fingerprint(expected)}")
        self.expected, self.got = expected, got

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class HubIdentity:
    key_path: Path
    cert_path: Path
    fingerprint: str  # SHA-256 of the SubjectPublicKeyInfo, 64 lowercase hex digits
    cert_sha256: str  # SHA-256 of the certificate (DER), what browsers show

    @property
    def hint(self) -> str:
        return self.fingerprint[:FP_HINT_CHARS]


def spki_fingerprint(cert_der: bytes) -> str:
    """SHA-256 of the certificate's public key (SubjectPublicKeyInfo DER), hex."""
    cert = x509.load_der_x509_certificate(cert_der)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def certificate_sha256(cert_der: bytes) -> str:
    """The certificate's SHA-256 as browsers show it: ``AB:CD:…``."""
    return ":".join(f"{b:02X}" for b in hashlib.sha256(cert_der).digest())


def format_fingerprint(fp: str) -> str:
    """A fingerprint in groups of four, easy to read aloud and compare: ``ab12 cd34 …``."""
    return " ".join(fp[i:i + 4] for i in range(0, len(fp), 4))


def valid_fingerprint(fp: str) -> str:
    """Normalise a fingerprint typed or pasted (spaces, colons, upper case) or raise."""
    clean = fp.replace(" ", "").replace(":", "").lower()
    if len(clean) != 64 or any(c not in "0123456789abcdef" for c in clean):
        raise ValueError("a hub key fingerprint is 64 hex digits (antrean pair shows it)")
    return clean


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tls_enabled(mode: str, host: str) -> bool:
    """``auto``: TLS unless the hub is bound to loopback only (the one-machine demo, tests)."""
    if mode not in ("on", "off", "auto"):
        raise ValueError(f"tls must be on, off or auto, not {mode!r}")
    return mode == "on" or (mode == "auto" and not is_loopback_host(host))


# ---------------------------------------------------------------- the hub's key


def _write_private(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` atomically, created with ``mode`` (never wider, not even
    for a moment: the key must not be readable by anyone else while it is written)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _make_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Antrean hub"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Antrean")])
    host = socket.gethostname() or "antrean-hub"
    sans: list[x509.GeneralName] = [x509.DNSName(host), x509.DNSName(f"{host}.local"),
                                    x509.DNSName("localhost")]
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_NOT_BEFORE).not_valid_after(_NOT_AFTER)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))


def _identity(key_path: Path, cert_path: Path, cert: x509.Certificate) -> HubIdentity:
    der = cert.public_bytes(serialization.Encoding.DER)
    return HubIdentity(key_path, cert_path, spki_fingerprint(der), certificate_sha256(der))


def load_identity(data_dir: str | Path) -> HubIdentity | None:
    """The hub's identity if its key and certificate exist (read-only: for tools)."""
    key_path, cert_path = Path(data_dir) / KEY_FILENAME, Path(data_dir) / CERT_FILENAME
    if not key_path.exists() or not cert_path.exists():
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise HubKeyError(f"cannot read the hub certificate {cert_path}: {exc}") from exc
    return _identity(key_path, cert_path, cert)


def ensure_identity(data_dir: str | Path) -> HubIdentity:
    """The hub's key and certificate, made at the first start and kept from then on.

    A missing certificate is re-made from the key (the fingerprint devices pinned stays);
    an unreadable key is an error, never silently replaced: a new key unpairs every device.
    """
    data = Path(data_dir)
    key_path, cert_path = data / KEY_FILENAME, data / CERT_FILENAME
    try:
        data.mkdir(parents=True, exist_ok=True)
        if key_path.exists():
            key = _load_key(key_path)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            _write_private(key_path, pem, 0o600)
            log.info("made the hub's key %s", key_path)
        cert = None
        if cert_path.exists():
            with contextlib.suppress(ValueError):
                cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert is None or cert.public_key() != key.public_key():
            cert = _make_certificate(key)
            _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    except OSError as exc:
        raise HubKeyError(f"cannot make or read the hub key in {data}: {exc.strerror or exc}"
                          ) from exc
    return _identity(key_path, cert_path, cert)


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("the hub key %s was readable by others (mode %o): made it 0600", path, mode)
        path.chmod(0o600)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise HubKeyError(
            f"the hub key {path} is damaged ({exc}). Restore it from a backup; or delete it "
            "and its certificate to make a new key — every device must then pair again"
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise HubKeyError(f"the hub key {path} is not an EC key")
    return key


# ---------------------------------------------------------------- devices' side


class _PinnedSocket(ssl.SSLSocket):
    """Checks the server's key right after the handshake, before anything is sent on it.

    httpx (httpcore) and websockets' sync client both wrap their sockets with the context's
    ``sslsocket_class`` and call ``do_handshake`` on it; an exception here closes the socket.
    """

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        ctx = self.context
        if isinstance(ctx, HubTLSContext):
            ctx.check(self.getpeercert(binary_form=True))


class HubTLSContext(ssl.SSLContext):
    """A client TLS context that trusts one hub key (``pin``) instead of any authority.

    With ``pin=None`` it accepts any key (pairing, before the key is known): every key seen
    is recorded in ``seen`` so the pairing can compare it with the key the hub vouched for.
    """

    sslsocket_class = _PinnedSocket

    def __new__(cls, pin: str | None = None) -> HubTLSContext:
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(self, pin: str | None = None) -> None:
        self.check_hostname = False  # a LAN address, no names: the key is the identity
        self.verify_mode = ssl.CERT_NONE  # checked against the pin in _PinnedSocket
        self.minimum_version = ssl.TLSVersion.TLSv1_2
        self.pin = valid_fingerprint(pin) if pin else None
        self.seen: list[str] = []

    def check(self, cert_der: bytes | None) -> None:
        if not cert_der:
            raise ssl.SSLCertVerificationError("the hub sent no certificate")
        fp = spki_fingerprint(cert_der)
        self.seen.append(fp)
        del self.seen[:-8]
        if self.pin is not None and fp != self.pin:
            raise PinMismatch(self.pin, fp)


def find_pin_mismatch(exc: BaseException | None) -> PinMismatch | None:
    """The :class:`PinMismatch` behind an httpx/websockets error, if that is what it was."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, PinMismatch):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def url_host(url: str) -> str:
    return urlsplit(url).hostname or ""
