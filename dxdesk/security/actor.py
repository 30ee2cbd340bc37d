"""Who is acting: every domain call takes an Actor, so permissions and the audit log see the same person."""

from __future__ import annotations

import getpass
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    username: str
    role: str  # volunteer | clerk | coordinator | admin
    user_id: int | None = None
    display_name: str = ""
    volunteer_id: int | None = None


def cli_actor() -> Actor:
    """The command line acts as the built-in local administrator of this machine, audited by login name."""
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some service accounts
        login = "unknown"
    return Actor(username=f"cli:{login}", role="admin", display_name=f"Quản trị cục bộ ({login})")
