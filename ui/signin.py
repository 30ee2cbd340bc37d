"""Who uses the GUI. Until accounts exist, the GUI acts as this PC's local administrator."""

from __future__ import annotations

from dxdesk.actor import Actor, cli_actor


def sign_in(parent, db, paths) -> Actor | None:
    """The actor for this session, or None when the user gave up signing in."""
    return cli_actor()
