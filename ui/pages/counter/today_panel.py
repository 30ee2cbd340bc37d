"""Today's entries: the newest first, those kept on this PC during a server outage above them (marked), voided
ones struck out; Sửa (correct) and Hủy (void) under the list."""

from __future__ import annotations

from dxdesk.ui.pages.counter.panel_note import PanelNote
from dxdesk.ui.pages.counter.style import AMBER
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int


class TodayPanel(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(_("Today"), parent)
        self.table = QTableWidget(0, 3, objectName="today_table")
        self.table.setHorizontalHeaderLabels([_("Time"), _("Services"), _("Volunteer")])
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (to Sửa, Hủy); arrows choose the entry
        self.table.setMinimumHeight(60)  # gives way to the progress table at 125 %; it scrolls, that does not
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.correct_button = QPushButton(_("Co&rrect…"), objectName="correct_button")
        self.void_button = QPushButton(_("&Void…"), objectName="void_button")
        self.list_key_label = QLabel(_("Alt+L: the list"), objectName="list_key_label")
        self.list_key_label.setStyleSheet("color: palette(placeholder-text);")
        self.list_key_label.setToolTip(_("Alt+L goes to today's list (↑ ↓ to choose); Alt+S corrects and Alt+Y "
                                         "voids the chosen entry, or the newest one when none is chosen."))
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.list_key_label)
        edit_row.addStretch(1)
        edit_row.addWidget(self.correct_button)
        edit_row.addWidget(self.void_button)
        self.empty_label = PanelNote(_("Nobody served yet today: press a service's key, then Enter."),
                                     objectName="empty_label", wordWrap=True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        # On a shared server during an outage: entries kept on this PC are listed (marked) and explained here.
        self.waiting_label = PanelNote(objectName="waiting_label", wordWrap=True)
        self.waiting_label.setStyleSheet(f"color: {AMBER};")
        self.waiting_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.waiting_label)
        layout.addLayout(edit_row)

    def show_entries(self, waiting, entries, short: dict[str, str], volunteer_names: dict[int, str]) -> None:
        """WAITING (kept on this PC, `outbox.Pending`) above ENTRIES (`records.TodayEntry`); SHORT: service code ->
        short name; VOLUNTEER_NAMES: id -> name for the waiting ones."""
        table = self.table
        table.setRowCount(len(waiting) + len(entries))
        waiting_tip = _("Kept on this PC: the server could not be reached. It is sent automatically when the "
                        "server is back, and counts in the figures once sent.")
        for row, kept in enumerate(waiting):
            services = ", ".join(short.get(c, c) for c in kept.services)
            if kept.count > 1:
                services = f"{fmt_int(kept.count)} × {services}"
            services = _("{services} (waiting to send)").format(services=services)
            volunteer = volunteer_names.get(kept.volunteer_id, "") if kept.volunteer_id is not None else ""
            cells = [kept.occurred_at.strftime("%H:%M"), services, volunteer or "—"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(waiting_tip if not kept.last_error or kept.attempts == 0 else
                                f"{waiting_tip}\n{kept.last_error}")
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setForeground(Qt.GlobalColor.darkYellow)
                table.setItem(row, col, item)
        for row, entry in enumerate(entries, start=len(waiting)):
            services = entry.service_names
            if entry.count > 1:
                services = f"{fmt_int(entry.count)} × {services}"
            if entry.voided:
                services = _("{services} (voided)").format(services=services)
            cells = [entry.occurred_at.strftime("%H:%M"), services, entry.volunteer or "—"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if entry.voided:
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(Qt.GlobalColor.gray)
                table.setItem(row, col, item)
        if waiting:
            self.waiting_label.setText(_("Kept on this PC until the server is back: {n}. They count in the figures "
                                         "once sent.").format(n=fmt_int(len(waiting))))
        self.waiting_label.setVisible(bool(waiting))
        self.empty_label.setVisible(table.rowCount() == 0)

    def focus_list(self) -> None:
        if self.table.rowCount() and not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
