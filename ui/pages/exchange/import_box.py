"""Trao đổi dữ liệu › Roll up: import the communes' packages (and opening balances), the result of each, and the
enrolled units and trusted keys."""

from __future__ import annotations

from dxdesk.ui.pages.exchange.keys import TrustedKeysBox
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
)

from dxdesk.i18n import _
from dxdesk.security.permissions import allowed


class ImportBox(QGroupBox):
    def __init__(self, ctx, parent=None):
        super().__init__(_("Roll up: packages from the communes"), parent)
        self.import_button = QPushButton(_("&Import packages…"), objectName="import")
        self.opening_button = QPushButton(_("Import &opening balances…"), objectName="opening")
        self.results = QListWidget(objectName="results")
        placeholder = QListWidgetItem(_("No package imported in this session yet: “Import packages…” merges the "
                                        "communes' .zip files; the result of each shows here."))
        placeholder.setFlags(Qt.ItemFlag.NoItemFlags)  # a hint, not a result: removed with the first result
        self.results.addItem(placeholder)
        self._placeholder: QListWidgetItem | None = placeholder
        self.results.setWordWrap(True)
        note = QLabel(_("Merges the packages of several communes; the same package twice adds nothing, and "
                        "a damaged or altered package is refused whole."))
        note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(note, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.opening_button)
        self.keys_box = TrustedKeysBox(ctx)  # enrolled units and pinned senders, the enrolment step
        self.import_tabs = QTabWidget(objectName="import_tabs")
        self.import_tabs.addTab(self.results, _("Results"))
        self.import_tabs.addTab(self.keys_box, _("Enrolled units and keys"))
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.import_tabs, 1)

    def refresh(self, actor, busy: bool) -> None:
        for button in (self.import_button, self.opening_button):
            button.setEnabled(allowed(actor, "data.import") and not busy)
        self.keys_box.refresh()

    def add_result(self, text: str, ok: bool | None = None) -> None:
        """One line on top of the results: ✓ (OK), ✗ (refused) or as it is (None)."""
        if ok is not None and self._placeholder is not None:
            self.results.takeItem(self.results.row(self._placeholder))
            self._placeholder = None
        self.results.insertItem(0, text if ok is None else ("✓ " if ok else "✗ ") + text)
