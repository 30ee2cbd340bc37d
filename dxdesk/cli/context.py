"""What every command gets: parsed arguments, the paths, the database (opened on first use), the actor."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field

from dxdesk.paths import AppPaths
from dxdesk.security.actor import Actor, cli_actor


@dataclass
class Context:
    args: object
    paths: AppPaths
    actor: Actor = field(default_factory=cli_actor)
    _db: object = None

    @property
    def db_url(self) -> str | None:
        return getattr(self.args, "db", None) or os.environ.get("DXDESK_DB") or None

    @property
    def db(self):
        if self._db is None:
            from dxdesk.database import open_database

            self._db = open_database(self.db_url, self.paths)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    @staticmethod
    def out(text: str = "") -> None:
        print(text)

    @staticmethod
    def out_json(data) -> None:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, sort_keys=False)
        sys.stdout.write("\n")
