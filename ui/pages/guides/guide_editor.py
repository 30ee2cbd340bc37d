"""Hướng dẫn QR, middle: one guide's title, steps, links, hotline and note (Vietnamese and English), where it comes
from, the problem found while typing, and Save / Restore default."""

from __future__ import annotations

import re
from dataclasses import replace

from dxdesk.ui.pages.guides.links_editor import LinksEditor
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dxdesk.guides.sheets import Guide
from dxdesk.i18n import _

_STEP_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.)]\s*")


def numbered(steps) -> str:
    """Steps shown one per line with their number, so a wrapped line is not mistaken for a new step."""
    return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, start=1))


def unnumbered(text: str) -> tuple[str, ...]:
    return tuple(_STEP_NUMBER.sub("", line).strip() for line in text.splitlines() if _STEP_NUMBER.sub("", line).strip())


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class GuideEditor(QWidget):
    """`show_guide(guide)` fills the fields (no `edited`); `guide(base)` reads them back over BASE; `edited` fires on
    every change the user makes."""

    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._loading = False
        self.title_vi = QLineEdit(objectName="title_vi")
        self.title_en = QLineEdit(objectName="title_en")
        self.steps_vi = QPlainTextEdit(objectName="steps_vi")
        self.steps_en = QPlainTextEdit(objectName="steps_en")
        for box in (self.steps_vi, self.steps_en):
            box.setTabChangesFocus(True)
            box.setFixedHeight(96)
        self.steps_vi.setPlaceholderText(_("One step per line, 3 to 6 steps"))
        self.steps_vi.setToolTip(_("One step per line, 3 to 6 steps"))
        self.links = LinksEditor(edited=self._edited, refused=self.set_problem)
        self.hotline = QLineEdit(objectName="hotline")
        self.note_vi = QLineEdit(objectName="note_vi")
        self.note_vi.setPlaceholderText(_("Printed as text, e.g. an SMS instruction"))
        self.status = QLabel(objectName="guide_status")
        self.status.setWordWrap(True)
        self.problem = QLabel(objectName="guide_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_buddy(_("&Title:"), self.title_vi), self.title_vi)
        form.addRow(_buddy(_("Title (&English):"), self.title_en), self.title_en)
        form.addRow(_buddy(_("&Steps:"), self.steps_vi), self.steps_vi)
        form.addRow(_buddy(_("Steps (E&nglish):"), self.steps_en), self.steps_en)
        form.addRow(_buddy(_("&Links:"), self.links.table), self.links.table)
        form.addRow("", self.links.buttons)
        form.addRow(_buddy(_("Link na&me:"), self.links.label), self.links.label)
        form.addRow(_buddy(_("Add&ress:"), self.links.url), self.links.url)
        form.addRow("", self.links.checked)
        form.addRow(_buddy(_("&Hotline:"), self.hotline), self.hotline)
        form.addRow(_buddy(_("N&ote:"), self.note_vi), self.note_vi)
        fields = QWidget()
        fields_box = QVBoxLayout(fields)
        fields_box.setContentsMargins(0, 0, 4, 0)
        fields_box.addWidget(self.status)
        fields_box.addLayout(form)
        fields_box.addStretch(1)
        scroll = QScrollArea(objectName="guide_editor")
        scroll.setWidgetResizable(True)
        scroll.setWidget(fields)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.save_button = QPushButton(_("Sa&ve changes"), objectName="save_guide")
        self.restore_button = QPushButton(_("&Restore default"), objectName="restore_guide")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(scroll, 1)
        box.addWidget(self.problem)  # outside the scroll area: always in view
        box.addLayout(buttons)

        for widget in (self.title_vi, self.title_en, self.hotline, self.note_vi):
            widget.textEdited.connect(self._edited)
        for widget in (self.steps_vi, self.steps_en):
            widget.textChanged.connect(self._edited)

    def show_guide(self, guide: Guide, status: str, source: str) -> None:
        self._loading = True
        self.title_vi.setText(guide.title_vi)
        self.title_en.setText(guide.title_en)
        self.steps_vi.setPlainText(numbered(guide.steps_vi))
        self.steps_en.setPlainText(numbered(guide.steps_en))
        self.links.set_links(guide.links)
        self.hotline.setText(guide.hotline)
        self.note_vi.setText(guide.note_vi)
        self.status.setText(status)
        self.status.setToolTip(source)
        self.set_problem("")
        self._loading = False

    def guide(self, base: Guide) -> Guide:
        """BASE as the fields show it now (not validated)."""
        return replace(
            base, title_vi=self.title_vi.text(), title_en=self.title_en.text(),
            steps_vi=unnumbered(self.steps_vi.toPlainText()), steps_en=unnumbered(self.steps_en.toPlainText()),
            links=self.links.links(), hotline=self.hotline.text(), note_vi=self.note_vi.text(),
        )

    def set_editable(self, editable: bool, restorable: bool) -> None:
        for widget in (self.title_vi, self.title_en, self.hotline, self.note_vi, self.steps_vi, self.steps_en):
            widget.setReadOnly(not editable)
        self.save_button.setEnabled(editable)
        self.restore_button.setEnabled(editable and restorable)
        self.links.set_editable(editable)

    def set_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _edited(self, *_args) -> None:
        if not self._loading:
            self.edited.emit()
