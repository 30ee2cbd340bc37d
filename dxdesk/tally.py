"""The tally engine: counts per indicator and per service for a period, against targets (no Qt)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import extract, func, select

from dxdesk.catalogue import list_indicators, list_services
from dxdesk.db.models import CHANNELS, RecordService, ServiceRecord, Target, Volunteer
from dxdesk.periods import Period
from dxdesk.vnformat import percent


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    unit: str
    has_target: bool
    count: int
    cumulative: int  # since 1 January of the period's (end) year, up to the period's end
    target: int | None
    percent: Decimal | None


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: str
    indicator_code: str
    count: int


@dataclass(frozen=True)
class Tally:
    period: Period
    unit_code: str | None
    indicators: list[IndicatorRow]
    services: list[ServiceRow]

    @property
    def with_target(self) -> list[IndicatorRow]:
        return [r for r in self.indicators if r.target is not None]

    @property
    def other_tasks(self) -> list[IndicatorRow]:
        """Indicators without a target for this period: the article's 'other tasks'."""
        return [r for r in self.indicators if r.target is None]


def service_counts(db, start: dt.date, end: dt.date, unit_code: str | None = None) -> dict[str, int]:
    """Sum of `count` of non-voided service rows whose work date lies in [start, end], per service."""
    stmt = (
        select(RecordService.service_code, func.sum(RecordService.count))
        .join(ServiceRecord, ServiceRecord.id == RecordService.record_id)
        .where(ServiceRecord.work_date >= start, ServiceRecord.work_date <= end, ServiceRecord.voided.is_(False))
        .group_by(RecordService.service_code)
    )
    if unit_code:
        stmt = stmt.where(ServiceRecord.unit_code == unit_code)
    with db.session() as session:
        return {code: int(total or 0) for code, total in session.execute(stmt)}


def targets_for(db, period: Period, unit_code: str | None = None) -> dict[str, int]:
    """Targets that belong to exactly this period."""
    stmt = select(Target.indicator_code, Target.value).where(Target.period_key == period.key)
    stmt = stmt.where(Target.unit_code.is_(None) if unit_code is None else Target.unit_code == unit_code)
    with db.session() as session:
        return dict(session.execute(stmt).all())


def compute(db, period: Period, unit_code: str | None = None) -> Tally:
    services = list_services(db, include_inactive=True)
    indicator_of = {s.code: s.indicator_code for s in services}
    counts = service_counts(db, period.start, period.end, unit_code)
    year_start = dt.date(period.end.year, 1, 1)
    # A period that starts on 1 January is its own cumulative: one query instead of two.
    cumulative_counts = counts if period.start == year_start else service_counts(db, year_start, period.end, unit_code)
    targets = targets_for(db, period, unit_code)

    def per_indicator(by_service: dict[str, int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for code, n in by_service.items():
            ind = indicator_of.get(code)
            if ind:
                out[ind] = out.get(ind, 0) + n
        return out

    ind_counts, ind_cumulative = per_indicator(counts), per_indicator(cumulative_counts)
    rows = []
    for ind in list_indicators(db):
        count = ind_counts.get(ind.code, 0)
        target = targets.get(ind.code)
        rows.append(
            IndicatorRow(ind.code, ind.name, ind.unit, ind.has_target, count, ind_cumulative.get(ind.code, 0),
                         target, percent(count, target))
        )
    service_rows = [ServiceRow(s.code, s.name, s.indicator_code, counts.get(s.code, 0)) for s in services]
    return Tally(period, unit_code, rows, service_rows)


def tally_json(tally: Tally, unit: dict) -> dict:
    """The `stats --json` shape of the CLI contract; depends only on the data."""
    return {
        "period": {"from": tally.period.start.isoformat(), "to": tally.period.end.isoformat()},
        "unit": unit,
        "indicators": [
            {
                "code": r.code, "name": r.name, "unit": r.unit, "count": r.count, "target": r.target,
                "percent": float(r.percent) if r.percent is not None else None,
            }
            for r in tally.indicators
        ],
        "services": [{"code": s.code, "name": s.name, "count": s.count} for s in tally.services],
    }


# --- breakdowns for the dashboard and the report (issue #6) ---------------------------------------------


@dataclass(frozen=True)
class VolunteerRow:
    volunteer_id: int | None
    name: str  # the volunteer's name on screen; `pseudonym` in anything exported
    pseudonym: str
    citizens: int


@dataclass(frozen=True)
class Breakdown:
    """Who was served how, when: citizens counted by the record's `count` (a campaign entry of 40 is 40)."""

    period: Period
    unit_code: str | None
    by_channel: dict[str, int]  # counter / outreach / home -> citizens
    by_volunteer: list[VolunteerRow]  # most citizens first; volunteer_id None = not named
    by_weekday_hour: dict[tuple[int, int], int]  # (weekday 0=Monday, hour 0-23) -> citizens
    services_by_week: list[tuple[str, dt.date, int]]  # ('2024-W05', Monday of that week, services given)
    citizens_total: int

    def busiest_hours(self, weekday: int | None = None, top: int = 3) -> list[tuple[int, int, int]]:
        """(weekday, hour, citizens), most first; only WEEKDAY's hours if given (0 = Monday)."""
        cells = [(wd, h, n) for (wd, h), n in self.by_weekday_hour.items() if weekday is None or wd == weekday]
        return sorted(cells, key=lambda c: (-c[2], c[0], c[1]))[:top]

    def by_hour(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for (_wd, hour), n in self.by_weekday_hour.items():
            out[hour] = out.get(hour, 0) + n
        return out


def iso_week_key(day: dt.date) -> str:
    """'2024-W05': the ISO year and week, computed in Python (SQLite 3.40 has no %V)."""
    year, week, _weekday = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _record_filter(stmt, start: dt.date, end: dt.date, unit_code: str | None):
    stmt = stmt.where(ServiceRecord.work_date >= start, ServiceRecord.work_date <= end,
                      ServiceRecord.voided.is_(False))
    if unit_code:
        stmt = stmt.where(ServiceRecord.unit_code == unit_code)
    return stmt


def breakdown(db, period: Period, unit_code: str | None = None, weeks: bool = True) -> Breakdown:
    """Channel, volunteer, weekday×hour and (with WEEKS) ISO-week splits of the period (province DB: all units
    unless one is given). One grouped scan of the records, plus one of the service rows for the weeks."""
    hour = extract("hour", ServiceRecord.occurred_at)
    # Day of week and ISO week are computed from the work date in Python (dialects number weekdays differently,
    # SQLite 3.40 has no %V). The groups are few (days × hours × channels × volunteers on duty).
    grouped = _record_filter(
        select(ServiceRecord.work_date, hour, ServiceRecord.channel, ServiceRecord.volunteer_id,
               func.sum(ServiceRecord.count)),
        period.start, period.end, unit_code,
    ).group_by(ServiceRecord.work_date, hour, ServiceRecord.channel, ServiceRecord.volunteer_id)
    week_stmt = _record_filter(
        select(ServiceRecord.work_date, func.sum(RecordService.count))
        .join(RecordService, RecordService.record_id == ServiceRecord.id),
        period.start, period.end, unit_code,
    ).group_by(ServiceRecord.work_date)
    by_channel = {c: 0 for c in CHANNELS}
    vol_counts: dict[int | None, int] = {}
    by_weekday_hour: dict[tuple[int, int], int] = {}
    weekday_of: dict[dt.date, int] = {}
    with db.session() as session:
        for day, hr, channel, vid, n in session.execute(grouped):
            n = int(n or 0)
            by_channel[channel] = by_channel.get(channel, 0) + n
            vol_counts[vid] = vol_counts.get(vid, 0) + n
            wd = weekday_of.get(day)
            if wd is None:
                wd = weekday_of[day] = day.weekday()
            key = (wd, int(hr or 0))
            by_weekday_hour[key] = by_weekday_hour.get(key, 0) + n
        names = {}
        ids = [v for v in vol_counts if v is not None]
        if ids:
            for vid, name, pseudonym in session.execute(
                select(Volunteer.id, Volunteer.name, Volunteer.pseudonym).where(Volunteer.id.in_(ids))
            ):
                names[vid] = (name, pseudonym)
        per_week: dict[str, tuple[dt.date, int]] = {}
        if weeks:
            for day, n in session.execute(week_stmt):
                key = iso_week_key(day)
                monday = day - dt.timedelta(days=day.weekday())
                per_week[key] = (monday, per_week.get(key, (monday, 0))[1] + int(n or 0))
    volunteers = [
        VolunteerRow(vid, names.get(vid, ("", ""))[0], names.get(vid, ("", ""))[1], n)
        for vid, n in vol_counts.items()
    ]
    volunteers.sort(key=lambda r: (-r.citizens, r.volunteer_id is None, r.name))
    services_by_week = [(key, monday, n) for key, (monday, n) in sorted(per_week.items())]
    return Breakdown(period, unit_code, by_channel, volunteers, by_weekday_hour, services_by_week,
                     sum(by_channel.values()))
