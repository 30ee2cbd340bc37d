"""The one message-box helper: Vietnamese button texts, short sentences, silenceable for tests."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from dxdesk.i18n import _

# Tests set this to a list: messages are appended as (kind, title, text) instead of shown;
# `answers` (a list of bools) then answers confirm() calls in order (default: True).
captured: list[tuple[str, str, str]] | None = None
answers: list[bool] = []


def _show(kind: str, parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    if captured is not None:
        captured.append((kind, title, text))
        return
    icon = {"info": QMessageBox.Icon.Information, "warning": QMessageBox.Icon.Warning,
            "error": QMessageBox.Icon.Critical}[kind]
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText(_("OK"))
    if detail:
        box.setDetailedText(detail)
    box.exec()


def info(parent: QWidget | None, title: str, text: str) -> None:
    _show("info", parent, title, text)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    _show("warning", parent, title, text)


def error(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    _show("error", parent, title, text, detail)


def confirm(parent: QWidget | None, title: str, text: str, yes: str | None = None, no: str | None = None) -> bool:
    """Ask a yes/no question; the buttons say what they do (default 'Có' / 'Không')."""
    if captured is not None:
        captured.append(("confirm", title, text))
        return answers.pop(0) if answers else True
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes or _("Yes"), QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no or _("No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
