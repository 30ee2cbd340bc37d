"""Logging citizens served: one record per citizen (or per campaign entry), several services each."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from dxdesk import clock
from dxdesk.counter.contact import ContactInput, contact_columns
from dxdesk.counting import store as counting_store
from dxdesk.counting.catalogue import check_service_codes, list_services
from dxdesk.db.models import (
    AGE_BANDS,
    CHANNELS,
    OUTCOMES,
    SEXES,
    RecordService,
    Service,
    ServiceRecord,
    UnitProfile,
    Volunteer,
)
from dxdesk.db.prepared import Prepared
from dxdesk.errors import UserError
from dxdesk.i18n import _, language
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import allowed, require
from dxdesk.text import clean_free_text, fold

MAX_CAMPAIGN_COUNT = 100_000
# Prepared once: Core statements compiled once per dialect and run on the connection's cursor (no ORM unit of
# work, no per-execution SQLAlchemy set-up: this runs once per citizen, with a queue waiting).
def _insert_all(table):
    """INSERT of every column but the id (the database gives it), each a parameter the caller must give."""
    return insert(table).values({c.name: bindparam(c.name) for c in table.columns if c.name != "id"})


_INSERT_RECORD = Prepared(_insert_all(ServiceRecord.__table__).returning(ServiceRecord.id))
_INSERT_SERVICE = Prepared(_insert_all(RecordService.__table__))
_SERVICE_NAMES = {
    en: Prepared(select(Service.code, Service.name_en if en else Service.name_vi,
                        Service.short_en if en else Service.short_vi).where(Service.active.is_(True)))
    for en in (False, True)
}
_VOLUNTEER_NAME = Prepared(select(Volunteer.name).where(Volunteer.id == bindparam("id")))
_UNIT_CODE = Prepared(select(UnitProfile.unit_code).order_by(UnitProfile.id).limit(1))
_RECORD_ID = Prepared(select(ServiceRecord.id).where(ServiceRecord.uuid == bindparam("uuid")))
_NO_CONTACT = dict(contact_name_enc=None, contact_phone_enc=None, contact_lookup=None, consent_at=None,
                   consent_purpose=None, consent_by=None)


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
    contact: ContactInput | None = None  # optional consented call-back contact (encrypted at rest)


def _services_checked(session, db, given: list[str]) -> tuple[list[str], dict[str, str]]:
    """The codes (cleaned, no repeats) and their search names, in one small query inside SESSION (the active
    services: a catalogue of a few dozen rows); a bad code gets the catalogue's own message."""
    codes = list(dict.fromkeys(str(c).strip().lower() for c in given))
    names = {}
    if codes:
        names = {code: f"{name} {short}"
                 for code, name, short in _SERVICE_NAMES[language() == "en"].all(session.connection())}
    if not codes or any(code not in names for code in codes):
        codes = check_service_codes(db, given)  # raises the message naming the unknown code
    return codes, names


def _validate(db, rec: NewRecord) -> tuple[str, str]:
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
    return note, place


def search_text_for(db, codes: list[str], volunteer_name: str, place: str, note: str) -> str:
    names = {s.code: f"{s.name} {s.short}" for s in list_services(db, include_inactive=True)}
    return fold(" ".join([*(names.get(c, c) for c in codes), volunteer_name, place, note]))


def check_record(rec: NewRecord) -> None:
    """Check what can be checked without the database (channel, outcome, count, age band, sex, free text):
    raises the same UserError as `log_record` would. Used to refuse bad input before keeping it offline."""
    _validate(None, rec)
    _check_date(rec.occurred_at or clock.now())


def _check_date(when: dt.datetime) -> None:
    clock.check_work_date(when.date())


def log_record(db, actor: Actor, rec: NewRecord, unit_code: str | None = None) -> str:
    """Validate and commit one record with all its services in one transaction; returns its UUID.

    The UUID is returned only after the commit, so whatever acknowledges it (screen, CLI) never
    shows a record that could still be lost."""
    require(actor, "record.log")
    record_uuid = str(uuidlib.uuid4())
    _write(db, actor, rec, record_uuid, None, unit_code, only_if_new=False)
    return record_uuid


def log_record_with_uuid(db, actor: Actor, rec: NewRecord, record_uuid: str,
                         entered_at: dt.datetime | None = None) -> bool:
    """Commit REC under a UUID chosen beforehand (an entry kept offline and sent later), once.

    Same checks and the same row as `log_record` (entered by ACTOR, at ENTERED_AT: when it was first kept).
    Idempotent by UUID: returns False, writing nothing, when a record with that UUID is already stored —
    sent before, or by another PC meanwhile — and True when this call stored it."""
    require(actor, "record.log")
    try:
        return _write(db, actor, rec, record_uuid, entered_at, None, only_if_new=True)
    except IntegrityError:
        # the same UUID committed meanwhile by another sender: already there, nothing to add
        if record_exists(db, record_uuid):
            return False
        raise


def record_exists(db, record_uuid: str) -> bool:
    with db.session() as session:
        return session.scalar(select(ServiceRecord.id).where(ServiceRecord.uuid == record_uuid)) is not None


def _write(db, actor: Actor, rec: NewRecord, record_uuid: str, entered_at: dt.datetime | None,
           unit_code: str | None, only_if_new: bool) -> bool:
    note, place = _validate(db, rec)
    when = rec.occurred_at or clock.now()
    _check_date(when)
    if rec.count > 1 and not rec.is_campaign:
        rec.is_campaign = True
    # Encrypt before the write transaction: the key may be created (its own short write) on first use.
    contact = contact_columns(db, actor, rec.contact) if rec.contact is not None else {}
    # Core inserts (no ORM unit of work): this runs once per citizen, with a queue waiting.
    with db.write() as session:
        conn = session.connection()
        if only_if_new and _RECORD_ID.scalar(conn, {"uuid": record_uuid}) is not None:
            return False
        codes, names = _services_checked(session, db, rec.services)
        volunteer_name = ""
        if rec.volunteer_id is not None:
            volunteer_name = _VOLUNTEER_NAME.scalar(conn, {"id": rec.volunteer_id})
            if volunteer_name is None:
                raise UserError(_("Unknown volunteer id {id}.").format(id=rec.volunteer_id))
        if unit_code is None:
            unit_code = _UNIT_CODE.scalar(conn)
        search = fold(" ".join([*(names.get(c, c) for c in codes), volunteer_name, place, note]))
        record_id = _INSERT_RECORD.scalar(conn, dict(
            uuid=record_uuid, unit_code=unit_code, work_date=when.date(), occurred_at=when,
            entered_at=entered_at or clock.now(), entered_by=actor.username, volunteer_id=rec.volunteer_id,
            shift_id=rec.shift_id, channel=rec.channel, outcome=rec.outcome, duration_s=rec.duration_s,
            count=rec.count, is_campaign=rec.is_campaign, place=place, age_band=rec.age_band, sex=rec.sex,
            note=note, search_text=search, voided=False, void_reason="", voided_at=None, voided_by=None,
            origin="local", **{**_NO_CONTACT, **contact},
        ))
        _INSERT_SERVICE.executemany(conn, [
            {"record_id": record_id, "service_code": code, "count": rec.count} for code in codes
        ])
        counting_store.add_record(conn, record_id)
        if contact:
            audit.record(session, actor, "contact.record", "service_record", record_uuid,
                         purpose=contact["consent_purpose"])
    return True


def void_record(db, actor: Actor, record_uuid: str, reason: str) -> None:
    """Void a record (it stops counting; nothing is deleted). Volunteers only their own entries of today."""
    require(actor, "record.edit_own_today")  # the least any edit needs; which entry: check_may_edit
    reason = clean_free_text(reason, max_length=300)
    if not reason:
        raise UserError(_("Give a reason for voiding the entry."))
    with db.write() as session:
        row = _editable(session, actor, record_uuid, _("This entry is already voided."))
        counting_store.add_record(session.connection(), row.id, -1)
        row.voided = True
        row.void_reason = reason
        row.voided_at = clock.now()
        row.voided_by = actor.username
        audit.record(session, actor, "record.void", "service_record", record_uuid, reason=reason)


def _editable(session, actor: Actor, record_uuid: str, if_voided: str) -> ServiceRecord:
    """The entry RECORD_UUID, if ACTOR may edit it and it is not voided (IF_VOIDED says why not, for this edit)."""
    row = session.scalar(select(ServiceRecord).where(ServiceRecord.uuid == record_uuid))
    if row is None:
        raise UserError(_("No entry with id {id}.").format(id=record_uuid))
    check_may_edit(actor, row)
    if row.voided:
        raise UserError(if_voided)
    return row


def check_may_edit(actor: Actor, row: ServiceRecord) -> None:
    """Coordinators and admins may edit any entry; others only entries they made today."""
    if allowed(actor, "record.edit_any"):
        return
    require(actor, "record.edit_own_today")
    if row.entered_by != actor.username or row.entered_at.date() != clock.today():
        raise UserError(_("You may only correct or void entries you made today."))


UNDO_REASON = "Hoàn tác"  # stored as written at the counter (the reason shown in the audit log)
UNDO_WINDOW = dt.timedelta(minutes=5)


def undo_record(db, actor: Actor, record_uuid: str) -> None:
    """Ctrl+Z at the counter: void the entry with the reason 'Hoàn tác' if it was made under 5 minutes ago."""
    require(actor, "record.edit_own_today")
    with db.session() as session:
        row = session.scalar(select(ServiceRecord).where(ServiceRecord.uuid == record_uuid))
        entered_at = row.entered_at if row is not None else None
    if entered_at is None:
        raise UserError(_("No entry with id {id}.").format(id=record_uuid))
    if clock.now() - entered_at > UNDO_WINDOW:
        raise UserError(_("Undo works only within 5 minutes of saving. Void the entry in today's list instead."))
    void_record(db, actor, record_uuid, UNDO_REASON)


@dataclass(frozen=True)
class Correction:
    """What a correction changes; None leaves a field as it is."""

    services: list[str] | None = None
    outcome: str | None = None
    age_band: str | None = None  # "" clears it
    sex: str | None = None  # "" clears it
    note: str | None = None
    volunteer_id: int | None = None


def correct_record(db, actor: Actor, record_uuid: str, change: Correction) -> None:
    """Correct an entry in place (same id, same time); the audit log keeps what it was before."""
    require(actor, "record.edit_own_today")
    if change.outcome is not None and change.outcome not in OUTCOMES:
        raise UserError(_("Unknown outcome '{v}': use done, partial or referred.").format(v=change.outcome))
    if change.age_band not in (None, "") and change.age_band not in AGE_BANDS:
        raise UserError(_("Unknown age band '{v}'.").format(v=change.age_band))
    if change.sex not in (None, "") and change.sex not in SEXES:
        raise UserError(_("Unknown sex '{v}'.").format(v=change.sex))
    codes = check_service_codes(db, change.services) if change.services is not None else None
    note = clean_free_text(change.note) if change.note is not None else None
    with db.write() as session:
        row = _editable(session, actor, record_uuid, _("This entry is voided and can no longer be corrected."))
        before: dict = {}
        after: dict = {}
        # what the record counted before the correction comes off the daily tallies; it goes back on after
        counting_store.add_record(session.connection(), row.id, -1)

        def change_field(name: str, value) -> None:
            if getattr(row, name) != value:
                before[name], after[name] = getattr(row, name), value
                setattr(row, name, value)

        if codes is not None:
            old = [s.service_code for s in row.services]
            if old != codes:
                before["services"], after["services"] = old, codes
                for item in list(row.services):
                    session.delete(item)
                row.services = [RecordService(service_code=code, count=row.count) for code in codes]
        if change.outcome is not None:
            change_field("outcome", change.outcome)
        if change.age_band is not None:
            change_field("age_band", change.age_band or None)
        if change.sex is not None:
            change_field("sex", change.sex or None)
        if note is not None:
            change_field("note", note)
        if change.volunteer_id is not None:
            if session.get(Volunteer, change.volunteer_id) is None:
                raise UserError(_("Unknown volunteer id {id}.").format(id=change.volunteer_id))
            change_field("volunteer_id", change.volunteer_id)
        if not after:
            counting_store.add_record(session.connection(), row.id)  # nothing changed: back as it was
            return
        session.flush()  # the corrected record as it now counts
        counting_store.add_record(session.connection(), row.id)
        volunteer = session.get(Volunteer, row.volunteer_id) if row.volunteer_id else None
        row.search_text = search_text_for(db, [s.service_code for s in row.services],
                                          volunteer.name if volunteer else "", row.place, row.note)
        if "note" in after:  # free text: the audit log says it changed, not what it says
            before["note"], after["note"] = "…", "…"
        audit.record(session, actor, "record.correct", "service_record", record_uuid, before=before, after=after)


# --- the today panel -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TodayEntry:
    uuid: str
    occurred_at: dt.datetime
    entered_at: dt.datetime
    entered_by: str
    services: list[str]  # codes
    service_names: str  # short names, joined
    volunteer_id: int | None
    volunteer: str
    count: int
    outcome: str
    age_band: str | None
    sex: str | None
    note: str
    voided: bool
    is_campaign: bool


def today_entries(db, actor: Actor, day: dt.date | None = None, limit: int = 200) -> list[TodayEntry]:
    """Entries whose work date is DAY (default today) that ACTOR may see (a volunteer: their own, like the
    journal), newest first, voided ones included (marked)."""
    from dxdesk.counter.journal import visible_to

    mine = visible_to(actor)
    day = day or clock.today()
    short = {s.code: s.short for s in list_services(db, include_inactive=True)}
    with db.session() as session:
        rows = session.scalars(
            select(ServiceRecord).where(ServiceRecord.work_date == day, *mine)
            .options(selectinload(ServiceRecord.services), selectinload(ServiceRecord.volunteer))
            .order_by(ServiceRecord.occurred_at.desc(), ServiceRecord.id.desc()).limit(limit)
        ).all()
        out = []
        for r in rows:
            codes = [s.service_code for s in r.services]
            out.append(TodayEntry(
                r.uuid, r.occurred_at, r.entered_at, r.entered_by, codes, ", ".join(short.get(c, c) for c in codes),
                r.volunteer_id, r.volunteer.name if r.volunteer else "", r.count, r.outcome, r.age_band, r.sex,
                r.note, r.voided, r.is_campaign,
            ))
    return out
