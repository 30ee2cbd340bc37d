"""Per-field encryption of citizens' optional contact data (AES-256-GCM; key only in the OS keyring).

Each database has its own key, named by the database's id (settings 'db_uuid'). Issue #8 adds the printed
recovery code and the enrolment of other PCs on top of export_key()/import_key()."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.exc import IntegrityError

from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import secrets
from dxdesk.settings import store as settings
from dxdesk.text import fold

_VERSION = b"\x01"


_CREATING = threading.Lock()  # two threads of one process never both make the id or the key


def database_id(db) -> str:
    """A stable random id of this database (created on first use), naming its key in the keyring."""
    with db.session() as session:
        value = settings.get(session, settings.DB_UUID)
    if value:
        return value
    with _CREATING:
        try:
            with db.write() as session:
                value = settings.get(session, settings.DB_UUID)
                if not value:
                    value = str(uuid.uuid4())
                    settings.put(session, settings.DB_UUID, value)
        except IntegrityError:  # another program made it at the same moment: theirs stands
            with db.session() as session:
                value = settings.get(session, settings.DB_UUID)
    return value


def _key_name(db) -> str:
    return f"field-key:{database_id(db)}"


def get_key(db, create: bool = False) -> bytes | None:
    stored = secrets.get_secret(_key_name(db))
    if stored:
        return base64.b64decode(stored)
    if not create:
        return None
    with _CREATING:
        stored = secrets.get_secret(_key_name(db))  # made by another thread while this one waited
        if stored:
            return base64.b64decode(stored)
        key = AESGCM.generate_key(bit_length=256)
        secrets.set_secret(_key_name(db), base64.b64encode(key).decode())
    return key


def available(db) -> bool:
    """True when contact fields can be used here (a secure keyring exists)."""
    try:
        secrets.get_secret(_key_name(db))
        return True
    except UserError:
        return False


def export_key(db) -> bytes:
    key = get_key(db)
    if key is None:
        raise UserError(_("This computer has no encryption key for this database's contact data."))
    return key


def import_key(db, key: bytes) -> None:
    if len(key) != 32:
        raise UserError(_("The recovery code is not valid."))
    secrets.set_secret(_key_name(db), base64.b64encode(key).decode())


def encrypt(db, text: str) -> bytes:
    key = get_key(db, create=True)
    nonce = os.urandom(12)
    return _VERSION + nonce + AESGCM(key).encrypt(nonce, text.encode("utf-8"), _VERSION)


def decrypt(db, blob: bytes | None) -> str | None:
    if blob is None:
        return None
    key = get_key(db)
    if key is None:
        raise UserError(_("This computer has no encryption key for this database's contact data."))
    if blob[:1] != _VERSION:
        raise UserError(_("Unknown format of encrypted contact data."))
    return AESGCM(key).decrypt(blob[1:13], blob[13:], _VERSION).decode("utf-8")


def lookup_hash(db, text: str) -> str:
    """Keyed hash of a normalised name or phone, to find a citizen's records for erasure without decrypting all."""
    key = get_key(db, create=True)
    normal = "".join(ch for ch in text if ch.isdigit()) if any(ch.isdigit() for ch in text) else fold(text)
    return hmac.new(key, normal.encode("utf-8"), hashlib.sha256).hexdigest()
