"""Backups of the SQLite database: daily automatic copies with rotation, manual copies to a chosen file,
and a restore that proves the new file good before it replaces the live one.

PostgreSQL deployments are backed up on the server with pg_dump (see docs/backup.md)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dxdesk import clock
from dxdesk.db.engine import sqlite_backup
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.inuse import Exclusive
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require

log = logging.getLogger(__name__)

KEEP_DAILY = 14
KEEP_MONTHLY = 12
_REQUIRED_TABLES = {"service_records", "record_services", "volunteers", "users", "audit_events", "alembic_version"}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str
    records: int
    size: int


def _pg_refusal() -> UserError:
    return UserError(_("This database is on a PostgreSQL server: back it up on the server with pg_dump "
                       "(see the backup chapter of the documentation)."))


def verify(path: Path, schema: bool = False) -> BackupInfo:
    """Prove PATH is a whole dxdesk database this version can open: integrity_check, tables, schema version, and
    with SCHEMA (before a restore) a schema equal to what that version's migrations make: no extra trigger,
    table, index or view, none missing or changed."""
    path = Path(path)
    if not path.is_file():
        raise UserError(_("The file {path} does not exist.").format(path=path))
    bad = UserError(_("The file {path} is not a usable dxdesk backup (damaged or not a dxdesk database). "
                      "Nothing was changed.").format(path=path))
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    except sqlite3.Error:
        raise bad from None
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            log.warning("backup %s failed integrity_check (%d problems)", path.name, len(result))
            raise bad
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not _REQUIRED_TABLES <= tables:
            raise bad
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        records = conn.execute("SELECT count(*) FROM service_records").fetchone()[0]
        found = schema_of(conn) if schema else None
    except sqlite3.Error as exc:
        log.warning("backup %s unreadable: %s", path.name, exc)
        raise bad from None
    finally:
        conn.close()
    if revision is None:
        raise bad
    if not _known_revision(revision[0]):
        raise UserError(_("The backup {path} was made by a newer version of dxdesk (schema {rev}). Update dxdesk "
                          "first.").format(path=path, rev=revision[0]))
    if found is not None:
        expected = expected_schema(revision[0])
        if found != expected:
            extra, missing = sorted(found - expected), sorted(expected - found)
            log.warning("backup %s: schema differs from revision %s (extra %s, missing %s)", path.name, revision[0],
                        [e[:2] for e in extra], [m[:2] for m in missing])
            what = ", ".join(f"{kind} {name}" for kind, name, _sql in (extra or missing)[:3])
            raise UserError(_("The backup {path} has a database structure dxdesk did not make ({what}): it may have "
                              "been altered. Nothing was changed.").format(path=path, what=what))
    return BackupInfo(path, revision[0], records, path.stat().st_size)


def schema_of(conn: sqlite3.Connection) -> frozenset[tuple[str, str, str]]:
    """Every table, index, trigger and view (kind, name, SQL with whitespace collapsed) of an SQLite database."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    return frozenset((kind, name, " ".join((sql or "").split())) for kind, name, sql in rows)


_EXPECTED: dict[str, frozenset] = {}


def expected_schema(revision: str) -> frozenset[tuple[str, str, str]]:
    """The schema a fresh database gets from this version's migrations up to REVISION (made once per process in a
    temporary file; the same code that migrates every real database)."""
    if revision not in _EXPECTED:
        import tempfile

        from alembic import command
        from sqlalchemy import create_engine

        from dxdesk.db.engine import _alembic_config

        with tempfile.TemporaryDirectory(prefix="dxdesk-schema-") as folder:
            engine = create_engine("sqlite:///" + (Path(folder) / "fresh.sqlite3").as_posix())
            try:
                with engine.connect() as conn:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
                    command.upgrade(_alembic_config(conn), revision)
                    conn.commit()
                    _EXPECTED[revision] = schema_of(conn.connection.driver_connection)
            finally:
                engine.dispose()
    return _EXPECTED[revision]


def _known_revision(rev: str) -> bool:
    from dxdesk.db.engine import SCHEMA_HEAD, _alembic_config

    if rev == SCHEMA_HEAD:  # the usual case, known without loading Alembic
        return True
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return rev in {r.revision for r in script.walk_revisions()}


def _copy_verified(source: Path, target: Path) -> BackupInfo:
    """Copy SOURCE to TARGET through the backup API, via a temporary file renamed only once it verifies."""
    target = Path(target)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        sqlite_backup(Path(source), tmp)
        info = verify(tmp)
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        log.warning("backup copy failed: %s", exc)
        raise UserError(_("The backup could not be written to {path}.").format(path=target)) from None
    except OSError as exc:
        raise UserError(_("The backup could not be written to {path}: {error}").format(
            path=target, error=exc.strerror or type(exc).__name__)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return BackupInfo(target, info.revision, info.records, target.stat().st_size)


def backup_to(db, actor: Actor, target: Path) -> BackupInfo:
    """A manual backup to a chosen file (e.g. a USB stick), checked after writing. Audited."""
    require(actor, "backup.manage")
    if db.sqlite_path is None:
        raise _pg_refusal()
    target = Path(target).expanduser()
    if target.is_dir() or not target.name:
        raise UserError(_("Choose a file name for the backup, not a folder: {path}").format(path=target))
    if target.resolve() == db.sqlite_path.resolve():
        raise UserError(_("Choose another file: this is the live database."))
    info = _copy_verified(db.sqlite_path, target)
    with db.write() as session:
        audit.record(session, actor, "backup.create", "database", "", records=info.records, size=info.size)
    log.info("backup written: %s (%d records)", target, info.records)
    return info


def list_backups(folder: Path) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("*.sqlite3")), key=lambda p: p.name, reverse=True)


def _rotate(folder: Path, prefix: str, keep: int) -> None:
    old = sorted(folder.glob(f"{prefix}-*.sqlite3"), key=lambda p: p.name, reverse=True)[keep:]
    for path in old:
        path.unlink(missing_ok=True)


def daily_backup_if_due(db, paths, today: dt.date | None = None) -> Path | None:
    """Once a day (call at start): backups/daily-YYYY-MM-DD.sqlite3 (14 kept) and, once a month,
    monthly-YYYY-MM.sqlite3 (12 kept). Returns the new file, or None when nothing was due or on PostgreSQL.
    A failure is logged and never stops the app."""
    if db.sqlite_path is None or not db.sqlite_path.exists():
        return None
    today = today or clock.today()
    folder = Path(paths.backups)
    folder.mkdir(parents=True, exist_ok=True)
    daily = folder / f"daily-{today.isoformat()}.sqlite3"
    monthly = folder / f"monthly-{today:%Y-%m}.sqlite3"
    made = None
    try:
        if not daily.exists():
            _copy_verified(db.sqlite_path, daily)
            made = daily
        if not monthly.exists():
            _copy_verified(daily, monthly)
            made = made or monthly
        _rotate(folder, "daily", KEEP_DAILY)
        _rotate(folder, "monthly", KEEP_MONTHLY)
    except (UserError, OSError, sqlite3.Error) as exc:
        log.warning("daily backup failed: %s", exc)
        return None
    if made is not None:
        log.info("daily backup written: %s", made.name)
    return made


def restore(actor: Actor, live: Path, source: Path, backups: Path) -> Path:
    """Replace the live database file LIVE by the backup SOURCE; returns where the old file was kept.

    Works without opening LIVE (it may be damaged). Order: SOURCE verified (integrity, revision, the exact schema of
    its revision) → copied next to LIVE through the backup API → the copy verified → the in-use lock taken
    exclusively (refused while any dxdesk process, this one included, has LIVE open: close it first) → the old
    file (and its -wal/-shm) moved to BACKUPS → the copy renamed in. Any refusal leaves LIVE untouched.
    PostgreSQL databases are restored on the server with pg_restore (docs/backup.md)."""
    require(actor, "backup.manage")
    source, live = Path(source).resolve(), Path(live).resolve()
    if source == live:
        raise UserError(_("Choose a backup file, not the live database."))
    verify(source, schema=True)
    live.parent.mkdir(parents=True, exist_ok=True)
    incoming = live.with_name(live.name + ".restoring")
    incoming.unlink(missing_ok=True)
    try:
        sqlite_backup(source, incoming)
        verify(incoming, schema=True)
    except sqlite3.Error:
        incoming.unlink(missing_ok=True)
        raise UserError(_("The backup could not be copied next to the database; nothing was changed.")) from None
    except UserError:
        incoming.unlink(missing_ok=True)
        raise
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = Path(backups) / f"before-restore-{stamp}.sqlite3"
    kept.parent.mkdir(parents=True, exist_ok=True)
    try:
        with Exclusive(live):
            if live.exists():
                os.replace(live, kept)
                for suffix in ("-wal", "-shm"):
                    side = live.with_name(live.name + suffix)
                    if side.exists():
                        os.replace(side, kept.with_name(kept.name + suffix))
            os.replace(incoming, live)
    finally:
        incoming.unlink(missing_ok=True)
    log.info("database restored from %s (old file kept as %s)", source.name, kept.name)
    return kept


def note_restore(db, actor: Actor, source: Path) -> None:
    """Audit the restore in the restored database (call after reopening it)."""
    require(actor, "backup.manage")
    with db.write() as session:
        audit.record(session, actor, "backup.restore", "database", "", file=Path(source).name)


def restore_database(actor: Actor, live: Path, source: Path, paths, db=None, url: str | None = None) -> Path:
    """The one restore sequence, for the command line and the backup page: SOURCE swapped in for the file LIVE
    (`restore`: proven good first, the old file kept in the backups folder), brought to this version (an older
    backup is migrated after its own copy, and gets the catalogue), and the restore noted in its audit log.

    DB: a window's open database on LIVE: it lets go of the file for the swap and takes up the restored one (the
    same object, so every page keeps it). Without DB the restored file (URL, else the one under PATHS) is opened for
    the note and closed again. Returns where the old file was kept."""
    from dxdesk import database

    if db is not None:
        db.dispose()
    try:
        kept = restore(actor, live, source, paths.backups)  # refused while any dxdesk process has LIVE open
    finally:
        if db is not None:
            db.reopen()  # the restored file, or the untouched one
    target = db if db is not None else database.open_database(url, paths, migrate_now=False)
    try:
        database.ready(target)
        note_restore(target, actor, source)
    finally:
        if db is None:
            target.dispose()
    return kept
