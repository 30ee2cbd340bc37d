"""The tally engine: counts per indicator and per service for a period, against targets (no Qt)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from dxdesk.catalogue import list_indicators, list_services
from dxdesk.db.models import RecordService, ServiceRecord, Target
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
    cumulative_counts = service_counts(db, dt.date(period.end.year, 1, 1), period.end, unit_code)
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
