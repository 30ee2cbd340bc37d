"""A line beside a typed period that says, as the clerk types, which days it means ("Tháng 11/2026:
01/11/2026 – 30/11/2026") or how to write one — so nobody has to guess the 2026-Q4 / 2026-11 forms."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.periods import parse_period

AMBER = "#9a6200"


def attach_period_hint(edit: QLineEdit, several: bool = False) -> QLabel:
    """A label kept in step with EDIT (SEVERAL: comma-separated periods). Returns it for the caller's layout."""
    hint = QLabel(objectName=f"{edit.objectName() or 'period'}_hint")

    def update(text: str) -> None:
        parts = [p.strip() for p in text.split(",")] if several else [text.strip()]
        parts = [p for p in parts if p]
        try:
            periods = [parse_period(p) for p in parts]
        except UserError:
            periods = None
        if not parts or periods is None:
            hint.setStyleSheet(f"color: {AMBER};")
            hint.setText(_("Write a year 2026, a quarter 2026-Q4, a month 2026-11 or a week 2026-W47."))
            return
        hint.setStyleSheet("")
        hint.setText("; ".join(f"{p.label()}: {p.start:%d/%m/%Y} – {p.end:%d/%m/%Y}" for p in periods))

    edit.textChanged.connect(update)
    update(edit.text())
    return hint
