"""Every path the app writes to, from one place: the user data folder (platformdirs) or --home DIR."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "dxdesk"
DB_FILENAME = "dxdesk.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    home: Path

    @property
    def database(self) -> Path:
        return self.home / DB_FILENAME

    @property
    def backups(self) -> Path:
        return self.home / "backups"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def log_file(self) -> Path:
        return self.logs / "dxdesk.log"

    @property
    def ui_settings(self) -> Path:
        return self.home / "ui-settings.ini"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox.sqlite3"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    def ensure(self) -> AppPaths:
        for folder in (self.home, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve(home: str | os.PathLike[str] | None = None) -> AppPaths:
    """--home, else DXDESK_HOME, else the platform's user data folder."""
    chosen = home or os.environ.get("DXDESK_HOME")
    if chosen:
        return AppPaths(Path(chosen).expanduser().resolve())
    import platformdirs

    return AppPaths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def sqlite_url(path: Path) -> str:
    return "sqlite:///" + path.as_posix()


@contextlib.contextmanager
def replaced_when_done(target: Path):
    """Yield `<target>.part` to write. Leaving the block normally renames it over TARGET (atomic); any exception
    (a failure, a cancel) removes it, so a half-written file never takes TARGET's place."""
    part = target.with_name(target.name + ".part")
    try:
        yield part
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
