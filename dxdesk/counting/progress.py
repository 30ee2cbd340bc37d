"""The counter's today panel: today's and this week's counts and each indicator against its current target,
all read through `counting.tally` (the same numbers Báo cáo shows for the same period)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dxdesk import clock
from dxdesk.counting.catalogue import list_indicators
from dxdesk.counting.tally import (
    CITIZEN,
    compute,
    current_target_periods,
    indicator_of,
    per_indicator,
    service_counts,
    subject_counts,
)
from dxdesk.periods import Period


@dataclass(frozen=True)
class IndicatorProgress:
    code: str
    name: str
    unit: str
    today: int
    week: int
    period_count: int  # within the target's period (0 when there is none)
    target: int | None
    percent: Decimal | None
    period_label: str  # "Năm 2026" etc., "" without a target


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of DAY's week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def today_progress(db, day: dt.date | None = None) -> list[IndicatorProgress]:
    """Per indicator: today's and this week's counts (Monday first) and progress against its current target (the
    shortest target period containing DAY), counted by `compute` for that period like any report of it."""
    day = day or clock.today()
    mapping = indicator_of(db)
    today_counts = per_indicator(service_counts(db, day, day), mapping)
    week_counts = per_indicator(service_counts(db, *week_of(day)), mapping)
    current = current_target_periods(db, day)
    tallies: dict[Period, dict[str, object]] = {}
    for period, _value in current.values():
        if period not in tallies:
            tallies[period] = {r.code: r for r in compute(db, period).indicators}
    rows = []
    for ind in list_indicators(db):
        entry = current.get(ind.code)
        if entry is None:
            rows.append(IndicatorProgress(ind.code, ind.name, ind.unit, today_counts.get(ind.code, 0),
                                          week_counts.get(ind.code, 0), 0, None, None, ""))
            continue
        period, _value = entry
        row = tallies[period][ind.code]
        rows.append(IndicatorProgress(ind.code, ind.name, ind.unit, today_counts.get(ind.code, 0),
                                      week_counts.get(ind.code, 0), row.count, row.target, row.percent,
                                      period.label()))
    return rows


def day_totals(db, day: dt.date | None = None) -> tuple[int, int]:
    """Citizens served today and this week (a campaign entry counts its N; voided, shop-only and product-only
    entries do not)."""
    day = day or clock.today()
    today = subject_counts(db, day, day).get(CITIZEN, (0, 0))[0]
    week = subject_counts(db, *week_of(day)).get(CITIZEN, (0, 0))[0]
    return today, week
