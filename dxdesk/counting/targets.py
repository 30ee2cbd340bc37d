"""Targets per indicator and period."""

from __future__ import annotations

from sqlalchemy import select

from dxdesk import clock
from dxdesk.db.models import Indicator, Target
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.periods import Period
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.vnformat import fmt_int

MAX_TARGET = 1_000_000_000  # the one limit of a target (CLI, the Targets tab, settings packages)


def set_target(db, actor: Actor, indicator_code: str, value: int, period: Period, unit_code: str | None = None) -> None:
    from dxdesk.settings.profile import check_unit

    require(actor, "target.manage")
    code = (indicator_code or "").strip().upper()
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TARGET:
        raise UserError(_("A target must be a whole number from 0 to {max}.").format(max=fmt_int(MAX_TARGET)))
    unit_code = check_unit(db, unit_code)
    with db.write() as session:
        if session.get(Indicator, code) is None:
            known = ", ".join(session.scalars(select(Indicator.code).order_by(Indicator.sort_order)))
            raise UserError(_("Unknown indicator '{code}'. Known indicators: {known}.").format(code=code, known=known))
        stmt = select(Target).where(Target.indicator_code == code, Target.period_key == period.key)
        stmt = stmt.where(Target.unit_code.is_(None) if unit_code is None else Target.unit_code == unit_code)
        row = session.scalar(stmt)
        before = row.value if row else None
        if row is None:
            row = Target(indicator_code=code, period_key=period.key, period_start=period.start,
                         period_end=period.end, unit_code=unit_code, value=value,
                         updated_at=clock.now(), updated_by=actor.username)
            session.add(row)
        else:
            row.value, row.updated_at, row.updated_by = value, clock.now(), actor.username
        audit.record(session, actor, "target.set", "target", f"{code}/{period.key}", before=before, after=value)
