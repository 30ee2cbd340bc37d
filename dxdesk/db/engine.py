"""Opening a database: SQLite (WAL, FULL sync, busy timeout, write transactions that wait their turn)
or PostgreSQL; migrations to the newest schema on open, after a backup copy of an SQLite file."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dxdesk.db.prepared import Prepared
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.paths import AppPaths

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# File systems that live on another machine, where SQLite's locking and WAL are unsafe. A name ending in '*' is a
# family (nfs, nfs4, smb3, smbfs …). FUSE mounts are named 'fuse.<program>'.
_NETWORK_FS = ("nfs*", "cifs", "smb*", "afs", "ncpfs", "9p", "ceph", "fuse.ceph*", "lustre", "glusterfs",
               "fuse.glusterfs", "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "s3fs", "davfs", "fuse.davfs2", "gpfs",
               "ocfs2", "gfs2", "fuse.smbnetfs", "fuse.curlftpfs", "fuse.gvfsd-fuse")  # gvfs: GNOME's smb:// …
_PG_MIGRATION_LOCK = 0x64786465736B  # "dxdesk": one migrator at a time across counters

# The newest migration under dxdesk/db/migrations/versions. Opening a database already at this revision needs no
# Alembic at all (loading it costs a fifth of a second at every start); tests/unit/test_schema_head.py keeps it
# equal to the head Alembic reads from the migration scripts. Update it with every new migration.
SCHEMA_HEAD = "0007"


def parse_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file-system type) of each line of a /proc/mounts-style table; octal escapes (\\040 for a
    space …) decoded."""
    def unescape(field: str) -> str:
        return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)

    return [(unescape(parts[1]), parts[2]) for parts in (line.split() for line in text.splitlines()) if len(parts) > 2]


def _mount_table() -> list[tuple[str, str]]:
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
            return parse_mounts(fh.read())
    except OSError:
        return []


def is_network_fs(fstype: str) -> bool:
    return any(fstype == kind or (kind.endswith("*") and fstype.startswith(kind[:-1])) for kind in _NETWORK_FS)


def is_network_path(path: Path, mounts: list[tuple[str, str]] | None = None) -> bool:
    """True when PATH lies on a network share (SMB, NFS, SSHFS, a cloud mount …), where SQLite can lose data. The
    real path counts: a symbolic link on the local disk that points onto a share is a share."""
    path = Path(os.path.realpath(os.path.abspath(path)))
    if sys.platform == "win32":  # pragma: no cover - Windows only
        text_path = str(path)
        if text_path.startswith("\\\\"):
            return True
        import ctypes

        drive = os.path.splitdrive(text_path)[0] + "\\"
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
    best, fstype = "", ""
    for mp, kind in mounts if mounts is not None else _mount_table():  # the last of stacked mounts is the one seen
        if (str(path) == mp or str(path).startswith(mp.rstrip("/") + "/")) and len(mp) >= len(best):
            best, fstype = mp, kind
    return is_network_fs(fstype)


@dataclass
class Database:
    """An open database: the engine, sessions for reading, and write sessions that queue for the lock."""

    url: str
    engine: Engine
    paths: AppPaths | None = None
    in_use: object = None  # dxdesk.inuse.InUse of an SQLite file: held while open, so a restore waits for us
    _reader: sessionmaker[Session] = field(init=False, repr=False)
    _writer: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        writer_bind = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        self._writer = sessionmaker(writer_bind, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.engine.url.database:
            return None
        return Path(self.engine.url.database)

    def describe(self) -> str:
        """Short text for the status bar: 'SQLite: dxdesk.sqlite3' or 'PostgreSQL: host/db'."""
        if self.is_sqlite:
            path = self.sqlite_path
            return f"SQLite: {path.name if path else ':memory:'}"
        url = self.engine.url
        return f"PostgreSQL: {url.host or 'localhost'}/{url.database}"

    def session(self) -> Session:
        """A session for reading (and short writes where waiting is not needed)."""
        return self._reader()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A Core connection in one read transaction (one snapshot for several statements), without a Session:
        for the tallies, read at every save at the counter."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: takes SQLite's write lock at BEGIN (no mid-transaction 'locked'),
        commits on success; the caller acknowledges only after this block returns."""
        try:
            with self._writer() as session, session.begin():
                yield session
        except OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise UserError(
                    _("The database is busy (another counter is writing). Nothing was saved; try again.")
                ) from exc
            from dxdesk.errors import explain

            if reason := explain(exc):  # a full disk, a read-only file: the machine, not dxdesk
                raise UserError(reason) from exc
            raise

    def dispose(self) -> None:
        """Close every connection and let go of the file (a restore may then replace it)."""
        self.engine.dispose()
        if self.in_use is not None:
            self.in_use.release()

    def reopen(self) -> None:
        """Use the file again after dispose() (connections reopen on demand)."""
        if self.in_use is not None:
            self.in_use.hold()


_BEGIN: dict[str, Prepared] = {}


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(
        "sqlite:///" + path.as_posix(),
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        # on the driver's cursor: every transaction (each save at the counter, each tally) pays for this one
        begin = _BEGIN.get(mode)
        if begin is None:
            begin = _BEGIN[mode] = Prepared(text(f"BEGIN {mode}"))
        begin.execute(conn).close()

    return engine


def open_database(url: str | None = None, paths: AppPaths | None = None, migrate_now: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at URL, or the SQLite file under PATHS. Tables only: the
    application opens through `dxdesk.database.open_database`, which also loads what the core needs in it."""
    if url and not url.startswith("sqlite"):
        if not url.startswith("postgresql"):
            raise UserError(_("Unsupported database URL: use an SQLite file or postgresql+psycopg://…"))
        # A short connect timeout: a counter whose network is down must learn it in seconds, not minutes. TCP
        # keepalives and a user timeout do the same for a connection already open when the network silently drops
        # (otherwise a query on a pooled connection can hang for the OS default, many minutes).
        # No server-side prepared statements (psycopg prepares a query run 5 times on a connection): PostgreSQL then
        # plans it once for any parameters after 5 more runs, and that generic plan of a province's tally (its
        # communes' codes, a partitioned table) was 15× slower — 72 ms against 4–5 ms from the 11th report of a
        # session on. Planning with the real values costs well under a millisecond; a connection pooler in
        # transaction mode (PgBouncer) needs no prepared statements either.
        engine = create_engine(url, pool_pre_ping=True, connect_args={
            "connect_timeout": 5, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
            "keepalives_count": 2, "tcp_user_timeout": 10_000, "prepare_threshold": None})
        try:
            with engine.connect():
                pass
        except OperationalError as exc:
            log.warning("cannot connect to %s: %s", engine.url.render_as_string(hide_password=True), exc)
            raise UserError(
                _("Cannot connect to the PostgreSQL server {url}. Check the address and that the server is running.").format(
                    url=engine.url.render_as_string(hide_password=True)
                )
            ) from None
        db = Database(url, engine, paths)
    else:
        if url:
            path = Path(url.split(":///", 1)[1]) if ":///" in url else None
            if path is None or not str(path):
                raise UserError(_("Unsupported database URL: use an SQLite file or postgresql+psycopg://…"))
        else:
            if paths is None:
                raise ValueError("open_database needs a URL or AppPaths")
            paths.ensure()
            path = paths.database
        path = path.expanduser().resolve()
        if is_network_path(path.parent):
            raise UserError(
                _(
                    "The database file {path} is on a network share, where SQLite can lose data. "
                    "Keep it on this PC, or let several counters share a PostgreSQL server (--db postgresql+psycopg://…)."
                ).format(path=path)
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        from dxdesk.inuse import InUse

        in_use = InUse(path).hold()  # before the first connection: waits while a restore replaces the file
        db = Database("sqlite:///" + path.as_posix(), _sqlite_engine(path), paths, in_use)
    if migrate_now:
        migrate(db)
    return db


# --- migrations -------------------------------------------------------------------------------------


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "dxdesk.db:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The head revision as Alembic reads it from the migration scripts (slow: loads Alembic and every script)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_backup(source: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite file through the backup API (safe while others write)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def migrate(db: Database) -> bool:
    """Bring the schema to the newest revision; returns True when something was upgraded.

    A database already at SCHEMA_HEAD (every start but the first after an update) is recognised without loading
    Alembic; Alembic and the migration scripts are loaded only when a migration is due or the revision is unknown."""
    current = current_revision(db)
    if current == SCHEMA_HEAD:
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    head = script.get_current_head()
    if current == head:
        return False
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise UserError(
            _("This database was written by a newer version of dxdesk (schema {rev}). Update dxdesk to open it.").format(
                rev=current
            )
        )
    path = db.sqlite_path
    if path is not None and current is not None and path.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backups = db.paths.backups if db.paths else path.parent / "backups"
        copy = sqlite_backup(path, backups / f"before-migration-{current}-{stamp}.sqlite3")
        log.info("backup before migration %s -> %s: %s", current, head, copy)
    with db.engine.connect() as conn:
        if db.is_sqlite:  # batch migrations copy tables; the pragma only works outside a transaction
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        try:
            if current_revision(db) != head:  # another counter may have migrated while we waited
                cfg = _alembic_config(conn)
                command.upgrade(cfg, "head")
                conn.commit()
        finally:
            if db.is_sqlite:
                conn.rollback()
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
            else:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                conn.commit()
    log.info("database migrated to %s", head)
    return True
