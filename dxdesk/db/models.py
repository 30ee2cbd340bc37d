"""The data model (SQLAlchemy 2 typed ORM). Every change to it comes with an Alembic migration."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

CHANNELS = ("counter", "outreach", "home")
OUTCOMES = ("done", "partial", "referred")
ROLES = ("volunteer", "clerk", "coordinator", "admin")
VOLUNTEER_ROLES = ("leader", "deputy", "member")
SHIFT_KINDS = ("counter", "outreach", "home")
AGE_BANDS = ("u18", "18-34", "35-59", "60+")
SEXES = ("F", "M")
SUBJECTS = ("citizen", "shop", "product")  # what an indicator counts: people, shops, or products (migration 0004)


class Base(DeclarativeBase):
    pass


class UnitProfile(Base):
    """Who this database belongs to: one row. unit_code None means a province-level roll-up database."""

    __tablename__ = "unit_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    province_name: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str | None] = mapped_column(String(5))
    unit_name: Mapped[str | None] = mapped_column(String(120))
    code_list_version: Mapped[str] = mapped_column(String(20), default="QD19-2025")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Unit(Base):
    """A commune whose records are in this database: the local one, and those rolled up from packages."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120))
    code_list_version: Mapped[str] = mapped_column(String(20), default="QD19-2025")


class Setting(Base):
    """Shared business settings (shift rule, retention, report signer…), one JSON value per key."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="cnscd")  # cnscd | youth
    hamlet: Mapped[str | None] = mapped_column(String(120))  # ấp / khóm / thôn / tổ dân phố
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str | None] = mapped_column(String(400))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Volunteer(Base):
    __tablename__ = "volunteers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    role: Mapped[str] = mapped_column(String(10), default="member")
    youth_union: Mapped[bool] = mapped_column(Boolean, default=False)
    skills: Mapped[str] = mapped_column(Text, default="")  # comma-separated service codes
    weekdays: Mapped[str] = mapped_column(String(40), default="")  # "mon,fri"; empty = every day
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pseudonym: Mapped[str] = mapped_column(String(20))  # what exports show instead of the name
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    team: Mapped[Team | None] = relationship()


class ReceptionPoint(Base):
    """The commune centre or one of its reception points (ND 118/2025)."""

    __tablename__ = "reception_points"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Shift(Base):
    __tablename__ = "shifts"
    __table_args__ = (UniqueConstraint("date", "start", "kind", "reception_point_id", "place", name="uq_shift_slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start: Mapped[dt.time] = mapped_column(Time)
    end: Mapped[dt.time] = mapped_column(Time)
    kind: Mapped[str] = mapped_column(String(10), default="counter")  # counter | outreach | home
    place: Mapped[str] = mapped_column(String(200), default="")
    reception_point_id: Mapped[int | None] = mapped_column(ForeignKey("reception_points.id"))
    min_staff: Mapped[int] = mapped_column(Integer, default=2)
    max_staff: Mapped[int] = mapped_column(Integer, default=4)
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    assignments: Mapped[list[Assignment]] = relationship(back_populates="shift")


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("shift_id", "volunteer_id", name="uq_assignment"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="assigned")  # assigned | absent | swapped
    absence_reason: Mapped[str] = mapped_column(Text, default="")
    swapped_with_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    check_in: Mapped[dt.datetime | None] = mapped_column(DateTime)
    check_out: Mapped[dt.datetime | None] = mapped_column(DateTime)
    no_show: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    shift: Mapped[Shift] = relationship(back_populates="assignments")
    volunteer: Mapped[Volunteer] = relationship(foreign_keys=[volunteer_id])


class Indicator(Base):
    __tablename__ = "indicators"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit_vi: Mapped[str] = mapped_column(String(30), default="lượt")
    unit_en: Mapped[str] = mapped_column(String(30), default="visits")
    has_target: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # citizen | shop | product (SUBJECTS): only records with a citizen service count as "người dân" served
    subject: Mapped[str] = mapped_column(String(10), default="citizen", server_default="citizen")


class Service(Base):
    __tablename__ = "services"
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    short_vi: Mapped[str] = mapped_column(String(60))
    short_en: Mapped[str] = mapped_column(String(60))
    icon: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    indicator: Mapped[Indicator] = relationship()


class ServiceRecord(Base):
    """One citizen served (count 1) or one campaign entry (count N). Never hard-deleted: voided instead."""

    __tablename__ = "service_records"
    __table_args__ = (
        Index("ix_records_unit_date", "unit_code", "work_date"),
        Index("ux_records_uuid", "uuid", unique=True),  # migration 0007
        # migration 0007: partial, only the records with a volunteer / a contact (imported records have neither)
        Index("ix_records_volunteer_date", "volunteer_id", "work_date",
              sqlite_where=text("volunteer_id IS NOT NULL"), postgresql_where=text("volunteer_id IS NOT NULL")),
        Index("ix_service_records_contact_lookup", "contact_lookup",
              sqlite_where=text("contact_lookup IS NOT NULL"), postgresql_where=text("contact_lookup IS NOT NULL")),
        Index("ix_records_occurred", "occurred_at"),  # migration 0003: the journal's date-and-time order
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36))  # unique: ux_records_uuid (an index, so an import may set it aside)
    unit_code: Mapped[str | None] = mapped_column(String(5))  # the commune the work was done for
    work_date: Mapped[dt.date] = mapped_column(Date, index=True)  # Asia/Ho_Chi_Minh date of the work
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime)  # local time the work happened
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime)  # local time it was typed in
    entered_by: Mapped[str] = mapped_column(String(60))  # username (or "cli:<login>")
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    channel: Mapped[str] = mapped_column(String(10), default="counter")
    outcome: Mapped[str] = mapped_column(String(10), default="done")
    duration_s: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=1)
    is_campaign: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str] = mapped_column(String(200), default="")
    age_band: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))
    note: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")  # folded services, volunteer, place, note
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    voided_by: Mapped[str | None] = mapped_column(String(60))
    origin: Mapped[str] = mapped_column(String(80), default="local")  # local | import:<unit>:<package>
    contact_name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_lookup: Mapped[str | None] = mapped_column(String(64))  # keyed hash for erase-on-request (indexed)
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    consent_purpose: Mapped[str | None] = mapped_column(String(200))
    consent_by: Mapped[str | None] = mapped_column(String(60))

    services: Mapped[list[RecordService]] = relationship(back_populates="record", order_by="RecordService.id")
    volunteer: Mapped[Volunteer | None] = relationship()


class RecordService(Base):
    """One service given in a record; tallies sum `count` of these rows."""

    __tablename__ = "record_services"
    __table_args__ = (Index("ix_record_services_record", "record_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("service_records.id"))
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    count: Mapped[int] = mapped_column(Integer, default=1)

    record: Mapped[ServiceRecord] = relationship(back_populates="services")


class Target(Base):
    """A target for one indicator and exactly one period (unit_code None = this database's own unit)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("indicator_code", "period_key", "unit_code", name="uq_target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    period_key: Mapped[str] = mapped_column(String(30))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    unit_code: Mapped[str | None] = mapped_column(String(5))
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(60))


class AuditEvent(Base):
    """Append-only: who did what, when."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(60), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON, never personal data


# --- added by migration 0002 -------------------------------------------------------------------


class GuideOverride(Base):
    """A coordinator's edit of a shipped QR guide; overrides the default until restored."""

    __tablename__ = "guide_overrides"
    guide_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # JSON of the edited guide
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(60))


class HolidayOverride(Base):
    """Local changes to the holiday calendar: an extra day off, or a working day that `holidays` marks off."""

    __tablename__ = "holiday_overrides"
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # off | working
    name: Mapped[str] = mapped_column(String(200))


class ReportNumber(Base):
    """Register of report numbers so 'Số: …/BC-…' never repeats within a year."""

    __tablename__ = "report_numbers"
    __table_args__ = (UniqueConstraint("year", "symbol", "number", name="uq_report_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(40))  # e.g. BC-UBND
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    period_key: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(60))


class ImportBatch(Base):
    """One package merged into this database (roll-up), with what it brought."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    package_sha256: Mapped[str] = mapped_column(String(64), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(5))
    period_key: Mapped[str] = mapped_column(String(30))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(60))
    new_records: Mapped[int] = mapped_column(Integer, default=0)
    present_records: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="{}")


class UploadItem(Base):
    """A package waiting to go up to the province endpoint; survives restarts."""

    __tablename__ = "upload_queue"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# --- added by migration 0004: the daily tallies, kept in the write's own transaction (dxdesk.counting) ---------


class _DayAndUnit:
    """What every daily tally row starts with (no NULLs in a key: '' stands for records without a unit)."""

    work_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(5), primary_key=True)


class _Splits:
    """The breakdowns' splits of a record ('' and 0 for none)."""

    channel: Mapped[str] = mapped_column(String(10), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(10), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    shift_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    age_band: Mapped[str] = mapped_column(String(10), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)


class DailyTally(_DayAndUnit, Base):
    """Services given per day, unit and service: what every tally of a period sums (a few rows a day)."""

    __tablename__ = "tally_daily"
    __table_args__ = {"sqlite_with_rowid": False}
    service_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class DailySubjectTally(_DayAndUnit, Base):
    """Records per day, unit and subject served (citizen | shop | product): `n` sums their counts."""

    __tablename__ = "tally_daily_subjects"
    __table_args__ = {"sqlite_with_rowid": False}
    subject: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
    records: Mapped[int] = mapped_column(BigInteger)


class DailyServiceTally(_DayAndUnit, _Splits, Base):
    """Services given per day and everything the breakdowns split by; `n` sums record_services.count of
    non-voided records. No NULLs in the key (a unique index treats NULLs as distinct): '' and 0 stand for none."""

    __tablename__ = "tally_daily_services"
    __table_args__ = {"sqlite_with_rowid": False}
    service_code: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class DailyVisitTally(_DayAndUnit, _Splits, Base):
    """Records per day and hour, by what they served (SUBJECTS: a record with any citizen service is a citizen
    served); `n` sums service_records.count (a campaign entry of 40 is 40), `records` counts the rows."""

    __tablename__ = "tally_daily_visits"
    __table_args__ = {"sqlite_with_rowid": False}
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
    records: Mapped[int] = mapped_column(BigInteger)


# --- added by migration 0005 -------------------------------------------------------------------


class TrustedKey(Base):
    """A public key this database trusts (dxdesk/exchange/trust.py): PURPOSE "unit" — an enrolled commune (or a
    ward's counter) whose export packages it imports, SUBJECT its unit code; PURPOSE "issuer" — the pinned key of
    the province (or ward) whose settings packages it applies, SUBJECT the issuer ("82:-", "82:28261").
    A key replaced (rotation, re-pin, re-enrolment) keeps its row with retired_at set: the history is audit."""

    __tablename__ = "trusted_keys"
    __table_args__ = (Index("ix_trusted_keys_subject", "purpose", "subject"),
                      Index("ix_trusted_keys_public_key", "public_key"))
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))  # unit | issuer
    subject: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    public_key: Mapped[str] = mapped_column(String(64))  # hex of the 32 bytes
    fingerprint: Mapped[str] = mapped_column(String(19))
    how: Mapped[str] = mapped_column(String(10))  # enrolled | pinned | rotated
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)
    added_by: Mapped[str] = mapped_column(String(60))
    last_package_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_package: Mapped[str] = mapped_column(String(200), default="")
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    retired_by: Mapped[str | None] = mapped_column(String(60))
