"""Help: what each place is for, and the keyboard shortcuts."""

from __future__ import annotations

from dxdesk.ui import messages

from dxdesk.i18n import _


def show_help(parent, page_key: str) -> None:
    messages.info(
        parent,
        _("Help"),
        _("Ctrl+1 … Ctrl+8: go to a place in the sidebar.\nCtrl+F1: this help.\nCtrl+Q: quit."),
    )
