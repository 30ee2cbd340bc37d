"""Offline outbox: a counter on a shared PostgreSQL database keeps logging when the server or the network is down.

Entries go to a small local SQLite file (AppPaths.outbox, under the app's data folder) with their final UUID,
time and who entered them; `flush` sends them when the server is back, each in its own transaction, and drops
an entry from the outbox only after its transaction has committed. Sending is idempotent by UUID: an entry
whose UUID is already in the database (sent before a crash, or by another flush) is simply dropped, so the
same citizen is never counted twice.

The counter's call: `uuid, queued = log_or_queue(db, paths, actor, rec)`. It writes straight to the database
when it can and, when the server cannot be reached, keeps the entry in the outbox with the same UUID (so
even a commit whose acknowledgement was lost is not counted twice); the status bar shows
`pending_count(paths)`, and a worker off the UI thread (the main window's status refresh, every 20 s while
entries wait) calls `flush(db, paths)`; flushes never overlap within a process, and across PCs the UUID check
keeps them apart. After a failed connection the server counts as unreachable for `RETRY_AFTER_S` seconds: during
that time `log_or_queue` keeps entries at once instead of waiting for another connect timeout per citizen
(`server_unreachable(db)` tells pages the same, so they show what they have instead of asking the server).

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
import threading
import time
import uuid as uuidlib

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from dxdesk import clock
from dxdesk.counter.records import NewRecord, check_record, log_record_with_uuid
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.paths import AppPaths
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require

log = logging.getLogger(__name__)
RETRY_AFTER_S = 45.0  # after a failed connection, keep entries offline at once for this long (the status
# worker probes the server every 20 s meanwhile, so the mark stays fresh during an outage and clears soon after)
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
_flush_lock = threading.Lock()  # one flush at a time in this process (the status worker, a test, the CLI)
_state_lock = threading.Lock()
_unreachable_until: dict[str, float] = {}  # database URL -> time.monotonic() until which we do not try


@dataclasses.dataclass(frozen=True)
class Pending:
    uuid: str
    queued_at: dt.datetime
    entered_by: str
    attempts: int
    last_error: str
    occurred_at: dt.datetime | None = None
    services: tuple[str, ...] = ()
    count: int = 1
    volunteer_id: int | None = None


def is_connection_error(exc: BaseException) -> bool:
    """True when EXC means the database server cannot be reached (not that it refused the data)."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def mark_unreachable(db) -> None:
    """Remember that DB's server did not answer: for RETRY_AFTER_S, `server_unreachable(db)` is True."""
    with _state_lock:
        _unreachable_until[db.url] = time.monotonic() + RETRY_AFTER_S


def mark_reachable(db) -> None:
    with _state_lock:
        _unreachable_until.pop(db.url, None)


def server_unreachable(db) -> bool:
    """True when a connection to DB's server failed within the last RETRY_AFTER_S seconds (and none worked since)."""
    with _state_lock:
        until = _unreachable_until.get(db.url)
    return until is not None and time.monotonic() < until


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
    check_record(rec)  # channel, outcome, count, age band, sex, free text, date: the same messages as online
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


def pending(paths: AppPaths, day: dt.date | None = None) -> list[Pending]:
    """The entries waiting, oldest first; with DAY, only those that happened on that day."""
    if not paths.outbox.exists():
        return []
    with _open(paths) as conn:
        rows = conn.execute("SELECT uuid, queued_at, entered_by, attempts, last_error, payload FROM outbox "
                            "ORDER BY queued_at, uuid").fetchall()
    out = []
    for u, q, by, n, err, payload in rows:
        data = json.loads(payload)
        when = dt.datetime.fromisoformat(data["occurred_at"])
        if day is None or when.date() == day:
            out.append(Pending(u, dt.datetime.fromisoformat(q), by, n, err, when, tuple(data["services"]),
                               int(data.get("count") or 1), data.get("volunteer_id")))
    return out


def discard(paths: AppPaths, actor: Actor, record_uuid: str) -> bool:
    """Take an entry that was never sent out of the outbox (the counter's undo right after keeping it offline).
    Only its own author may; returns False when the entry is not (or no longer) waiting."""
    require(actor, "record.log")
    if not paths.outbox.exists():
        return False
    with _open(paths) as conn:
        return conn.execute("DELETE FROM outbox WHERE uuid = ? AND entered_by = ?",
                            (record_uuid, actor.username)).rowcount > 0


def log_or_queue(db, paths: AppPaths, actor: Actor, rec: NewRecord) -> tuple[str, bool]:
    """The counter's save: straight to the database, or to the outbox when the server cannot be reached.
    Returns (uuid, queued). Bad input raises UserError either way and keeps nothing."""
    require(actor, "record.log")
    record_uuid = str(uuidlib.uuid4())
    if rec.occurred_at is None:
        rec = dataclasses.replace(rec, occurred_at=clock.now())
    check_record(rec)
    if not server_unreachable(db):
        try:
            log_record_with_uuid(db, actor, rec, record_uuid, clock.now())
            mark_reachable(db)
            return record_uuid, False
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            mark_unreachable(db)
            log.warning("database unreachable, entry %s kept in the outbox: %s", record_uuid, exc.__class__.__name__)
    return queue_record(paths, actor, rec, record_uuid), True


def flush(db, paths: AppPaths) -> tuple[int, int]:
    """Send the outbox, oldest first. Returns (sent, failed): sent counts entries now in the database (new or
    found already there, both dropped from the outbox); failed counts entries still waiting (server down:
    every remaining one; refused: that one, with its reason kept). Never runs twice at once in a process."""
    with _flush_lock:
        return _flush(db, paths)


def _flush(db, paths: AppPaths) -> tuple[int, int]:
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
                log_record_with_uuid(db, actor, rec, record_uuid, dt.datetime.fromisoformat(queued_at))
            except UserError as exc:
                mark_reachable(db)
                failed += 1
                conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE uuid = ?",
                             (exc.message, record_uuid))
                continue
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                mark_unreachable(db)
                failed += len(rows) - i
                conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE uuid = ?",
                             (_("The server cannot be reached."), record_uuid))
                log.warning("outbox flush stopped, server unreachable: %s", exc.__class__.__name__)
                break
            mark_reachable(db)
            conn.execute("DELETE FROM outbox WHERE uuid = ?", (record_uuid,))
            sent += 1
    return sent, failed


# --- the counter's questions: the one place that decides "this PC's SQLite file, or a shared server with an outbox" --


def server_down(db) -> bool:
    """True while DB is a shared server known not to answer (then the counter does not ask it). An SQLite file on
    this PC is never down."""
    return not db.is_sqlite and server_unreachable(db)


def through_server(db, fn, *args) -> bool:
    """Run FN(*ARGS), which reads or writes DB, unless a shared server is known to be down. On a shared server a
    connection failure marks it down (and is logged) instead of raising; any other error, and every error on
    SQLite, is raised. False when FN did not run through."""
    if server_down(db):
        return False
    try:
        fn(*args)
    except Exception as exc:
        if db.is_sqlite or not is_connection_error(exc):
            raise
        mark_unreachable(db)
        log.warning("server unreachable (%s)", exc.__class__.__name__)
        return False
    return True


def save_at_counter(db, paths: AppPaths, actor: Actor, rec: NewRecord) -> tuple[str, bool]:
    """The counter's save. Returns (uuid, queued). SQLite: straight into the file. A shared server: logging goes
    on through a network or server outage (`log_or_queue`: kept in this PC's outbox; an entry with a call-back
    contact is refused offline with its own message, the contact never kept). Bad input: UserError, nothing kept."""
    if db.is_sqlite:
        from dxdesk.counter.records import log_record

        return log_record(db, actor, rec), False
    return log_or_queue(db, paths, actor, rec)


def waiting_at_counter(db, paths: AppPaths, day: dt.date) -> list[Pending]:
    """The entries of DAY kept on this PC until the shared server is back, newest first (none on SQLite)."""
    if db.is_sqlite:
        return []
    return list(reversed(pending(paths, day)))
