"""The dashboard of the Báo cáo page: four QtCharts built from a tally and its breakdown (computed off the UI
thread by the page): services per ISO week, indicators against target (% achieved, 100 % marked), channel
split, busiest hours (with the busiest weekday hour written out)."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QMargins, QPointF, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from dxdesk.counting import Breakdown, Tally
from dxdesk.counting.words import counting_sentence
from dxdesk.i18n import N_, _
from dxdesk.vnformat import WEEKDAY_NAMES, fmt_int, fmt_percent

ACCENT = QColor(11, 94, 168)
GOOD = QColor(21, 128, 61)
AMBER = QColor(194, 120, 3)
CHANNEL_LABELS = {"counter": N_("At the counter"), "outreach": N_("Outreach"), "home": N_("At home")}
CHANNEL_COLOURS = {"counter": ACCENT, "outreach": QColor(13, 148, 136), "home": QColor(147, 51, 234)}


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 2, 4, 2))
    chart.setBackgroundRoundness(4)
    chart.legend().hide()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _value_axis(maximum: float, fmt: str = "%.0f") -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, max(1.0, maximum * 1.1))
    axis.setLabelFormat(fmt)
    axis.applyNiceNumbers()
    return axis


def weeks_chart(breakdown: Breakdown) -> QChart:
    """Services given per ISO week, drawn at each week's Monday (weeks computed in Python)."""
    chart = _chart(_("Services per week"))
    weeks = breakdown.services_by_week
    series = QLineSeries()
    series.setPen(QPen(ACCENT, 2))
    for _key, monday, n in weeks:
        moment = QDateTime(QDate(monday.year, monday.month, monday.day), QTime(0, 0))
        series.append(float(moment.toMSecsSinceEpoch()), n)
    if not weeks:
        series.append(float(QDateTime.currentDateTime().toMSecsSinceEpoch()), 0)
    series.setPointsVisible(len(weeks) <= 20)
    chart.addSeries(series)
    axis_x = QDateTimeAxis()
    axis_x.setFormat("dd/MM")
    axis_x.setTickCount(min(8, max(2, len(weeks))))
    axis_x.setTitleText(_("Week starting (Monday)"))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = _value_axis(max((n for _k, _m, n in weeks), default=0))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    return chart


def targets_chart(tally: Tally) -> QChart:
    chart = _chart(_("Indicators against target"))
    rows = list(reversed(tally.with_target))  # first indicator on top
    series = QHorizontalBarSeries()
    done, short = QBarSet(_("Target reached")), QBarSet(_("Below target"))
    done.setColor(GOOD)
    short.setColor(AMBER)
    labels = []
    top = 100.0
    for r in rows:
        value = float(r.percent or 0)
        top = max(top, value)
        (done if value >= 100 else short).append(value)
        (short if value >= 100 else done).append(0)
        labels.append(f"{tally.label(r.code)} {fmt_percent(r.percent)}")
    series.append(done)
    series.append(short)
    series.setBarWidth(0.7)
    series.setLabelsVisible(False)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append(labels or [_("No targets set")])
    axis_y.setLabelsFont(QFont(chart.font().family(), 8))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = QValueAxis()
    step = 25 if top <= 150 else 50 if top <= 300 else 100
    upper = max(125, -(-int(top * 1.05) // step) * step)
    axis_x.setRange(0, upper)
    axis_x.setLabelFormat("%.0f %%")
    axis_x.setTickCount(upper // step + 1)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    # The 100 % line: a target reached is to the right of it.
    line = QLineSeries()
    line.append(QPointF(100, -0.5))
    line.append(QPointF(100, max(len(rows), 1) - 0.5))
    line.setPen(QPen(QColor(60, 60, 60), 1.5, Qt.PenStyle.DashLine))
    chart.addSeries(line)
    axis_line_y = QValueAxis()
    axis_line_y.setRange(-0.5, max(len(rows), 1) - 0.5)
    axis_line_y.setVisible(False)
    chart.addAxis(axis_line_y, Qt.AlignmentFlag.AlignRight)
    line.attachAxis(axis_x)
    line.attachAxis(axis_line_y)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    for marker in chart.legend().markers(line):
        marker.setVisible(False)
    return chart


def channels_chart(breakdown: Breakdown) -> QChart:
    chart = _chart(_("Citizens by channel"))
    series = QPieSeries()
    total = breakdown.citizens_total
    for channel, n in breakdown.by_channel.items():
        if not n:
            continue
        share = n * 100 / total if total else 0
        slice_ = series.append(f"{_(CHANNEL_LABELS.get(channel, channel))}: {fmt_int(n)} ({share:.0f} %)", n)
        slice_.setLabelFont(QFont(chart.font().family(), 8))
        slice_.setColor(CHANNEL_COLOURS.get(channel, ACCENT))
        slice_.setLabelVisible(False)
    series.setPieSize(0.85)
    chart.addSeries(series)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def hours_chart(breakdown: Breakdown) -> QChart:
    # The counter's hours only (outreach days and campaign entries would name a Sunday at the market)
    by_hour = breakdown.counter_by_hour()
    busiest = breakdown.busiest_counter_hours(top=1)
    title = _("Busiest hours at the counter")
    if busiest:
        wd, hour, n = busiest[0]
        title = _("Busiest hours at the counter (most: {day} {a}:00–{b}:00, {n} citizens)").format(
            day=_(WEEKDAY_NAMES[wd]), a=f"{hour:02d}", b=f"{hour + 1:02d}", n=fmt_int(n))
    chart = _chart(title)
    hours = sorted(by_hour) or [8]
    lo, hi = min(min(hours), 7), max(max(hours), 17)
    series = QBarSeries()
    bars = QBarSet(_("Citizens"))
    bars.setColor(ACCENT)
    categories = []
    for h in range(lo, hi + 1):
        bars.append(by_hour.get(h, 0))
        categories.append(str(h))
    series.append(bars)
    series.setBarWidth(0.85)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(categories)
    axis_x.setTitleText(_("Hour of the day"))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = _value_axis(max(by_hour.values(), default=0))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    return chart


class Dashboard(QWidget):
    """Four charts in a 2×2 grid and a one-line summary; `show_data(tally, breakdown)` fills them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = QLabel(objectName="dashboard_summary")
        self.summary.setWordWrap(True)
        self.views: list[QChartView] = []
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        for i in range(4):
            view = QChartView(objectName=f"chart_{i}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(200, 150)
            self.views.append(view)
            grid.addWidget(view, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        self.charts: list[QChart] = []
        self.summary.setText(_("Choose a period to see the charts."))

    def show_data(self, tally: Tally, breakdown: Breakdown) -> None:
        self.charts = [weeks_chart(breakdown), targets_chart(tally), channels_chart(breakdown), hours_chart(breakdown)]
        for view, chart in zip(self.views, self.charts, strict=True):
            old = view.chart()
            view.setChart(chart)
            if old is not None and old is not chart:
                old.deleteLater()
        self.summary.setText(f"{tally.period.label()}: {counting_sentence(tally)}")
