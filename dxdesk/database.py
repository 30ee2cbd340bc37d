"""The database as the application opens it: storage's engine (SQLite or PostgreSQL, migrated to the newest schema)
and then what the core needs in it from the first minute, the shipped service catalogue.

Storage (dxdesk.db) knows tables and migrations, not the rules above it: loading the catalogue is the core's."""

from __future__ import annotations

from dxdesk.db import engine
from dxdesk.db.engine import Database
from dxdesk.paths import AppPaths


def open_database(url: str | None = None, paths: AppPaths | None = None, migrate_now: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at URL, or the SQLite file under PATHS; an empty database
    gets the shipped service catalogue."""
    db = engine.open_database(url, paths, migrate_now=migrate_now)
    if migrate_now:
        ready(db)
    return db


def ready(db: Database) -> None:
    """Bring an open database to what this version needs: the newest schema (an older file is copied first),
    then the catalogue if it has none (a fresh database, or a restored file from before it existed)."""
    from dxdesk.counting.catalogue import ensure_catalogue

    engine.migrate(db)
    ensure_catalogue(db)
