"""The printed recovery code of the contact-data key.

The key lives only in the OS keyring. The code (56 letters/digits in groups of 4, with a checksum) puts it
back after a reinstall, and enrols another PC of a shared PostgreSQL deployment, so that PC can read, erase
and purge the same contact data. The code is as secret as the data: print it, keep it locked away."""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import select

from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit, fieldcrypt
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import store as settings

_PREFIX = b"dxdesk-recovery"


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(_PREFIX + key).digest()[:3]


def _key_check(key: bytes) -> str:
    return hmac.new(key, b"dxdesk key check", hashlib.sha256).hexdigest()


def encode(key: bytes) -> str:
    text = base64.b32encode(key + _checksum(key)).decode().rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def decode(code: str) -> bytes:
    """The key in CODE; a typo (wrong letter, missing group) is refused with a clear message."""
    text = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    text = text.replace("0", "O").replace("1", "I").replace("8", "B")  # look-alikes typed from paper
    if len(text) != 56:
        raise UserError(_("The recovery code has 56 letters and digits (14 groups of 4); this one has {n}.").format(
            n=len(text)))
    try:
        raw = base64.b32decode(text)
    except ValueError:
        raise UserError(_("The recovery code is not valid.")) from None
    key, check = raw[:32], raw[32:]
    if not hmac.compare_digest(check, _checksum(key)):
        raise UserError(_("The recovery code has a typo: check every group against the printed sheet."))
    return key


def recovery_code(db, actor: Actor) -> str:
    """The code of this database's key (created if needed). Showing it is audited (not the code)."""
    require(actor, "backup.manage")
    key = fieldcrypt.get_key(db, create=True)
    with db.write() as session:
        if settings.get(session, settings.KEY_CHECK) is None:
            settings.put(session, settings.KEY_CHECK, _key_check(key))
        audit.record(session, actor, "recovery.code_shown", "database", fieldcrypt.database_id(db))
    return encode(key)


def _sample_blob(db) -> bytes | None:
    with db.session() as session:
        for column in (ServiceRecord.contact_name_enc, ServiceRecord.contact_phone_enc):
            blob = session.scalar(select(column).where(column.is_not(None)).limit(1))
            if blob is not None:
                return blob
    return None


def _decrypts(key: bytes, blob: bytes) -> bool:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        AESGCM(key).decrypt(blob[1:13], blob[13:], blob[:1])
        return True
    except (InvalidTag, ValueError):
        return False


def key_matches(db, key: bytes) -> bool | None:
    """True/False when this database can tell whether KEY is its key; None when it has nothing to check."""
    with db.session() as session:
        check = settings.get(session, settings.KEY_CHECK)
    if check is not None:
        return hmac.compare_digest(check, _key_check(key))
    blob = _sample_blob(db)
    if blob is not None:
        return _decrypts(key, blob)
    return None


def restore_key(db, actor: Actor, code: str) -> None:
    """Put the key back into this PC's keyring from the printed code (reinstall, or enrolling another PC
    of a shared PostgreSQL database). A code of another database is refused and nothing changes."""
    require(actor, "backup.manage")
    key = decode(code)
    if key_matches(db, key) is False:
        raise UserError(_("This recovery code belongs to another database: it cannot read this data."))
    current = fieldcrypt.get_key(db)
    if current is not None and current != key and key_matches(db, current):
        raise UserError(_("This computer already has the right key for this database; nothing to do."))
    fieldcrypt.import_key(db, key)
    with db.write() as session:
        if settings.get(session, settings.KEY_CHECK) is None:
            settings.put(session, settings.KEY_CHECK, _key_check(key))
        audit.record(session, actor, "recovery.key_restored", "database", fieldcrypt.database_id(db))
