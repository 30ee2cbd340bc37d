"""Logging citizens served: one record per citizen (or per campaign entry), several services each."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from dataclasses import dataclass, field

from sqlalchemy import select

from dxdesk import audit, clock
from dxdesk.actor import Actor
from dxdesk.catalogue import check_service_codes, list_services
from dxdesk.db.models import AGE_BANDS, CHANNELS, OUTCOMES, SEXES, RecordService, ServiceRecord, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.permissions import allowed, require
from dxdesk.text import clean_free_text, fold

MAX_CAMPAIGN_COUNT = 100_000


@dataclass
class NewRecord:
    """What the counter or the CLI hands in for one citizen (count 1) or one campaign entry (count N)."""

    services: list[str]
    occurred_at: dt.datetime | None = None  # local time; default now
    channel: str = "counter"
    outcome: str = "done"
    volunteer_id: int | None = None
    shift_id: int | None = None
    count: int = 1
    is_campaign: bool = False
    place: str = ""
    note: str = ""
    age_band: str | None = None
    sex: str | None = None
    duration_s: int | None = None
    extra: dict = field(default_factory=dict)


def _validate(db, rec: NewRecord) -> tuple[list[str], str, str]:
    codes = check_service_codes(db, rec.services)
    if rec.channel not in CHANNELS:
        raise UserError(_("Unknown channel '{v}': use counter, outreach or home.").format(v=rec.channel))
    if rec.outcome not in OUTCOMES:
        raise UserError(_("Unknown outcome '{v}': use done, partial or referred.").format(v=rec.outcome))
    if not isinstance(rec.count, int) or not 1 <= rec.count <= MAX_CAMPAIGN_COUNT:
        raise UserError(_("The count must be a whole number from 1 to {n}.").format(n=MAX_CAMPAIGN_COUNT))
    if rec.age_band is not None and rec.age_band not in AGE_BANDS:
        raise UserError(_("Unknown age band '{v}'.").format(v=rec.age_band))
    if rec.sex is not None and rec.sex not in SEXES:
        raise UserError(_("Unknown sex '{v}'.").format(v=rec.sex))
    note = clean_free_text(rec.note)
    place = clean_free_text(rec.place, max_length=200)
    return codes, note, place


def search_text_for(db, codes: list[str], volunteer_name: str, place: str, note: str) -> str:
    names = {s.code: f"{s.name} {s.short}" for s in list_services(db, include_inactive=True)}
    return fold(" ".join([*(names.get(c, c) for c in codes), volunteer_name, place, note]))


def log_record(db, actor: Actor, rec: NewRecord, unit_code: str | None = None) -> str:
    """Validate and commit one record with all its services in one transaction; returns its UUID.

    The UUID is returned only after the commit, so whatever acknowledges it (screen, CLI) never
    shows a record that could still be lost."""
    require(actor, "record.log")
    codes, note, place = _validate(db, rec)
    when = rec.occurred_at or clock.now()
    if when.date() > clock.today() + dt.timedelta(days=1):
        raise UserError(_("The date {d} is in the future.").format(d=when.date().strftime("%d/%m/%Y")))
    if rec.count > 1 and not rec.is_campaign:
        rec.is_campaign = True
    if unit_code is None:
        from dxdesk.profile import get_profile

        profile = get_profile(db)
        unit_code = profile.unit_code if profile else None
    record_uuid = str(uuidlib.uuid4())
    with db.write() as session:
        volunteer_name = ""
        if rec.volunteer_id is not None:
            volunteer = session.get(Volunteer, rec.volunteer_id)
            if volunteer is None:
                raise UserError(_("Unknown volunteer id {id}.").format(id=rec.volunteer_id))
            volunteer_name = volunteer.name
        row = ServiceRecord(
            uuid=record_uuid, unit_code=unit_code, work_date=when.date(), occurred_at=when,
            entered_at=clock.now(), entered_by=actor.username, volunteer_id=rec.volunteer_id,
            shift_id=rec.shift_id, channel=rec.channel, outcome=rec.outcome, duration_s=rec.duration_s,
            count=rec.count, is_campaign=rec.is_campaign, place=place, age_band=rec.age_band, sex=rec.sex,
            note=note, search_text=search_text_for(db, codes, volunteer_name, place, note), voided=False,
            void_reason="", origin="local",
        )
        row.services = [RecordService(service_code=code, count=rec.count) for code in codes]
        session.add(row)
    return record_uuid


def void_record(db, actor: Actor, record_uuid: str, reason: str) -> None:
    """Void a record (it stops counting; nothing is deleted). Volunteers only their own entries of today."""
    reason = clean_free_text(reason, max_length=300)
    if not reason:
        raise UserError(_("Give a reason for voiding the entry."))
    with db.write() as session:
        row = session.scalar(select(ServiceRecord).where(ServiceRecord.uuid == record_uuid))
        if row is None:
            raise UserError(_("No entry with id {id}.").format(id=record_uuid))
        check_may_edit(actor, row)
        if row.voided:
            raise UserError(_("This entry is already voided."))
        row.voided = True
        row.void_reason = reason
        row.voided_at = clock.now()
        row.voided_by = actor.username
        audit.record(session, actor, "record.void", "service_record", record_uuid, reason=reason)


def check_may_edit(actor: Actor, row: ServiceRecord) -> None:
    """Coordinators and admins may edit any entry; others only entries they made today."""
    if allowed(actor, "record.edit_any"):
        return
    require(actor, "record.edit_own_today")
    if row.entered_by != actor.username or row.entered_at.date() != clock.today():
        raise UserError(_("You may only correct or void entries you made today."))
