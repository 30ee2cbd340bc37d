"""Who has an SQLite database open: every dxdesk process holds a *shared* lock on `<database>.lock` for as long as
it has the database open; a restore takes it *exclusively*, so it is refused while any other window, command
or PC (through a shared folder) still uses the file, and those that start meanwhile wait until it is done.

The lock is SQLite's own file locking on a small side file (a read transaction held open = shared; BEGIN
EXCLUSIVE = exclusive): the same tested code on Windows (LockFileEx) and Linux (POSIX locks), released by the
operating system when a process ends or crashes, so no stale lock is ever left behind."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from dxdesk.errors import UserError
from dxdesk.i18n import _

log = logging.getLogger(__name__)

WAIT_FOR_RESTORE_S = 30.0  # a process that starts during a restore waits this long for it to finish


def lock_path(database: Path) -> Path:
    return Path(database).with_name(Path(database).name + ".lock")


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    # never in WAL mode (nothing sets it): a reader's SHARED lock blocks BEGIN EXCLUSIVE
    return sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)


class InUse:
    """The shared lock of one open database (release() when the database is closed, hold() to take it again)."""

    def __init__(self, database: Path, wait_s: float = WAIT_FOR_RESTORE_S):
        self.path = lock_path(database)
        self.wait_s = wait_s
        self._conn: sqlite3.Connection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def hold(self) -> InUse:
        if self._conn is not None:
            return self
        try:
            conn = _connect(self.path, self.wait_s)
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()  # takes SHARED until COMMIT
        except sqlite3.OperationalError as exc:
            log.warning("cannot take the in-use lock %s: %s", self.path, exc)
            if "locked" in str(exc).lower():
                raise UserError(_("The database is being restored from a backup by another dxdesk window. Wait "
                                  "until it is done, then start again.")) from None
            raise UserError(_("The database folder {folder} cannot be used: {error}").format(
                folder=self.path.parent, error=exc)) from None
        self._conn = conn
        return self

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class Exclusive:
    """`with Exclusive(database):` — the database is used by no dxdesk process (this one included) inside."""

    def __init__(self, database: Path):
        self.path = lock_path(database)
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> Exclusive:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(self.path, 0)
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:
            conn.close()
            raise UserError(_("Another dxdesk window or program still has this database open (on this PC or another "
                              "one through a shared folder). Close it and try again; nothing was changed.")) from None
        self._conn = conn
        return self

    def __exit__(self, *exc) -> None:
        assert self._conn is not None
        try:
            self._conn.execute("ROLLBACK")
        finally:
            self._conn.close()
            self._conn = None
