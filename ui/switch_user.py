"""Fast switch of user at the counter (the main window binds it to a shortcut or a button):

    from dxdesk.ui.switch_user import switch_user
    switch_user(window, ctx)   # True when someone else (or the same person) signed in

On success ctx.actor is replaced and ctx.events.actor_changed is emitted, so pages re-check permissions."""

from __future__ import annotations

from dxdesk.ui.signin import SignInDialog
from PySide6.QtWidgets import QDialog

from dxdesk.i18n import _


def switch_user(parent, ctx) -> bool:
    dialog = SignInDialog(ctx.db, parent, title=_("Switch user"))
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return False
    ctx.actor = dialog.actor
    ctx.events.actor_changed.emit()
    ctx.events.status_message.emit(_("Signed in: {name}").format(name=dialog.actor.display_name or dialog.actor.username))
    return True
