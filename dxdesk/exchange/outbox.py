"""Offline outbox: a counter on a shared PostgreSQL database keeps logging when the server or the network is down.

Entries go to a small local SQLite file (AppPaths.outbox, under the app's data folder) with their final UUID,
time and who entered them; `flush` sends them when the server is back, each in its own transaction, and drops
an entry from the outbox only after its transaction has committed. Sending is idempotent by UUID: an entry
whose UUID is already in the database (sent before a crash, or by another flush) is simply dropped, so the
same citizen is never counted twice.

The counter's call: `uuid, queued = log_or_queue(db, paths, actor, rec)`. It writes straight to the database
when it can and, when the server cannot be reached, keeps the entry in the outbox with the same UUID (so
even a commit whose acknowledgement was lost is not counted twice); the status bar shows
`pending_count(paths)`, and a timer (e.g. every 30 s while pending_count > 0, off the UI thread) calls
`flush(db, paths)`.

Personal data: a consented call-back contact is never kept in the outbox (it would be plaintext on disk):
offline, an entry with a contact is refused with a message; the rest of the entry can be saved without it.
An entry the server refuses (e.g. a service code removed from the catalogue meanwhile) stays in the outbox
with the reason, counted as failed, until someone deals with it; it does not block the others."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import sqlite3
import uuid as uuidlib

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from dxdesk import audit, clock
from dxdesk.actor import Actor
from dxdesk.contact import contact_columns
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.paths import AppPaths
from dxdesk.permissions import require
from dxdesk.records import (
    _INSERT_RECORD,
    _INSERT_SERVICE,
    _NO_CONTACT,
    _UNIT_CODE,
    _VOLUNTEER_NAME,
    NewRecord,
    _services_checked,
    _validate,
)
from dxdesk.text import fold

log = logging.getLogger("dxdesk.outbox")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    uuid TEXT PRIMARY KEY,
    queued_at TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    role TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
)"""
_FIELDS = ("services", "channel", "outcome", "volunteer_id", "shift_id", "count", "is_campaign", "place", "note",
           "age_band", "sex", "duration_s")


@dataclasses.dataclass(frozen=True)
class Pending:
    uuid: str
    queued_at: dt.datetime
    entered_by: str
    attempts: int
    last_error: str


def is_connection_error(exc: BaseException) -> bool:
    """True when EXC means the database server cannot be reached (not that it refused the data)."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


@contextlib.contextmanager
def _open(paths: AppPaths):
    paths.outbox.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(paths.outbox, timeout=10, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(_SCHEMA)
        yield conn
    finally:
        conn.close()


def _check_offline(actor: Actor, rec: NewRecord) -> None:
    require(actor, "record.log")
    if rec.contact is not None:
        raise UserError(_("The server cannot be reached, and a call-back contact is never kept offline. "
                          "Save the entry without the contact, or try again when the server is back."))
    if not rec.services:
        raise UserError(_("Choose at least one service."))


def queue_record(paths: AppPaths, actor: Actor, rec: NewRecord, record_uuid: str | None = None) -> str:
    """Keep REC in the local outbox (committed to disk before returning); returns its UUID."""
    _check_offline(actor, rec)
    _validate(None, rec)  # channel, outcome, count, age band, sex: the same messages as online
    record_uuid = record_uuid or str(uuidlib.uuid4())
    when = rec.occurred_at or clock.now()
    payload = {name: getattr(rec, name) for name in _FIELDS}
    payload["occurred_at"] = when.isoformat()
    with _open(paths) as conn:
        conn.execute("INSERT OR IGNORE INTO outbox (uuid, queued_at, entered_by, role, payload) VALUES (?, ?, ?, ?, ?)",
                     (record_uuid, clock.now().isoformat(), actor.username, actor.role, json.dumps(payload)))
    return record_uuid


def pending_count(paths: AppPaths) -> int:
    """How many entries wait in the outbox (0 when there is no outbox file)."""
    if not paths.outbox.exists():
        return 0
    with _open(paths) as conn:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])


def pending(paths: AppPaths) -> list[Pending]:
    if not paths.outbox.exists():
        return []
    with _open(paths) as conn:
        rows = conn.execute("SELECT uuid, queued_at, entered_by, attempts, last_error FROM outbox "
                            "ORDER BY queued_at, uuid").fetchall()
    return [Pending(u, dt.datetime.fromisoformat(q), by, n, err) for u, q, by, n, err in rows]


def _insert(db, actor: Actor, record_uuid: str, rec: NewRecord, entered_at: dt.datetime) -> bool:
    """Write one record with the given UUID in one transaction; False when that UUID is already stored."""
    note, place = _validate(db, rec)
    when = rec.occurred_at or clock.now()
    if rec.count > 1 and not rec.is_campaign:
        rec.is_campaign = True
    contact = contact_columns(db, actor, rec.contact) if rec.contact is not None else {}
    try:
        with db.write() as session:
            if session.scalar(select(ServiceRecord.id).where(ServiceRecord.uuid == record_uuid)) is not None:
                return False
            codes, names = _services_checked(session, db, rec.services)
            conn = session.connection()
            volunteer_name = ""
            if rec.volunteer_id is not None:
                volunteer_name = conn.execute(_VOLUNTEER_NAME, {"id": rec.volunteer_id}).scalar()
                if volunteer_name is None:
                    raise UserError(_("Unknown volunteer id {id}.").format(id=rec.volunteer_id))
            unit_code = conn.execute(_UNIT_CODE).scalar()
            search = fold(" ".join([*(names.get(c, c) for c in codes), volunteer_name, place, note]))
            result = conn.execute(_INSERT_RECORD, dict(
                uuid=record_uuid, unit_code=unit_code, work_date=when.date(), occurred_at=when,
                entered_at=entered_at, entered_by=actor.username, volunteer_id=rec.volunteer_id,
                shift_id=rec.shift_id, channel=rec.channel, outcome=rec.outcome, duration_s=rec.duration_s,
                count=rec.count, is_campaign=rec.is_campaign, place=place, age_band=rec.age_band, sex=rec.sex,
                note=note, search_text=search, voided=False, void_reason="", origin="local",
                **{**_NO_CONTACT, **contact},
            ))
            record_id = result.inserted_primary_key[0]
            conn.execute(_INSERT_SERVICE, [
                {"record_id": record_id, "service_code": code, "count": rec.count} for code in codes])
            if contact:
                audit.record(session, actor, "contact.record", "service_record", record_uuid,
                             purpose=contact["consent_purpose"])
    except IntegrityError:
        # the same UUID committed meanwhile by another flush: already there, nothing to add
        with db.session() as session:
            if session.scalar(select(ServiceRecord.id).where(ServiceRecord.uuid == record_uuid)) is not None:
                return False
        raise
    return True


def log_or_queue(db, paths: AppPaths, actor: Actor, rec: NewRecord) -> tuple[str, bool]:
    """The counter's save: straight to the database, or to the outbox when the server cannot be reached.
    Returns (uuid, queued). Bad input raises UserError either way and keeps nothing."""
    require(actor, "record.log")
    record_uuid = str(uuidlib.uuid4())
    if rec.occurred_at is None:
        rec = dataclasses.replace(rec, occurred_at=clock.now())
    if rec.occurred_at.date() > clock.today() + dt.timedelta(days=1):
        raise UserError(_("The date {d} is in the future.").format(d=rec.occurred_at.date().strftime("%d/%m/%Y")))
    try:
        _insert(db, actor, record_uuid, rec, clock.now())
        return record_uuid, False
    except Exception as exc:
        if not is_connection_error(exc):
            raise
        log.warning("database unreachable, entry %s kept in the outbox: %s", record_uuid, exc.__class__.__name__)
    return queue_record(paths, actor, rec, record_uuid), True


def flush(db, paths: AppPaths) -> tuple[int, int]:
    """Send the outbox, oldest first. Returns (sent, failed): sent counts entries now in the database (new or
    found already there, both dropped from the outbox); failed counts entries still waiting (server down:
    every remaining one; refused: that one, with its reason kept)."""
    if not paths.outbox.exists():
        return 0, 0
    sent = failed = 0
    with _open(paths) as conn:
        rows = conn.execute("SELECT uuid, queued_at, entered_by, role, payload FROM outbox "
                            "ORDER BY queued_at, uuid").fetchall()
        for i, (record_uuid, queued_at, entered_by, role, payload) in enumerate(rows):
            data = json.loads(payload)
            data["occurred_at"] = dt.datetime.fromisoformat(data["occurred_at"])
            rec = NewRecord(**data)
            actor = Actor(entered_by, role)
            try:
                _insert(db, actor, record_uuid, rec, dt.datetime.fromisoformat(queued_at))
            except UserError as exc:
                failed += 1
                conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE uuid = ?",
                             (exc.message, record_uuid))
                continue
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                failed += len(rows) - i
                conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE uuid = ?",
                             (_("The server cannot be reached."), record_uuid))
                log.warning("outbox flush stopped, server unreachable: %s", exc.__class__.__name__)
                break
            conn.execute("DELETE FROM outbox WHERE uuid = ?", (record_uuid,))
            sent += 1
    return sent, failed
