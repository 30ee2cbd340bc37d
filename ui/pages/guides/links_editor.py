"""Hướng dẫn QR, in the editor: a guide's links (name, address, checked) as a short table, the selected one edited
in full-width fields below it (addresses are long: a table cell is too narrow)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from dxdesk.errors import UserError
from dxdesk.guides import sheets as guide_store
from dxdesk.guides.sheets import Link
from dxdesk.i18n import _

COL_LABEL, COL_URL, COL_CHECKED = 0, 1, 2


class LinksEditor:
    """Not a widget of its own: its parts go into the editor's form rows (`table`, `buttons`, `label`, `url`,
    `checked`). EDITED() is called on every change by the user, REFUSED(text) when a link cannot be added."""

    def __init__(self, edited, refused):
        self.edited, self.refused = edited, refused
        self._loading = False
        self._editable = True
        self.table = QTableWidget(0, 3, objectName="links_table")
        self.table.setHorizontalHeaderLabels([_("Name"), _("Address"), "QR"])
        self.table.horizontalHeaderItem(COL_CHECKED).setToolTip(_("Checked: the sheet prints this link as a QR code"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(COL_LABEL, 130)
        header.setSectionResizeMode(COL_URL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_CHECKED, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(COL_CHECKED, 36)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setFixedHeight(24 * 4 + 28)
        self.table.currentCellChanged.connect(self._on_row)
        self.label = QLineEdit(objectName="link_label")
        self.url = QLineEdit(objectName="link_url")
        self.url.setPlaceholderText("https://…  /  tel:…")
        self.checked = QCheckBox(_("Address che&cked: print its QR code"), objectName="link_checked")
        self.label.textEdited.connect(self._on_field)
        self.url.textEdited.connect(self._on_field)
        self.checked.toggled.connect(self._on_field)
        self.add_button = QPushButton(_("&Add link"), objectName="add_link")
        self.remove_button = QPushButton(_("Remo&ve link"), objectName="remove_link")
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.remove_button)
        self.buttons.addStretch(1)

    # --- the guide's links in and out ---
    def set_links(self, links) -> None:
        self._loading = True
        self.table.setRowCount(0)
        for link in links:
            self._append(link)
        self.table.setCurrentCell(0 if links else -1, COL_LABEL)
        self._loading = False
        self._load_fields()

    def links(self) -> tuple[Link, ...]:
        out = []
        for row in range(self.table.rowCount()):
            label = self.table.item(row, COL_LABEL)
            label_en, evidence = label.data(Qt.ItemDataRole.UserRole) or ("", "")
            out.append(Link(
                label_vi=label.text(), label_en=label_en, url=(self.table.item(row, COL_URL).text() or "").strip(),
                verified=self.table.item(row, COL_CHECKED).checkState() == Qt.CheckState.Checked, evidence=evidence,
            ))
        return tuple(out)

    def problems(self, domains) -> str:
        """Live check of the addresses as they are typed (the full check runs on save); '' when none."""
        for row in range(self.table.rowCount()):
            url = (self.table.item(row, COL_URL).text() or "").strip()
            if url:
                try:
                    guide_store.validate_url(url, domains)
                except UserError as exc:
                    return _("Link {n} ({label}): {reason}").format(
                        n=row + 1, label=self.table.item(row, COL_LABEL).text(), reason=exc.message)
        return ""

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.label.setReadOnly(not editable)
        self.url.setReadOnly(not editable)
        for widget in (self.add_button, self.remove_button, self.checked):
            widget.setEnabled(editable)
        self._load_fields()

    # --- editing ---
    def add(self) -> None:
        if self.table.rowCount() >= guide_store.MAX_LINKS:
            self.refused(_("A guide has at most {n} links.").format(n=guide_store.MAX_LINKS))
            return
        self._loading = True
        self._append(Link(_("New link"), "", "", False))
        self._loading = False
        self.table.setCurrentCell(self.table.rowCount() - 1, COL_LABEL)
        self._load_fields()
        self.url.setFocus()
        self.edited()

    def remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._load_fields()
            self.edited()

    def _append(self, link: Link) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        label = QTableWidgetItem(link.label_vi)
        label.setData(Qt.ItemDataRole.UserRole, (link.label_en, link.evidence))
        self.table.setItem(row, COL_LABEL, label)
        url = QTableWidgetItem(link.url)
        url.setToolTip(link.url)
        self.table.setItem(row, COL_URL, url)
        checked = QTableWidgetItem()
        checked.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        checked.setCheckState(Qt.CheckState.Checked if link.verified else Qt.CheckState.Unchecked)
        self.table.setItem(row, COL_CHECKED, checked)

    def _load_fields(self) -> None:
        row = self.table.currentRow()
        has_row = row >= 0
        was_loading, self._loading = self._loading, True
        self.label.setText(self.table.item(row, COL_LABEL).text() if has_row else "")
        self.url.setText(self.table.item(row, COL_URL).text() if has_row else "")
        self.checked.setChecked(has_row and self.table.item(row, COL_CHECKED).checkState() == Qt.CheckState.Checked)
        self._loading = was_loading
        for widget in (self.label, self.url, self.checked, self.remove_button):
            widget.setEnabled(self._editable and has_row)

    def _on_row(self, *_args) -> None:
        if not self._loading:
            self._load_fields()

    def _on_field(self, *_args) -> None:
        row = self.table.currentRow()
        if self._loading or row < 0:
            return
        self.table.item(row, COL_LABEL).setText(self.label.text())
        self.table.item(row, COL_URL).setText(self.url.text().strip())
        self.table.item(row, COL_CHECKED).setCheckState(
            Qt.CheckState.Checked if self.checked.isChecked() else Qt.CheckState.Unchecked)
        self.edited()
