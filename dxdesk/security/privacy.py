"""Personal-data protection (Law 91/2025/QH15, Decree 356/2025): retention purge of citizens' contact
fields, erase on request, and what the consent slip says. Records and counts always stay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update

from dxdesk import clock
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit, fieldcrypt
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import store as settings
from dxdesk.text import nfc

DEFAULT_RETENTION_DAYS = settings.RETENTION_DAYS.default  # days after the end of the reporting quarter
MAX_RETENTION_DAYS = 3650
SYSTEM_ACTOR = Actor(username="system:retention", role="admin", display_name="dxdesk")

_CLEARED = dict(contact_name_enc=None, contact_phone_enc=None, contact_lookup=None, consent_at=None,
                consent_purpose=None, consent_by=None)
_HAS_CONTACT = or_(ServiceRecord.contact_name_enc.is_not(None), ServiceRecord.contact_phone_enc.is_not(None),
                   ServiceRecord.contact_lookup.is_not(None), ServiceRecord.consent_at.is_not(None))


def retention_days(db) -> int:
    with db.session() as session:
        value = settings.get(session, settings.RETENTION_DAYS)
    return int(value)


def set_retention_days(db, actor: Actor, days: int) -> None:
    require(actor, "settings.manage")
    if not isinstance(days, int) or days < 0 or days > MAX_RETENTION_DAYS:
        raise UserError(_("The retention period must be between 0 and {max} days.").format(max=MAX_RETENTION_DAYS))
    with db.write() as session:
        old = settings.get(session, settings.RETENTION_DAYS)
        settings.put(session, settings.RETENTION_DAYS, days)
        audit.record(session, actor, "settings.change", "setting", settings.RETENTION_DAYS.key, old=old, new=days)


def quarter_end(day: dt.date) -> dt.date:
    month = (day.month - 1) // 3 * 3 + 3
    first_next = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def purge_date(work_date: dt.date, days: int) -> dt.date:
    """The first day a record's contact fields are no longer kept: end of its quarter + DAYS, plus one."""
    return quarter_end(work_date) + dt.timedelta(days=days + 1)


def cutoff(today: dt.date, days: int) -> dt.date | None:
    """Records worked on or before the returned date are past retention on TODAY (None: none yet)."""
    end = quarter_end(dt.date(today.year - 100, 1, 1))
    best = None
    # the latest quarter end E with E + days < today
    probe = quarter_end(today)
    while probe >= end:
        if probe + dt.timedelta(days=days) < today:
            best = probe
            break
        probe = quarter_end(dt.date(probe.year, probe.month, 1) - dt.timedelta(days=80))
    return best


def count_with_contact(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ServiceRecord).where(_HAS_CONTACT))


def purge_expired(db, actor: Actor, today: dt.date | None = None) -> int:
    """Clear the contact fields of every record past its retention; returns how many. Audited."""
    require(actor, "personal.purge")
    today = today or clock.today()
    days = retention_days(db)
    limit = cutoff(today, days)
    if limit is None:
        return 0
    with db.write() as session:
        result = session.execute(
            update(ServiceRecord).where(ServiceRecord.work_date <= limit, _HAS_CONTACT).values(**_CLEARED)
        )
        purged = result.rowcount or 0
        settings.put(session, settings.LAST_AUTO_PURGE, today.isoformat())
        if purged:
            audit.record(session, actor, "personal.purge", "service_record", "", records=purged,
                         worked_until=limit.isoformat(), retention_days=days)
    return purged


def auto_purge(db) -> int:
    """The automatic retention purge (at most once a day), done by the system and audited as such."""
    with db.session() as session:
        last = settings.get(session, settings.LAST_AUTO_PURGE)
    if last == clock.today().isoformat():
        return 0
    return purge_expired(db, SYSTEM_ACTOR)


@dataclass(frozen=True)
class Found:
    uuid: str
    work_date: dt.date
    consent_at: dt.datetime | None


def _lookups(db, name_or_phone: str) -> list[str]:
    text = nfc(name_or_phone or "").strip()
    if not text:
        raise UserError(_("Write the citizen's name or phone number."))
    hashes = {fieldcrypt.lookup_hash(db, text)}
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits.startswith("84") and len(digits) in (11, 12):  # +84 912 … is the same phone as 0912 …
        hashes.add(fieldcrypt.lookup_hash(db, "0" + digits[2:]))
    return sorted(hashes)


def find_contact(db, actor: Actor, name_or_phone: str) -> list[Found]:
    """Records whose consented contact matches a phone (or, when no phone was kept, a name)."""
    require(actor, "personal.purge")
    if fieldcrypt.get_key(db) is None:
        return []
    hashes = _lookups(db, name_or_phone)
    with db.session() as session:
        rows = session.execute(
            select(ServiceRecord.uuid, ServiceRecord.work_date, ServiceRecord.consent_at)
            .where(ServiceRecord.contact_lookup.in_(hashes)).order_by(ServiceRecord.work_date)
        ).all()
    return [Found(*row) for row in rows]


def erase_on_request(db, actor: Actor, name_or_phone: str) -> int:
    """Erase the contact fields of every record of this citizen; returns how many. Audited without the name."""
    require(actor, "personal.purge")
    if fieldcrypt.get_key(db) is None:
        return 0
    hashes = _lookups(db, name_or_phone)
    with db.write() as session:
        result = session.execute(
            update(ServiceRecord).where(ServiceRecord.contact_lookup.in_(hashes)).values(**_CLEARED)
        )
        erased = result.rowcount or 0
        audit.record(session, actor, "personal.erase", "service_record", "", records=erased)
    return erased


# --- the consent slip -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentSlip:
    unit_name: str
    purpose: str
    retention_days: int
    kept_until_example: dt.date


def consent_slip(db, today: dt.date | None = None) -> ConsentSlip:
    from dxdesk.counter.contact import CALLBACK_PURPOSE_VI
    from dxdesk.settings.profile import get_profile

    today = today or clock.today()
    profile = get_profile(db)
    unit = (profile.unit_name or profile.province_name) if profile else ""
    days = retention_days(db)
    return ConsentSlip(unit or "", CALLBACK_PURPOSE_VI, days, purge_date(today, days) - dt.timedelta(days=1))
