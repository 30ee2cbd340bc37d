"""Counting: the one place that decides what the figures are.

- `store`: the daily tallies, kept in step with every write in the write's own transaction, and the rule of what
  counts (not voided; citizens are records that served a citizen, shops and products are counted apart).
- `tally`: any period, any unit, read from the daily tallies — `compute` (indicators, services, citizens) and
  `breakdown` (channel, volunteer, hour, age band, sex, indicator × channel × volunteer × reception point).
- `progress`: the counter's today panel.
- `check`: recompute from the raw records, compare, repair (logged and audited).
"""

from __future__ import annotations

import datetime as dt
import logging

from dxdesk.counting.tally import (  # noqa: F401 - the package's public names
    CITIZEN,
    PRODUCT,
    SHOP,
    Breakdown,
    IndicatorRow,
    MatrixRow,
    ServiceRow,
    Tally,
    VolunteerRow,
    breakdown,
    by_team,
    citizens,
    citizens_by_volunteer,
    compute,
    indicator_of,
    iso_week_key,
    per_indicator,
    service_counts,
    subject_counts,
    tally_json,
    targets_for,
)

log = logging.getLogger(__name__)



def check(db, actor, repair: bool = True):
    """Recompute the daily tallies from the records and compare; with REPAIR, a difference is replaced by the
    recomputed figures, logged and audited in the same transaction. Returns `store.CheckResult`."""
    from dxdesk.counting import store
    from dxdesk.security import audit
    from dxdesk.security.permissions import require

    require(actor, "tally.check")
    with db.write() as session:
        conn = session.connection()
        store.lock_for_check(conn)
        result = store.compare(conn)
        if result.differences:
            log.warning("daily tallies differ from the records in %d rows (first: %s)", len(result.differences),
                        result.differences[0])
            if repair:
                store.rebuild(conn)
                result.repaired = True
                audit.record(session, actor, "tally.repair", "daily_tally", "", differences=len(result.differences),
                             first=[f"{d.table} {d.key}: {d.stored} -> {d.expected}" for d in result.differences[:5]])
    return result


def check_due(db, today: dt.date | None = None) -> bool:
    """True when the once-a-day background check has not run today."""
    from dxdesk import clock
    from dxdesk.settings import store as settings

    with db.session() as session:
        return settings.get(session, settings.TALLY_CHECKED_ON) != (today or clock.today()).isoformat()


def mark_checked(db, today: dt.date | None = None) -> None:
    from dxdesk import clock
    from dxdesk.settings import store as settings

    with db.write() as session:
        settings.put(session, settings.TALLY_CHECKED_ON, (today or clock.today()).isoformat())
