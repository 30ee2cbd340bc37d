"""What the GUI can know before the database layer loads (issue #16: a fast first window).

SQLAlchemy and the models take longer to load than a whole bare Qt window. So the GUI draws its first window before
they load and opens the database right after that window's first paint — when it can tell, from the database file
alone, which window comes first:

* a demo database opens signed in as its coordinator (dxdesk.ui.signin.demo_actor): the main window's frame first;
* a database with users asks who signs in: the sign-in dialog first (the user reads it and starts typing while the
  database opens behind it).

A first start (the administrator is created), another database (--db) or a file that cannot be read go the usual
way: splash, database, then the dialog or window.

This is a prediction, read with the standard library's sqlite3 from the default SQLite file, read-only: it never
creates, locks or changes anything. The decisions stay where they are: once the database is open, the sign-in step
runs as always (dxdesk.security.auth), and a wrong guess only means a different dialog comes next."""

from __future__ import annotations

import logging
import sqlite3

from dxdesk.paths import AppPaths

log = logging.getLogger(__name__)


MAIN_WINDOW = "main_window"
SIGN_IN = "sign_in"


def first_window(paths: AppPaths, url: str | None) -> str | None:
    """MAIN_WINDOW for a demo database under PATHS, SIGN_IN for one with users; None when that cannot be told
    without the database layer (no file yet, another database given by URL, an unreadable file)."""
    if url:
        return None
    path = paths.database
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            profile = con.execute("SELECT is_demo FROM unit_profile LIMIT 1").fetchone()
            users = con.execute("SELECT 1 FROM users LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:  # an old schema, a locked or damaged file: the usual start handles it
        log.info("start-up prediction not possible: %s", exc)
        return None
    if profile and profile[0]:
        return MAIN_WINDOW
    return SIGN_IN if users else None
