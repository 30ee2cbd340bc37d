"""Tallies for any period and unit, read from the daily tallies (never from the record tables), no Qt.

`compute` gives the indicators against their targets and the services; `breakdown` who was served how and when.
Citizens ("người dân") are the records that served a citizen (see `store`); shops and products are counted in
their own indicators and never as citizens. Every screen and paper (counter, stats, dashboard, report PDF and
Word, the package's tally.xlsx, the targets tab, the Zalo image) reads these two functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, func, select

from dxdesk.counting.catalogue import (
    IndicatorInfo,
    ServiceInfo,
    _catalogue_select,
    list_indicators,
    list_services,
)
from dxdesk.counting.store import DAILY, SERVICES, SUBJECTS, VISITS
from dxdesk.db.models import AGE_BANDS, CHANNELS, SEXES, ReceptionPoint, Shift, Target, Volunteer
from dxdesk.db.prepared import Prepared
from dxdesk.i18n import language
from dxdesk.periods import Period
from dxdesk.vnformat import percent

CITIZEN, SHOP, PRODUCT = "citizen", "shop", "product"


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
    subject: str = CITIZEN  # what it counts: citizen | shop | product


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: str
    indicator_code: str
    count: int
    short: str = ""  # as on the counter's button


def short_label(services, code: str, name: str, limit: int = 32) -> str:
    """An indicator as people know it: its services' short names (as on the counter's buttons), not its long
    official name; SERVICES are rows with `indicator_code` and `short`."""
    text = ", ".join(dict.fromkeys(s.short for s in services if s.indicator_code == code and s.short)) or name
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class Tally:
    period: Period
    unit_code: str | None
    indicators: list[IndicatorRow]
    services: list[ServiceRow]
    citizens: int = 0  # people served (a campaign entry of 40 is 40); never shops or products
    records: int = 0  # entries that served a citizen

    @property
    def with_target(self) -> list[IndicatorRow]:
        return [r for r in self.indicators if r.target is not None]

    @property
    def other_tasks(self) -> list[IndicatorRow]:
        """Indicators without a target for this period: the article's 'other tasks'."""
        return [r for r in self.indicators if r.target is None]

    def label(self, code: str) -> str:
        """The short label of indicator CODE (its services' short names)."""
        name = next((r.name for r in self.indicators if r.code == code), code)
        return short_label(self.services, code, name)

    def subject_total(self, subject: str) -> int:
        """Shops (SHOP) or products (PRODUCT) counted in the period: the sum of their indicators."""
        return sum(r.count for r in self.indicators if r.subject == subject)

    @property
    def shops(self) -> int:
        return self.subject_total(SHOP)

    @property
    def products(self) -> int:
        return self.subject_total(PRODUCT)

    @property
    def services_total(self) -> int:
        return sum(s.count for s in self.services)


Units = str | tuple[str, ...] | None  # one unit, several ('' = records stored before the unit was set), or all


def _unit_filter(stmt, table, unit_code: Units):
    if not unit_code:
        return stmt
    if isinstance(unit_code, tuple):
        return stmt.where(table.c.unit_code.in_(unit_code))
    return stmt.where(table.c.unit_code == unit_code)


_STATEMENTS: dict[tuple, object] = {}  # built once: a tally is asked for often (counter, targets tab, reports)


def _unit_kind(unit_code: Units) -> str:
    return "all" if not unit_code else "several" if isinstance(unit_code, tuple) else "one"


def _params(start: dt.date, end: dt.date, unit_code: Units) -> dict:
    params: dict = {"start": start, "end": end}
    if unit_code:
        params["units" if isinstance(unit_code, tuple) else "unit"] = list(unit_code) if isinstance(
            unit_code, tuple) else unit_code
    return params


def _summed(table, column: str, unit_code: Units, *measures: str):
    """SELECT column, sum(measure)… FROM table WHERE work_date in [:start, :end] (and the unit) GROUP BY column."""
    key = (table.name, column, measures, _unit_kind(unit_code))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        t = table
        stmt = select(t.c[column], *(func.sum(t.c[m]) for m in measures)).where(
            t.c.work_date >= bindparam("start"), t.c.work_date <= bindparam("end"))
        kind = _unit_kind(unit_code)
        if kind == "one":
            stmt = stmt.where(t.c.unit_code == bindparam("unit"))
        elif kind == "several":
            stmt = stmt.where(t.c.unit_code.in_(bindparam("units", expanding=True)))
        stmt = _STATEMENTS[key] = stmt.group_by(t.c[column])
    return stmt


_PREPARED: dict[int, Prepared] = {}


def _rows(conn, stmt, params: dict, unit_code: Units) -> list[tuple]:
    """STMT's rows: compiled once and run on the cursor (`dxdesk.db.prepared`: a tally is asked for at every
    save at the counter, and then SQLAlchemy's per-execution work costs as much as the sum itself), except for a
    list of units, whose IN (…) is built for each call."""
    if _unit_kind(unit_code) == "several":
        return [tuple(row) for row in conn.execute(stmt, params)]
    prepared = _PREPARED.get(id(stmt))
    if prepared is None:
        prepared = _PREPARED[id(stmt)] = Prepared(stmt)  # STMT lives in _STATEMENTS: its id stays its own
    return prepared.all(conn, params)


def _service_counts(conn, start: dt.date, end: dt.date, unit_code: Units) -> dict[str, int]:
    rows = _rows(conn, _summed(DAILY, "service_code", unit_code, "n"), _params(start, end, unit_code), unit_code)
    return {code: int(n) for code, n in rows if n}


def _subject_counts(conn, start: dt.date, end: dt.date, unit_code: Units) -> dict[str, tuple[int, int]]:
    rows = _rows(conn, _summed(SUBJECTS, "subject", unit_code, "n", "records"), _params(start, end, unit_code),
                 unit_code)
    return {subject: (int(n or 0), int(r or 0)) for subject, n, r in rows}


def _services_with_counts(en: bool, unit_code: Units):
    """The catalogue's services (as `list_services`) with the sum of tally_daily over [:start, :end]."""
    key = ("services+counts", en, _unit_kind(unit_code))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        sums = _summed(DAILY, "service_code", unit_code, "n").subquery()
        catalogue = _catalogue_select("services", en).subquery()
        stmt = _STATEMENTS[key] = (
            select(*catalogue.c, sums.c[1]).select_from(catalogue.outerjoin(sums, sums.c.service_code == catalogue.c.code))
            .order_by(catalogue.c.sort_order))
    return stmt


def _indicators_with_targets(en: bool, unit_code: str | None):
    """The catalogue's indicators (as `list_indicators`) with their target for the period :key (unit :unit)."""
    key = ("indicators+targets", en, unit_code is None)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        catalogue = _catalogue_select("indicators", en).subquery()
        own = Target.unit_code.is_(None) if unit_code is None else Target.unit_code == bindparam("unit")
        targets = select(Target.indicator_code, Target.value).where(Target.period_key == bindparam("key"), own).subquery()
        stmt = _STATEMENTS[key] = (
            select(*catalogue.c, targets.c.value)
            .select_from(catalogue.outerjoin(targets, targets.c.indicator_code == catalogue.c.code))
            .order_by(catalogue.c.sort_order))
    return stmt


def _targets_stmt(period: Period, unit_code: str | None):
    stmt = select(Target.indicator_code, Target.value).where(Target.period_key == period.key)
    return stmt.where(Target.unit_code.is_(None) if unit_code is None else Target.unit_code == unit_code)


def service_counts(db, start: dt.date, end: dt.date, unit_code: Units = None) -> dict[str, int]:
    """Services given per service code whose work date lies in [start, end] (province DB: all units unless one
    is given)."""
    with db.session() as session:
        return _service_counts(session.connection(), start, end, unit_code)


def subject_counts(db, start: dt.date, end: dt.date, unit_code: Units = None) -> dict[str, tuple[int, int]]:
    """(count, entries) per subject served in [start, end]: citizens, shop-only and product-only entries."""
    with db.session() as session:
        return _subject_counts(session.connection(), start, end, unit_code)


def citizens(db, start: dt.date, end: dt.date, unit_code: Units = None) -> int:
    return subject_counts(db, start, end, unit_code).get(CITIZEN, (0, 0))[0]


def targets_for(db, period: Period, unit_code: str | None = None) -> dict[str, int]:
    """Targets that belong to exactly this period (unit None: this database's own)."""
    with db.session() as session:
        return dict(session.execute(_targets_stmt(period, unit_code)).all())


def indicator_of(db) -> dict[str, str]:
    """Service code -> indicator code (inactive services too: their past work still counts)."""
    return {s.code: s.indicator_code for s in list_services(db, include_inactive=True)}


def per_indicator(by_service: dict[str, int], mapping: dict[str, str]) -> dict[str, int]:
    """The one service -> indicator sum."""
    out: dict[str, int] = {}
    for code, n in by_service.items():
        ind = mapping.get(code)
        if ind:
            out[ind] = out.get(ind, 0) + n
    return out


def compute(db, period: Period, unit_code: Units = None, targets: dict[str, int] | None = None) -> Tally:
    """The tally of PERIOD: per indicator this period, since 1 January, target and percent; per service; citizens.

    TARGETS overrides `targets_for(period)`. One read session, a handful of small queries over the daily tallies:
    the cost depends on the days and services of the period, not on the records or years stored."""
    year_start = dt.date(period.end.year, 1, 1)
    target_unit = None if isinstance(unit_code, tuple) else unit_code
    with db.reading() as conn:
        # three small statements, built once: services with their sums, indicators with their targets, subjects
        rows = _rows(conn, _services_with_counts(language() == "en", unit_code),
                     _params(period.start, period.end, unit_code), unit_code)
        services = [ServiceInfo(*row[:7]) for row in rows]
        counts = {row[0]: int(row[7]) for row in rows if row[7]}
        # A period that starts on 1 January is its own cumulative: one query instead of two.
        cumulative_counts = counts if period.start == year_start else _service_counts(conn, year_start, period.end,
                                                                                     unit_code)
        found = _rows(conn, _indicators_with_targets(language() == "en", target_unit),
                      {"key": period.key, "unit": target_unit}, target_unit)
        indicators = [IndicatorInfo(*row[:6]) for row in found]
        if targets is None:  # several units: this database's own (a commune and its records from before the unit)
            targets = {row[0]: row[6] for row in found if row[6] is not None}
        served = _subject_counts(conn, period.start, period.end, unit_code).get(CITIZEN, (0, 0))
    mapping = {s.code: s.indicator_code for s in services}
    ind_counts, ind_cumulative = per_indicator(counts, mapping), per_indicator(cumulative_counts, mapping)
    rows = []
    for ind in indicators:
        count = ind_counts.get(ind.code, 0)
        target = targets.get(ind.code)
        rows.append(IndicatorRow(ind.code, ind.name, ind.unit, ind.has_target, count, ind_cumulative.get(ind.code, 0),
                                 target, percent(count, target), ind.subject))
    service_rows = [ServiceRow(s.code, s.name, s.indicator_code, counts.get(s.code, 0), s.short) for s in services]
    return Tally(period, unit_code, rows, service_rows, citizens=served[0], records=served[1])


def tally_json(tally: Tally, unit: dict) -> dict:
    """The `stats --json` shape of the CLI contract (plus citizens/shops/products); depends only on the data."""
    return {
        "period": {"from": tally.period.start.isoformat(), "to": tally.period.end.isoformat()},
        "unit": unit,
        "citizens": tally.citizens,
        "shops": tally.shops,
        "products": tally.products,
        "indicators": [
            {
                "code": r.code, "name": r.name, "unit": r.unit, "count": r.count, "target": r.target,
                "percent": float(r.percent) if r.percent is not None else None, "subject": r.subject,
            }
            for r in tally.indicators
        ],
        "services": [{"code": s.code, "name": s.name, "count": s.count} for s in tally.services],
    }


# --- breakdowns for the dashboard, the report's annex and the XLSX ---------------------------------------------


@dataclass(frozen=True)
class VolunteerRow:
    volunteer_id: int | None
    name: str  # the volunteer's name on screen; `pseudonym` in anything exported
    pseudonym: str
    citizens: int


@dataclass(frozen=True)
class MatrixRow:
    """Services given of one indicator, through one channel, by one volunteer, at one reception point."""

    indicator_code: str
    indicator: str
    label: str  # the indicator's short label
    channel: str
    volunteer_id: int | None
    volunteer: str
    pseudonym: str
    reception_point: str  # '' when the work was not on a shift with a reception point
    services: int


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
    by_age_band: dict[str, int] = field(default_factory=dict)  # AGE_BANDS and '' (not asked) -> citizens
    by_sex: dict[str, int] = field(default_factory=dict)  # SEXES and '' -> citizens
    matrix: list[MatrixRow] = field(default_factory=list)
    # The same at the counter only (no outreach or home visit): the hours the counter is busiest. A Sunday market
    # outreach ("120 at 09:00") made "Chủ nhật 09:00" the busiest hour of a counter open on Mondays and Fridays.
    counter_hours: dict[tuple[int, int], int] = field(default_factory=dict)

    def busiest_counter_hours(self, top: int = 3) -> list[tuple[int, int, int]]:
        """(weekday, hour, citizens) at the counter, most first: only days and hours the counter had citizens."""
        cells = [(wd, h, n) for (wd, h), n in self.counter_hours.items() if n]
        return sorted(cells, key=lambda c: (-c[2], c[0], c[1]))[:top]

    def counter_by_hour(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for (_wd, hour), n in self.counter_hours.items():
            out[hour] = out.get(hour, 0) + n
        return out

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


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def breakdown(db, period: Period, unit_code: Units = None, weeks: bool = True, matrix: bool = True) -> Breakdown:
    """Channel, volunteer, weekday×hour, age band, sex (citizens), ISO-week services and the indicator × channel ×
    volunteer × reception point table (services) of the period; province DB: all units unless one is given."""
    v, s = VISITS, SERVICES
    in_period = (v.c.work_date >= period.start, v.c.work_date <= period.end, v.c.subject == CITIZEN)
    grouped = _unit_filter(
        select(v.c.work_date, v.c.hour, v.c.channel, v.c.volunteer_id, v.c.age_band, v.c.sex, func.sum(v.c.n))
        .where(*in_period), v, unit_code,
    ).group_by(v.c.work_date, v.c.hour, v.c.channel, v.c.volunteer_id, v.c.age_band, v.c.sex)
    by_channel = {c: 0 for c in CHANNELS}
    by_age = {a: 0 for a in (*AGE_BANDS, "")}
    by_sex = {x: 0 for x in (*SEXES, "")}
    vol_counts: dict[int | None, int] = {}
    by_weekday_hour: dict[tuple[int, int], int] = {}
    counter_hours: dict[tuple[int, int], int] = {}
    with db.session() as session:
        for day, hr, channel, vid, age, sex, n in session.execute(grouped):
            n = int(n or 0)
            if not n:
                continue
            vid = vid or None
            by_channel[channel] = by_channel.get(channel, 0) + n
            by_age[age] = by_age.get(age, 0) + n
            by_sex[sex] = by_sex.get(sex, 0) + n
            vol_counts[vid] = vol_counts.get(vid, 0) + n
            key = (_as_date(day).weekday(), int(hr or 0))
            by_weekday_hour[key] = by_weekday_hour.get(key, 0) + n
            if channel == "counter":
                counter_hours[key] = counter_hours.get(key, 0) + n
        per_week: dict[str, tuple[dt.date, int]] = {}
        if weeks:
            d = DAILY
            week_stmt = _unit_filter(select(d.c.work_date, func.sum(d.c.n))
                                     .where(d.c.work_date >= period.start, d.c.work_date <= period.end),
                                     d, unit_code).group_by(d.c.work_date)
            for day, n in session.execute(week_stmt):
                if not n:
                    continue
                day = _as_date(day)
                key = iso_week_key(day)
                monday = day - dt.timedelta(days=day.weekday())
                per_week[key] = (monday, per_week.get(key, (monday, 0))[1] + int(n))
        cells: dict[tuple[str, str, int, int], int] = {}
        if matrix:
            matrix_stmt = _unit_filter(
                select(s.c.service_code, s.c.channel, s.c.volunteer_id, s.c.shift_id, func.sum(s.c.n))
                .where(s.c.work_date >= period.start, s.c.work_date <= period.end), s, unit_code,
            ).group_by(s.c.service_code, s.c.channel, s.c.volunteer_id, s.c.shift_id)
            cells_raw = [row for row in session.execute(matrix_stmt) if row[4]]
            shift_ids = {row[3] for row in cells_raw if row[3]}
            point_of: dict[int, str] = {}
            if shift_ids:
                for sid, name in session.execute(
                        select(Shift.id, ReceptionPoint.name).join(ReceptionPoint, ReceptionPoint.id == Shift.reception_point_id)
                        .where(Shift.id.in_(shift_ids))):
                    point_of[sid] = name
            mapping = indicator_of(db)
            for code, channel, vid, sid, n in cells_raw:
                key = (mapping.get(code, ""), channel, vid or 0, point_of.get(sid or 0, ""))
                cells[key] = cells.get(key, 0) + int(n)
        ids = {vid for vid in vol_counts if vid} | {k[2] for k in cells if k[2]}
        names: dict[int, tuple[str, str]] = {}
        if ids:
            for vid, name, pseudonym in session.execute(
                    select(Volunteer.id, Volunteer.name, Volunteer.pseudonym).where(Volunteer.id.in_(ids))):
                names[vid] = (name, pseudonym)
    volunteers = [VolunteerRow(vid, names.get(vid, ("", ""))[0], names.get(vid, ("", ""))[1], n)
                  for vid, n in vol_counts.items()]
    volunteers.sort(key=lambda r: (-r.citizens, r.volunteer_id is None, r.name))
    indicator_names = {i.code: (i.name, i.sort_order) for i in list_indicators(db)}
    catalogue = list_services(db, include_inactive=True)
    matrix_rows = [
        MatrixRow(ind, indicator_names.get(ind, (ind, 0))[0],
                  short_label(catalogue, ind, indicator_names.get(ind, (ind, 0))[0]), channel, vid or None,
                  names.get(vid, ("", ""))[0], names.get(vid, ("", ""))[1], point, n)
        for (ind, channel, vid, point), n in cells.items()
    ]
    matrix_rows.sort(key=lambda r: (indicator_names.get(r.indicator_code, ("", 0))[1], CHANNELS.index(r.channel)
                                    if r.channel in CHANNELS else 9, -r.services, r.volunteer, r.reception_point))
    services_by_week = [(key, monday, n) for key, (monday, n) in sorted(per_week.items())]
    return Breakdown(period, unit_code, by_channel, volunteers, by_weekday_hour, services_by_week,
                     sum(by_channel.values()), by_age, by_sex, matrix_rows, counter_hours)


def citizens_by_volunteer(conn, start: dt.date, end: dt.date) -> dict[int, int]:
    """Citizens each named volunteer served in [start, end] (the hours report's 'served' column)."""
    v = VISITS
    rows = conn.execute(select(v.c.volunteer_id, func.sum(v.c.n)).where(
        v.c.work_date >= start, v.c.work_date <= end, v.c.subject == CITIZEN, v.c.volunteer_id != 0)
        .group_by(v.c.volunteer_id))
    return {vid: int(n) for vid, n in rows if n}


def by_team(db, period: Period, unit_code: Units = None) -> list[tuple[str, int]]:
    """Services given per volunteer team (team name order); work of volunteers without a team is left out."""
    from dxdesk.db.models import Team

    s = SERVICES
    stmt = _unit_filter(select(Team.name, func.sum(s.c.n))
                        .select_from(s.join(Volunteer.__table__, Volunteer.id == s.c.volunteer_id)
                                     .join(Team.__table__, Team.id == Volunteer.team_id))
                        .where(s.c.work_date >= period.start, s.c.work_date <= period.end), s, unit_code
                        ).group_by(Team.name).order_by(Team.name)
    with db.session() as session:
        return [(name, int(n)) for name, n in session.execute(stmt) if n]


# --- the counter's progress: each indicator against its current target ----------------------------------------


def current_target_periods(db, day: dt.date) -> dict[str, tuple[Period, int]]:
    """For each indicator with a target in force on DAY: the shortest such period (month before quarter before
    year) and its target. This database's own targets (unit None)."""
    from dxdesk.errors import UserError
    from dxdesk.periods import parse_period

    with db.session() as session:
        rows = session.execute(
            select(Target.indicator_code, Target.value, Target.period_key)
            .where(Target.period_start <= day, Target.period_end >= day, Target.unit_code.is_(None))
        ).all()
    best: dict[str, tuple[Period, int]] = {}
    for code, value, key in rows:
        try:
            period = parse_period(key)
        except UserError:
            continue
        if code not in best or (period.end - period.start) < (best[code][0].end - best[code][0].start):
            best[code] = (period, value)
    return best
