"""What every page receives: the open database, the paths, who is signed in, and app-wide signals."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from dxdesk.paths import AppPaths
from dxdesk.security.actor import Actor


class AppEvents(QObject):
    """App-wide notifications, so pages refresh without knowing each other."""

    records_changed = Signal()  # a record was logged, corrected, voided or imported
    roster_changed = Signal()  # volunteers or shifts changed
    profile_changed = Signal()  # the unit profile or settings changed
    actor_changed = Signal()  # another user signed in
    status_message = Signal(str)  # a short, quiet message for the status bar


@dataclass
class PageContext:
    db: object
    paths: AppPaths
    actor: Actor
    events: AppEvents = field(default_factory=AppEvents)
