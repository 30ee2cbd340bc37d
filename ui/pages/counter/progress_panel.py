"""Counts and targets: one row per indicator (named by its services' short names), today / this week, and a bar
of the progress against the target of its period."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QProgressBar,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int, fmt_percent


class ProgressPanel(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(_("Counts and targets"), parent)
        # Three columns (today and this week share one, "2 / 14") so the names fit without being cut.
        table = self.table = QTableWidget(0, 3, objectName="progress_table")
        table.setHorizontalHeaderLabels([_("Indicator"), _("Today\n/ week"), _("Progress")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # Names in full on two lines rather than cut ("Cửa hàng T…"); every row shown, no scroll bar hiding the last.
        table.setWordWrap(True)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.fit_timer = QTimer(self, singleShot=True, interval=0)  # after the columns settled, not in between
        self.fit_timer.timeout.connect(self.fit)
        header.sectionResized.connect(lambda *_args: self.fit_timer.start())
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(table)

    def show_progress(self, progress, services) -> None:
        """PROGRESS (`counting.progress` rows) named by the short names of SERVICES of each indicator."""
        short_by_indicator: dict[str, list[str]] = {}
        for svc in services:
            short_by_indicator.setdefault(svc.indicator_code, []).append(svc.short)
        table = self.table
        table.setRowCount(len(progress))
        # Which period the progress counts: in the header when all targets share it (the usual "Năm 2026"),
        # else on each bar.
        periods = {ind.period_label for ind in progress if ind.target}
        common = next(iter(periods)) if len(periods) == 1 else ""
        table.setHorizontalHeaderItem(2, QTableWidgetItem(
            _("Progress\n{period}").format(period=common) if common else _("Progress\n(period on the bar)")))
        for row, ind in enumerate(progress):
            name = QTableWidgetItem(", ".join(short_by_indicator.get(ind.code, [])) or ind.name)
            name.setToolTip(ind.name)
            table.setItem(row, 0, name)
            item = QTableWidgetItem(f"{fmt_int(ind.today)} / {fmt_int(ind.week)}")
            item.setToolTip(_("Today: {today} · this week: {week}").format(today=fmt_int(ind.today),
                                                                          week=fmt_int(ind.week)))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 1, item)
            if ind.target:
                bar = QProgressBar()
                bar.setRange(0, 1000)
                bar.setValue(min(1000, int(ind.percent * 10)))
                bar.setFormat(fmt_percent(ind.percent) if common else
                              f"{fmt_percent(ind.percent)} · {ind.period_label}")
                bar.setMinimumWidth(84)
                bar.setToolTip(_("{label}: {count} of {target}").format(
                    label=ind.period_label, count=fmt_int(ind.period_count), target=fmt_int(ind.target)))
                bar.setMaximumHeight(18)
                table.setCellWidget(row, 2, bar)
            else:
                table.removeCellWidget(row, 2)
                none = QTableWidgetItem(_("no target"))
                none.setToolTip(_("No target is set for this indicator in the current period (Settings › Targets, "
                                  "or a settings package from the province)."))
                none.setForeground(Qt.GlobalColor.gray)
                table.setItem(row, 2, none)
        self.fit()

    def fit(self) -> None:
        """The table as tall as its rows (every indicator visible, "Hỗ trợ khác" included, no scroll bar)."""
        table = self.table
        width = table.columnWidth(0) - 8  # the cell's text margins
        metrics = table.fontMetrics()
        line = metrics.height() + 4
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            text = item.text() if item else ""
            wrapped = metrics.boundingRect(QRect(0, 0, max(20, width), 10_000), Qt.TextFlag.TextWordWrap, text)
            table.setRowHeight(row, max(line, wrapped.height() + 4))
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height)
        self.layout().invalidate()  # the column beside it gives the today list what is left
        if self.parentWidget() is not None and self.parentWidget().layout() is not None:
            self.parentWidget().layout().invalidate()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit_timer.start()  # wrapped names take another line when the column narrows
