"""Báo cáo › Phân tích: services given per indicator × channel × volunteer × reception point, and citizens served
by age band and sex — the `counting.Breakdown` of the chosen period, as tables a clerk can sort and read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from dxdesk.counter.journal import AGE_BAND_LABELS, CHANNEL_LABELS, SEX_LABELS
from dxdesk.counting import Breakdown
from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int


def _number(n: int) -> QStandardItem:
    item = QStandardItem(fmt_int(n))
    item.setData(n, Qt.ItemDataRole.UserRole)  # sorts as a number
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setEditable(False)
    return item


def _text(value: str, tooltip: str = "") -> QStandardItem:
    item = QStandardItem(value)
    item.setData(value, Qt.ItemDataRole.UserRole)
    item.setEditable(False)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _table(name: str) -> QTableView:
    view = QTableView(objectName=name)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    return view


class BreakdownView(QWidget):
    """The matrix (left, wide) and the age band / sex table (right); `show_data(breakdown)` fills both."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix_model = QStandardItemModel(0, 5, self)
        self.matrix_model.setSortRole(Qt.ItemDataRole.UserRole)
        self.matrix_model.setHorizontalHeaderLabels([_("Indicator"), _("Channel"), _("Volunteer"),
                                                     _("Reception point"), _("Services")])
        self.matrix = _table("breakdown_matrix")
        self.matrix.setSortingEnabled(False)
        self.matrix.setModel(self.matrix_model)
        header = self.matrix.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.people_model = QStandardItemModel(0, 2, self)
        self.people_model.setHorizontalHeaderLabels([_("Group"), _("Citizens")])
        self.people = _table("breakdown_people")
        self.people.setSortingEnabled(False)
        self.people.setModel(self.people_model)
        self.people.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.people.setMinimumWidth(230)
        self.empty = QLabel(objectName="breakdown_empty", wordWrap=True)
        left = QVBoxLayout()
        left.addWidget(QLabel(_("Services given by indicator, channel, volunteer and reception point:")))
        left.addWidget(self.matrix, 1)
        left.addWidget(self.empty)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Citizens served by age band and sex:")))
        right.addWidget(self.people, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 0)
        row.addLayout(left, 3)
        row.addLayout(right, 1)

    def show_data(self, breakdown: Breakdown) -> None:
        self.matrix.setSortingEnabled(False)
        self.matrix_model.removeRows(0, self.matrix_model.rowCount())
        for m in breakdown.matrix:
            self.matrix_model.appendRow([
                _text(m.label, tooltip=m.indicator), _text(_(CHANNEL_LABELS.get(m.channel, m.channel))),
                _text(m.volunteer or _("(not named)")), _text(m.reception_point or "—"), _number(m.services)])
        self.matrix.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.matrix.setSortingEnabled(True)  # catalogue order until a header is clicked
        self.empty.setText("" if breakdown.matrix else _("Nothing was logged in this period."))
        self.empty.setVisible(not breakdown.matrix)
        self.people_model.removeRows(0, self.people_model.rowCount())
        for title, groups, labels in ((_("Age band"), breakdown.by_age_band, AGE_BAND_LABELS),
                                      (_("Sex"), breakdown.by_sex, SEX_LABELS)):
            head = _text(title)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            self.people_model.appendRow([head, _text("")])
            for key, n in groups.items():
                self.people_model.appendRow([_text("   " + _(labels.get(key, key))), _number(n)])
