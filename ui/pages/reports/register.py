"""Báo cáo › Sổ số báo cáo: the numbers given to reports in a year (`reportnumbers.list_numbers`), newest first.
A number is given only once its report was printed or saved, so the list has no gaps from failed runs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QSpinBox, QTableView, QVBoxLayout, QWidget

from dxdesk import clock
from dxdesk.i18n import _
from dxdesk.reporting import numbers as reportnumbers


class RegisterView(QWidget):
    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.year = QSpinBox(objectName="register_year", minimum=2020, maximum=2100, value=clock.today().year)
        label = QLabel(_("&Year:"))
        label.setBuddy(self.year)
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels([_("Number"), _("Title"), _("Period"), _("Given on"), _("Given by")])
        self.view = QTableView(objectName="register_table")
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(objectName="register_summary", wordWrap=True)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.year.valueChanged.connect(self.reload)

    def reload(self) -> None:
        year = self.year.value()
        rows = sorted(reportnumbers.list_numbers(self.db, year), key=lambda r: r.created_at, reverse=True)
        self.model.removeRows(0, self.model.rowCount())
        for r in rows:
            items = [QStandardItem(v) for v in (r.text(), r.title, r.period_key,
                                                 r.created_at.strftime("%d/%m/%Y %H:%M"), r.created_by)]
            items[0].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow(items)
        for col in (0, 2, 3, 4):
            self.view.resizeColumnToContents(col)
        self.summary.setText(
            _("{n} numbers given in {year}. A number is given when its report is printed or saved.").format(
                n=len(rows), year=year) if rows else
            _("No report number has been given in {year}. A number is given when its report is printed or "
              "saved.").format(year=year))
