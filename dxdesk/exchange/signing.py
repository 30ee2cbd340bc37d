"""This database's Ed25519 signing key: it signs every export and settings package (see docs/exchange.md).

Where the key lives: nowhere but in memory. It is derived (HKDF-SHA256) from the contact-data key, which lives
only in the OS keyring (dxdesk/security/fieldcrypt.py) and comes back from the printed recovery code
(dxdesk/security/recovery.py), so the one secret a unit protects and prints also restores its signing key. It is never
written to the database, a backup, a package or a log.

Whose key it is: the derivation mixes in the database's id AND where the database lives (the SQLite file's
full path, or the PostgreSQL database's name), so a practice copy of a database file, or a commune and a
province database on one PC, never sign with the same key — a copy is a different signer the province has not
enrolled. Moving the file to another folder therefore makes a new key: enrol again (or rotate before moving).

Rotation: `rotate` moves to the next key generation and writes a certificate — the new public key signed by
the old key — that every later package carries, so those who trusted the old key accept the new one.

The fingerprint is the first 80 bits of SHA-256 of the public key in Crockford base 32, four groups of four
(e.g. 7K3Q-M9XD-2TQA-H4EW): a clerk reads it over the phone, the other side compares it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.exc import IntegrityError

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit, fieldcrypt, secrets
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import store as settings

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_SALT = b"dxdesk ed25519 signing key v1"
MAX_ROTATIONS = 20  # certificates a package may carry


def fingerprint(public_key: bytes) -> str:
    """The phone-readable code of PUBLIC_KEY: 16 characters in four groups (80 bits)."""
    value = int.from_bytes(hashlib.sha256(public_key).digest()[:10], "big")
    chars = "".join(_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(16)))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def normal_fingerprint(text: str) -> str:
    """A fingerprint as typed (lower case, spaces, O for 0, I/L for 1) in its printed form; '' if not one."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(raw) != 16 or any(ch not in _ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
        return True
    except (InvalidSignature, ValueError):
        return False


def location(db) -> str:
    """Where this database lives, as part of its signing identity (a copy elsewhere is another signer)."""
    path = db.sqlite_path
    if db.is_sqlite:
        text = os.path.normcase(str(path.resolve())) if path else ":memory:"
        return "sqlite:" + text
    with db.session() as session:
        return "postgresql:" + str(session.connection().exec_driver_sql("SELECT current_database()").scalar())


def _generation(db) -> int:
    with db.session() as session:
        return int(settings.get(session, settings.SIGNING_GENERATION))


def _unavailable(exc: UserError) -> UserError:
    return UserError(_("Cannot sign: this computer has no secure password store (keyring) for the signing key, so "
                       "nothing was written. On Windows it uses the Credential Manager; on Linux install and unlock "
                       "GNOME Keyring, then run again."))


def _derive(db, generation: int, create: bool) -> Ed25519PrivateKey | None:
    try:
        if not secrets.keyring_is_secure():  # refused before anything (even the database's id) is written
            raise UserError("")
        root = fieldcrypt.get_key(db, create=create)
    except UserError as exc:
        raise _unavailable(exc) from None
    if root is None:
        return None
    info = f"{fieldcrypt.database_id(db)}|{location(db)}|{generation}".encode()
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(root)
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key(db) -> Ed25519PrivateKey:
    """The key that signs this database's packages now (the keyring's key is made on first use). With no
    secure keyring: a UserError saying so, before anything is written. A database that has a key already (it
    signed before, or its recovery code was printed) but whose key is not in this computer's keyring is
    refused too: a new key would sign as a stranger — the recovery code puts the right one back."""

    with db.session() as session:
        known = settings.get(session, settings.SIGNING_FINGERPRINT)
        had_key = known is not None or settings.get(session, settings.KEY_CHECK) is not None
    key = _derive(db, _generation(db), create=not had_key)
    if key is None:
        raise UserError(_("This computer does not have this database's key (a reinstall, or another computer): put "
                          "it back with the recovery code (Settings → Backup) before signing packages."))
    return key


_NOTING = threading.Lock()


def note_signed(db) -> None:
    """After a package or an enrolment file was written: record this database's fingerprint once (public: the
    check in private_key that refuses to make a new key silently). Two threads or programs signing their first
    package at once write the same value once."""
    with db.session() as session:
        if settings.get(session, settings.SIGNING_FINGERPRINT) is not None:
            return
    value = fingerprint(public_bytes(private_key(db)))
    with _NOTING:
        try:
            with db.write() as session:
                if settings.get(session, settings.SIGNING_FINGERPRINT) is None:
                    settings.put(session, settings.SIGNING_FINGERPRINT, value)
        except IntegrityError:  # another program wrote it at the same moment: the same key, the same value
            pass


def is_own(db, public_key: bytes) -> bool:
    """True when PUBLIC_KEY is the key this database signs with now. Reads only: a database that never signed
    has no key of its own yet (and none is made here)."""
    with db.session() as session:
        if settings.get(session, settings.SIGNING_FINGERPRINT) is None:
            return False
    try:
        key = _derive(db, _generation(db), create=False)
    except UserError:
        return False
    return key is not None and public_bytes(key) == public_key


@dataclass(frozen=True)
class OwnKey:
    public_key: bytes
    fingerprint: str
    generation: int


def own_key(db) -> OwnKey:
    key = private_key(db)
    pub = public_bytes(key)
    return OwnKey(pub, fingerprint(pub), _generation(db))


def _certificate_bytes(cert: dict) -> bytes:
    body = {k: cert[k] for k in ("old", "new", "at")}
    return b"dxdesk key rotation v1\n" + json.dumps(body, sort_keys=True).encode()


def rotation_chain(db, public_key: bytes) -> list[dict]:
    """The certificates leading to PUBLIC_KEY (oldest first), as a package carries them."""
    with db.session() as session:
        certs = settings.get(session, settings.SIGNING_ROTATIONS)
    by_new = {c["new"]: c for c in certs}
    chain, current = [], public_key.hex()
    while current in by_new and len(chain) < MAX_ROTATIONS:
        cert = by_new.pop(current)
        chain.append(cert)
        current = cert["old"]
    return chain[::-1]


def follows(trusted: bytes, chain: list, signer: bytes) -> bool:
    """True when CHAIN (certificates, oldest first) leads from the TRUSTED key to SIGNER, each link signed by
    the key before it."""
    if not isinstance(chain, list) or len(chain) > MAX_ROTATIONS:
        return False
    current = trusted.hex()
    for cert in chain:
        if not (isinstance(cert, dict) and all(isinstance(cert.get(k), str) for k in ("old", "new", "at", "signature"))):
            return False
        if cert["old"] == current:
            try:
                ok = verify(bytes.fromhex(cert["old"]), base64.b64decode(cert["signature"], validate=True),
                            _certificate_bytes(cert))
            except ValueError:
                return False
            if not ok:
                return False
            current = cert["new"]
    return current == signer.hex()


def rotate(db, actor: Actor) -> tuple[str, str]:
    """Move to a new signing key, certified by the old one. Returns (old, new) fingerprints. Audited."""
    require(actor, "keys.manage")
    old = private_key(db)
    generation = _generation(db) + 1
    new = _derive(db, generation, create=True)
    cert = {"old": public_bytes(old).hex(), "new": public_bytes(new).hex(), "at": clock.now().isoformat(timespec="seconds")}
    cert["signature"] = base64.b64encode(old.sign(_certificate_bytes(cert))).decode()
    old_fp, new_fp = fingerprint(public_bytes(old)), fingerprint(public_bytes(new))
    with db.write() as session:
        certs = settings.get(session, settings.SIGNING_ROTATIONS)
        certs.append(cert)
        settings.put(session, settings.SIGNING_ROTATIONS, certs)
        settings.put(session, settings.SIGNING_GENERATION, generation)
        settings.put(session, settings.SIGNING_FINGERPRINT, new_fp)
        audit.record(session, actor, "keys.rotate", "signing_key", new_fp, old=old_fp, new=new_fp, generation=generation)
    return old_fp, new_fp


def sign_manifest(db, manifest: bytes, key: Ed25519PrivateKey | None = None) -> bytes:
    """signature.json for a package whose manifest.json is MANIFEST (exact bytes). KEY: this database's
    `private_key`, when the caller fetched it already (one keyring call less)."""
    key = key or private_key(db)
    pub = public_bytes(key)
    return json.dumps({
        "format": "dxdesk-signature", "format_version": 1, "algorithm": "Ed25519",
        "public_key": pub.hex(), "fingerprint": fingerprint(pub),
        "signature": base64.b64encode(key.sign(manifest)).decode(),
        "rotations": rotation_chain(db, pub),
    }, indent=2).encode()
