"""Shift planning (Lịch trực): the weekly rule, planning a period (idempotent, holiday-aware), reception
points, ad-hoc outreach shifts, manual assignment with conflict detection, fair deterministic
auto-assignment, swaps and absences."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from dxdesk import clock
from dxdesk.db.models import Assignment, ReceptionPoint, Shift, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.security import audit, permissions
from dxdesk.security.actor import Actor
from dxdesk.settings import store as settings
from dxdesk.shifts import calendar_vn
from dxdesk.text import clean_free_text
from dxdesk.vnformat import fmt_date, weekday_name
from dxdesk.volunteers.members import WEEKDAY_CODES, _clean_skills, available_on, parse_weekdays

DEFAULT_RULE = settings.SHIFT_RULE.default
KINDS = ("counter", "outreach", "home")
KIND_LABELS = {"counter": N_("Counter shift"), "outreach": N_("Outreach shift"), "home": N_("Home-visit shift")}


# --- the rule ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShiftRule:
    weekdays: str
    sessions: tuple[tuple[dt.time, dt.time], ...]
    min_staff: int
    max_staff: int


def _time(text: str) -> dt.time:
    try:
        h, m = text.strip().split(":")
        return dt.time(int(h), int(m))
    except (ValueError, AttributeError) as exc:
        raise UserError(_("'{value}' is not a time (HH:MM).").format(value=text)) from exc


def _validate_rule(data: dict) -> ShiftRule:
    weekdays = parse_weekdays(data.get("weekdays", "mon,fri"))
    if not weekdays:
        raise UserError(_("Choose at least one weekday for the counter shifts."))
    sessions = []
    for start, end in data.get("sessions", []):
        s, e = _time(start), _time(end)
        if e <= s:
            raise UserError(_("A session must end after it starts ({start}–{end}).").format(start=start, end=end))
        sessions.append((s, e))
    if not sessions:
        raise UserError(_("The rule needs at least one session."))
    sessions.sort()
    for (_s1, e1), (s2, _e2) in zip(sessions, sessions[1:], strict=False):
        if s2 < e1:
            raise UserError(_("Sessions of the rule overlap."))
    lo, hi = int(data.get("min", 2)), int(data.get("max", 4))
    if lo < 1 or hi < lo or hi > 20:
        raise UserError(_("Volunteers per shift: the minimum must be at least 1 and not above the maximum."))
    return ShiftRule(weekdays, tuple(sessions), lo, hi)


def get_rule(db) -> ShiftRule:
    with db.session() as session:
        data = settings.get(session, settings.SHIFT_RULE)
    return _validate_rule({**DEFAULT_RULE, **data})


def set_rule(db, actor: Actor, weekdays: str, sessions: list[tuple[str, str]], min_staff: int, max_staff: int) -> None:
    permissions.require(actor, "shift.manage")
    rule = _validate_rule({"weekdays": weekdays, "sessions": [list(s) for s in sessions], "min": min_staff,
                           "max": max_staff})
    data = {"weekdays": rule.weekdays, "sessions": [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in rule.sessions],
            "min": rule.min_staff, "max": rule.max_staff}
    with db.write() as session:
        settings.put(session, settings.SHIFT_RULE, data)
        audit.record(session, actor, "shift.rule", "settings", settings.SHIFT_RULE.key, **data)


# --- reception points -------------------------------------------------------------------------------

def list_reception_points(db, include_inactive: bool = False) -> list[ReceptionPoint]:
    with db.session() as session:
        q = select(ReceptionPoint).order_by(ReceptionPoint.id)
        if not include_inactive:
            q = q.where(ReceptionPoint.active.is_(True))
        return list(session.scalars(q))


def add_reception_point(db, actor: Actor, name: str, address: str = "") -> int:
    permissions.require(actor, "shift.manage")
    name = " ".join(clean_free_text(name, max_length=200).split())
    if not name:
        raise UserError(_("The reception point needs a name."))
    with db.write() as session:
        if session.scalar(select(ReceptionPoint.id).where(ReceptionPoint.name == name)):
            raise UserError(_("A reception point named '{name}' already exists.").format(name=name))
        rp = ReceptionPoint(name=name, address=clean_free_text(address, 200) or None, active=True)
        session.add(rp)
        session.flush()
        audit.record(session, actor, "reception_point.add", "reception_point", rp.id, name=name)
        return rp.id


# --- skills a counter shift needs ----------------------------------------------------------------------
# Stored in the settings table (no schema change): {"": [...]} for shifts without a reception point (the
# commune's one-stop counter) and {"<point id>": [...]} per point. Without a setting, a counter shift needs
# someone who can do VNeID, as before.
DEFAULT_SKILLS = ("vneid",)


def _skills_setting(session) -> dict[str, list[str]]:
    return settings.get(session, settings.SHIFT_SKILLS) or {}


def required_skills(db, reception_point_id: int | None = None) -> tuple[str, ...]:
    """The service codes someone on a counter shift of this reception point (None: no point) must be able to do."""
    with db.session() as session:
        return _required(_skills_setting(session), reception_point_id)


def _required(setting: dict[str, list[str]], reception_point_id: int | None) -> tuple[str, ...]:
    key = "" if reception_point_id is None else str(reception_point_id)
    if key in setting:
        return tuple(setting[key])
    return tuple(setting.get("", DEFAULT_SKILLS))


def describe_skills(db, codes) -> str:
    """Skill codes as people read them: the services' short names ("VNeID, e-Đồng Tháp")."""
    from dxdesk.counting.catalogue import list_services

    short = {svc.code: svc.short for svc in list_services(db, include_inactive=True)}
    return ", ".join(short.get(code, code) for code in codes)


def set_required_skills(db, actor: Actor, reception_point_id: int | None, skills) -> tuple[str, ...]:
    """Say which skills a counter shift of this reception point needs (service codes; empty: none)."""
    permissions.require(actor, "shift.manage")
    with db.write() as session:
        # the one check of skill codes (a volunteer's skills go through it too)
        cleaned = _clean_skills(session, list(skills) if not isinstance(skills, str) else skills)
        codes = tuple(c for c in cleaned.split(",") if c)
        if reception_point_id is not None and session.get(ReceptionPoint, reception_point_id) is None:
            raise UserError(_("Unknown reception point id {id}.").format(id=reception_point_id))
        data = dict(_skills_setting(session))
        data["" if reception_point_id is None else str(reception_point_id)] = list(codes)
        settings.put(session, settings.SHIFT_SKILLS, data)
        audit.record(session, actor, "shift.skills", "settings", settings.SHIFT_SKILLS.key,
                     reception_point_id=reception_point_id, skills=list(codes))
    return codes


# --- planning ---------------------------------------------------------------------------------------

@dataclass
class PlanResult:
    created: int = 0
    existing: int = 0
    skipped: list[tuple[dt.date, str]] = field(default_factory=list)  # rule weekday that is a day off
    suggestions: list[tuple[dt.date, str]] = field(default_factory=list)  # weekend working days, not planned
    on_days_off: list[tuple[int, dt.date, str, int]] = field(default_factory=list)  # (shift, date, why, staffed)


def _same_slot(session, day, start, kind, rp_id, place) -> Shift | None:
    q = select(Shift).where(Shift.date == day, Shift.start == start, Shift.kind == kind, Shift.place == place)
    q = q.where(Shift.reception_point_id.is_(None) if rp_id is None else Shift.reception_point_id == rp_id)
    return session.scalars(q).first()


def plan(db, actor: Actor, start: dt.date, end: dt.date, weekdays: str | None = None) -> PlanResult:
    """Create the counter shifts of START..END from the rule (one set per active reception point, or one
    set without a point when there is none), skipping days off. Running it again creates nothing new;
    existing shifts and assignments are never touched."""
    permissions.require(actor, "shift.manage")
    if end < start:
        raise UserError(_("The start date is after the end date."))
    if (end - start).days > 366 * 2:
        raise UserError(_("Plan at most two years at a time."))
    rule = get_rule(db)
    codes = parse_weekdays(weekdays) if weekdays is not None else rule.weekdays
    if not codes:
        codes = ",".join(WEEKDAY_CODES)
    off = calendar_vn.days_off(db, start, end)
    working = calendar_vn.weekend_working_days(db, start, end)
    points = [rp.id for rp in list_reception_points(db)] or [None]
    result = PlanResult()
    with db.write() as session:
        day = start
        while day <= end:
            if WEEKDAY_CODES[day.weekday()] in codes.split(","):
                if day in off:
                    result.skipped.append((day, off[day]))
                else:
                    for n, rp_id in enumerate(points):
                        for s, e in rule.sessions:
                            if _same_slot(session, day, s, "counter", rp_id, "") is not None or (
                                    n == 0 and rp_id is not None
                                    and _same_slot(session, day, s, "counter", None, "") is not None):
                                # (a shift planned before any reception point existed stands for the first one)
                                result.existing += 1
                                continue
                            session.add(Shift(date=day, start=s, end=e, kind="counter", place="",
                                              reception_point_id=rp_id, min_staff=rule.min_staff,
                                              max_staff=rule.max_staff, note="", cancelled=False))
                            result.created += 1
            elif day in working:
                result.suggestions.append((day, working[day]))
            day += dt.timedelta(days=1)
        session.flush()
        # shifts planned earlier on what is now a day off: reported, never dropped silently
        if off:
            for sh in session.scalars(select(Shift).where(Shift.date.in_(list(off)), Shift.cancelled.is_(False))):
                staffed = sum(1 for a in session.scalars(select(Assignment).where(Assignment.shift_id == sh.id))
                              if a.status == "assigned")
                result.on_days_off.append((sh.id, sh.date, off[sh.date], staffed))
        audit.record(session, actor, "shift.plan", "shift", "", start=start.isoformat(), end=end.isoformat(),
                     weekdays=codes, created=result.created, skipped=len(result.skipped))
    return result


def add_shift(db, actor: Actor, day: dt.date, start: str | dt.time, end: str | dt.time, kind: str = "outreach",
              place: str = "", min_staff: int = 2, max_staff: int = 4, reception_point_id: int | None = None,
              note: str = "") -> int:
    """An ad-hoc shift (weekend market, home visits…) or an extra counter shift."""
    permissions.require(actor, "shift.manage")
    s = start if isinstance(start, dt.time) else _time(start)
    e = end if isinstance(end, dt.time) else _time(end)
    if kind not in KINDS:
        raise UserError(_("Unknown shift kind '{kind}'.").format(kind=kind))
    if e <= s:
        raise UserError(_("A shift must end after it starts."))
    place = clean_free_text(place, 200)
    if kind != "counter" and not place:
        raise UserError(_("An outreach or home-visit shift needs a place."))
    if min_staff < 1 or max_staff < min_staff:
        raise UserError(_("Volunteers per shift: the minimum must be at least 1 and not above the maximum."))
    with db.write() as session:
        if reception_point_id is not None and session.get(ReceptionPoint, reception_point_id) is None:
            raise UserError(_("Unknown reception point id {id}.").format(id=reception_point_id))
        if _same_slot(session, day, s, kind, reception_point_id, place) is not None:
            raise UserError(_("That shift already exists."))
        sh = Shift(date=day, start=s, end=e, kind=kind, place=place, reception_point_id=reception_point_id,
                   min_staff=min_staff, max_staff=max_staff, note=clean_free_text(note), cancelled=False)
        session.add(sh)
        session.flush()
        audit.record(session, actor, "shift.add", "shift", sh.id, date=day.isoformat(), kind=kind)
        return sh.id


def cancel_shift(db, actor: Actor, shift_id: int, reason: str) -> int:
    """Cancel a shift (kept, with its assignments, for the record). Returns how many were assigned."""
    permissions.require(actor, "shift.manage")
    reason = clean_free_text(reason)
    if not reason:
        raise UserError(_("Give a reason for cancelling the shift."))
    with db.write() as session:
        sh = _shift(session, shift_id)
        sh.cancelled = True
        sh.note = reason
        staffed = len(_active_assignments(session, shift_id))
        audit.record(session, actor, "shift.cancel", "shift", shift_id, assigned=staffed)
        return staffed


# --- conflicts and manual assignment ----------------------------------------------------------------

CONFLICT_MESSAGES = {
    "inactive": N_("{name} is inactive."),
    "weekday": N_("{name} is not available on {weekday}s."),
    "double": N_("{name} is already on another shift at that time ({other})."),
    "full": N_("The shift already has its maximum of {max} volunteers."),
    "already": N_("{name} is already on this shift."),
    "cancelled": N_("This shift was cancelled."),
}
OVERRIDABLE = {"weekday", "full"}  # a coordinator may force these (the volunteer agreed, an extra pair of hands)


@dataclass(frozen=True)
class Conflict:
    kind: str
    message: str


def _shift(session, shift_id: int) -> Shift:
    sh = session.get(Shift, shift_id)
    if sh is None:
        raise UserError(_("Unknown shift id {id}.").format(id=shift_id))
    return sh


def _volunteer(session, volunteer_id: int) -> Volunteer:
    v = session.get(Volunteer, volunteer_id)
    if v is None:
        raise UserError(_("Unknown volunteer id {id}.").format(id=volunteer_id))
    return v


def _active_assignments(session, shift_id: int) -> list[Assignment]:
    return [a for a in session.scalars(select(Assignment).where(Assignment.shift_id == shift_id))
            if a.status == "assigned"]


def _overlap(a: Shift, b: Shift) -> bool:
    return a.date == b.date and a.start < b.end and b.start < a.end


def conflicts_for(session, sh: Shift, v: Volunteer, replacing: bool = False) -> list[Conflict]:
    """Why V should not be put on SH (empty list: fine)."""
    out: list[Conflict] = []
    if sh.cancelled:
        out.append(Conflict("cancelled", _(CONFLICT_MESSAGES["cancelled"])))
    if not v.active:
        out.append(Conflict("inactive", _(CONFLICT_MESSAGES["inactive"]).format(name=v.name)))
    if not available_on(v.weekdays or "", sh.date):
        out.append(Conflict("weekday", _(CONFLICT_MESSAGES["weekday"]).format(name=v.name,
                                                                              weekday=weekday_name(sh.date))))
    same = session.scalars(select(Assignment).where(Assignment.shift_id == sh.id,
                                                    Assignment.volunteer_id == v.id)).first()
    if same is not None and same.status == "assigned":
        out.append(Conflict("already", _(CONFLICT_MESSAGES["already"]).format(name=v.name)))
    others = session.execute(
        select(Shift).join(Assignment, Assignment.shift_id == Shift.id)
        .where(Assignment.volunteer_id == v.id, Assignment.status == "assigned", Shift.date == sh.date,
               Shift.id != sh.id, Shift.cancelled.is_(False))
    ).scalars().all()
    for o in others:
        if _overlap(o, sh):
            other = f"{o.start:%H:%M}–{o.end:%H:%M}" + (f" {o.place}" if o.place else "")
            out.append(Conflict("double", _(CONFLICT_MESSAGES["double"]).format(name=v.name, other=other)))
            break
    if not replacing and len(_active_assignments(session, sh.id)) >= sh.max_staff:
        out.append(Conflict("full", _(CONFLICT_MESSAGES["full"]).format(max=sh.max_staff)))
    return out


def check_assignment(db, shift_id: int, volunteer_id: int) -> list[Conflict]:
    with db.session() as session:
        return conflicts_for(session, _shift(session, shift_id), _volunteer(session, volunteer_id))


def assign(db, actor: Actor, shift_id: int, volunteer_id: int, force: bool = False) -> int:
    """Put a volunteer on a shift. Conflicts refuse it; FORCE overrides only 'not available that weekday'
    and 'shift full'. Returns the assignment id."""
    permissions.require(actor, "shift.manage")
    with db.write() as session:
        sh, v = _shift(session, shift_id), _volunteer(session, volunteer_id)
        problems = conflicts_for(session, sh, v)
        blocking = [c for c in problems if not (force and c.kind in OVERRIDABLE)]
        if blocking:
            raise UserError(" ".join(c.message for c in blocking))
        row = session.scalars(select(Assignment).where(Assignment.shift_id == shift_id,
                                                       Assignment.volunteer_id == volunteer_id)).first()
        if row is None:
            row = Assignment(shift_id=shift_id, volunteer_id=volunteer_id, created_at=clock.now())
            session.add(row)
        row.status, row.absence_reason, row.swapped_with_id, row.no_show = "assigned", "", None, False
        session.flush()
        audit.record(session, actor, "shift.assign", "assignment", row.id, shift_id=shift_id,
                     volunteer_id=volunteer_id, forced=[c.kind for c in problems])
        return row.id


def unassign(db, actor: Actor, shift_id: int, volunteer_id: int) -> None:
    permissions.require(actor, "shift.manage")
    with db.write() as session:
        v = _volunteer(session, volunteer_id)
        row = session.scalars(select(Assignment).where(Assignment.shift_id == shift_id,
                                                       Assignment.volunteer_id == volunteer_id)).first()
        if row is None:
            raise UserError(_("{name} is not assigned to this shift.").format(name=v.name))
        if row.check_in is not None:
            raise UserError(_("{name} already checked in; record an absence or correct attendance instead.")
                            .format(name=v.name))
        session.delete(row)
        audit.record(session, actor, "shift.unassign", "assignment", row.id, shift_id=shift_id,
                     volunteer_id=volunteer_id)


def mark_absent(db, actor: Actor, shift_id: int, volunteer_id: int, reason: str) -> None:
    """Record an announced absence (with its reason); the shift then counts one volunteer fewer."""
    permissions.require(actor, "shift.manage")
    reason = clean_free_text(reason)
    if not reason:
        raise UserError(_("Give the reason for the absence."))
    with db.write() as session:
        v = _volunteer(session, volunteer_id)
        row = session.scalars(select(Assignment).where(Assignment.shift_id == shift_id,
                                                       Assignment.volunteer_id == volunteer_id)).first()
        if row is None or row.status != "assigned":
            raise UserError(_("{name} is not assigned to this shift.").format(name=v.name))
        if row.check_in is not None:
            raise UserError(_("{name} already checked in; that is not an absence.").format(name=v.name))
        row.status, row.absence_reason = "absent", reason
        audit.record(session, actor, "shift.absent", "assignment", row.id, shift_id=shift_id,
                     volunteer_id=volunteer_id)


def swap(db, actor: Actor, shift_id: int, from_volunteer: int, to_volunteer: int) -> int:
    """FROM hands the shift over to TO: FROM's assignment is kept as 'swapped', TO gets a new one.
    TO must pass the conflict checks (except 'full': they take FROM's place)."""
    permissions.require(actor, "shift.manage")
    with db.write() as session:
        sh = _shift(session, shift_id)
        a, b = _volunteer(session, from_volunteer), _volunteer(session, to_volunteer)
        old = session.scalars(select(Assignment).where(Assignment.shift_id == shift_id,
                                                       Assignment.volunteer_id == from_volunteer)).first()
        if old is None or old.status != "assigned":
            raise UserError(_("{name} is not assigned to this shift.").format(name=a.name))
        if old.check_in is not None:
            raise UserError(_("{name} already checked in; the shift cannot be handed over.").format(name=a.name))
        problems = conflicts_for(session, sh, b, replacing=True)
        if problems:
            raise UserError(" ".join(c.message for c in problems))
        old.status, old.swapped_with_id = "swapped", to_volunteer
        new = session.scalars(select(Assignment).where(Assignment.shift_id == shift_id,
                                                       Assignment.volunteer_id == to_volunteer)).first()
        if new is None:
            new = Assignment(shift_id=shift_id, volunteer_id=to_volunteer, created_at=clock.now())
            session.add(new)
        new.status, new.swapped_with_id, new.absence_reason = "assigned", from_volunteer, ""
        session.flush()
        audit.record(session, actor, "shift.swap", "shift", shift_id, from_volunteer=from_volunteer,
                     to_volunteer=to_volunteer)
        return new.id


# --- reading ----------------------------------------------------------------------------------------

@dataclass
class Staff:
    volunteer_id: int
    name: str
    status: str  # assigned | absent | swapped
    can_vneid: bool
    check_in: dt.datetime | None
    check_out: dt.datetime | None
    no_show: bool
    absence_reason: str
    swapped_with_id: int | None


@dataclass
class ShiftView:
    id: int
    date: dt.date
    start: dt.time
    end: dt.time
    kind: str
    place: str
    reception_point: str
    min_staff: int
    max_staff: int
    cancelled: bool
    note: str
    staff: list[Staff]
    day_off: str = ""  # name of the holiday when the shift sits on one
    problems: list[str] = field(default_factory=list)  # conflicts found in the current assignments

    @property
    def assigned(self) -> list[Staff]:
        return [s for s in self.staff if s.status == "assigned"]

    @property
    def understaffed(self) -> bool:
        return not self.cancelled and len(self.assigned) < self.min_staff

    @property
    def hours(self) -> float:
        return (dt.datetime.combine(self.date, self.end) - dt.datetime.combine(self.date, self.start)).seconds / 3600


def list_shifts(db, start: dt.date, end: dt.date, volunteer_id: int | None = None,
                include_cancelled: bool = True) -> list[ShiftView]:
    """Shifts of START..END (inclusive) with their staff, the holiday they sit on and any conflict."""
    off = calendar_vn.days_off(db, start, end)
    with db.session() as session:
        shifts = session.scalars(select(Shift).where(Shift.date >= start, Shift.date <= end)
                                 .order_by(Shift.date, Shift.start, Shift.kind, Shift.id)).all()
        ids = [s.id for s in shifts]
        points = {rp.id: rp.name for rp in session.scalars(select(ReceptionPoint))}
        vols = {v.id: v for v in session.scalars(select(Volunteer))}
        by_shift: dict[int, list[Assignment]] = defaultdict(list)
        if ids:
            for a in session.scalars(select(Assignment).where(Assignment.shift_id.in_(ids))
                                     .order_by(Assignment.id)):
                by_shift[a.shift_id].append(a)
    views = []
    busy: dict[tuple[int, dt.date], list[Shift]] = defaultdict(list)
    for sh in shifts:
        if sh.cancelled:
            continue
        for a in by_shift[sh.id]:
            if a.status == "assigned":
                busy[(a.volunteer_id, sh.date)].append(sh)
    for sh in shifts:
        if sh.cancelled and not include_cancelled:
            continue
        staff = []
        problems = []
        for a in by_shift[sh.id]:
            v = vols[a.volunteer_id]
            staff.append(Staff(v.id, v.name, a.status, "vneid" in (v.skills or "").split(","), a.check_in,
                               a.check_out, bool(a.no_show), a.absence_reason or "", a.swapped_with_id))
            if a.status != "assigned" or sh.cancelled:
                continue
            if not v.active:
                problems.append(_(CONFLICT_MESSAGES["inactive"]).format(name=v.name))
            if not available_on(v.weekdays or "", sh.date):
                problems.append(_(CONFLICT_MESSAGES["weekday"]).format(name=v.name, weekday=weekday_name(sh.date)))
            for o in busy[(v.id, sh.date)]:
                if o.id != sh.id and _overlap(o, sh):
                    problems.append(_(CONFLICT_MESSAGES["double"]).format(
                        name=v.name, other=f"{o.start:%H:%M}–{o.end:%H:%M}"))
                    break
        view = ShiftView(sh.id, sh.date, sh.start, sh.end, sh.kind, sh.place,
                         points.get(sh.reception_point_id, ""), sh.min_staff, sh.max_staff, bool(sh.cancelled),
                         sh.note or "", staff, off.get(sh.date, ""), problems)
        if len(view.assigned) > sh.max_staff:
            problems.append(_(CONFLICT_MESSAGES["full"]).format(max=sh.max_staff))
        if volunteer_id is None or any(s.volunteer_id == volunteer_id and s.status == "assigned" for s in staff):
            views.append(view)
    return views


def get_shift(db, shift_id: int) -> ShiftView:
    """One shift as the schedule shows it (staff, holiday, conflicts); a UserError for an unknown id."""
    with db.session() as session:
        day = _shift(session, shift_id).date
    return next(s for s in list_shifts(db, day, day) if s.id == shift_id)


# --- auto-assign ------------------------------------------------------------------------------------

@dataclass
class AutoResult:
    assigned: int = 0
    shifts: int = 0
    unfilled: list[tuple[int, dt.date, dt.time, str]] = field(default_factory=list)  # shift, date, start, why
    no_vneid: list[tuple[int, dt.date, dt.time]] = field(default_factory=list)  # needs VNeID, nobody has it
    uncovered: list[tuple[int, dt.date, dt.time, tuple[str, ...]]] = field(default_factory=list)  # other skills
    per_volunteer: dict[int, int] = field(default_factory=dict)  # shifts in the period after the run
    past_skipped: int = 0


def auto_assign_summary(db, r: AutoResult) -> list[str]:
    """What an auto-assign run did, one sentence a line, as the Lịch trực page and `shifts auto-assign` say it."""
    lines = [_("Assigned {n} volunteers to {shifts} shifts.").format(n=r.assigned, shifts=r.shifts)]
    if r.per_volunteer:
        counts = list(r.per_volunteer.values())
        lines.append(_("Shifts per active volunteer in the period: fewest {lo}, most {hi}.").format(
            lo=min(counts), hi=max(counts)))
    if r.past_skipped:
        lines.append(_("{n} past shifts were left as they are.").format(n=r.past_skipped))
    for _sid, day, start_t, why in r.unfilled:
        lines.append(_("Not filled: {weekday} {date} {time}: {why}").format(
            weekday=weekday_name(day), date=fmt_date(day), time=f"{start_t:%H:%M}", why=why))
    for _sid, day, start_t in r.no_vneid:
        lines.append(_("No volunteer who can do VNeID: {weekday} {date} {time}.").format(
            weekday=weekday_name(day), date=fmt_date(day), time=f"{start_t:%H:%M}"))
    for _sid, day, start_t, lacking in r.uncovered:
        lines.append(_("Nobody who can do {skills}: {weekday} {date} {time}.").format(
            skills=describe_skills(db, lacking), weekday=weekday_name(day), date=fmt_date(day),
            time=f"{start_t:%H:%M}"))
    return lines


def auto_assign(db, actor: Actor, start: dt.date, end: dt.date, up_to: str = "min",
                today: dt.date | None = None) -> AutoResult:
    """Fill the shifts of START..END fairly and deterministically.

    Round by round over the shifts in date order, every shift gets its next volunteer before any shift gets
    one more (so every shift reaches its minimum before anyone is given extra), up to each shift's minimum
    (UP_TO="min") or maximum ("max"). The volunteer chosen is the available one with the fewest shifts in
    the period, then fewest hours, then not already on that day, then the longest since their last shift,
    then the lowest id; the shifts given in the year before the period come right after the count, so the extra
    shift of an uneven period goes to whoever had fewer before. While a counter shift lacks a skill its reception
    point needs (`required_skills`; VNeID by default), its next volunteer is chosen among those who bring the most
    of the missing skills, and a shift at its number still lacking one gets one more (up to its maximum); the
    evening-out never takes away a shift's only holder of a needed skill. With TODAY given, shifts before it are left as they are
    (the schedule page passes today; the command line fills the whole range it is given).
    """
    permissions.require(actor, "shift.manage")
    if end < start:
        raise UserError(_("The start date is after the end date."))
    if up_to not in ("min", "max"):
        raise ValueError(up_to)
    off = calendar_vn.days_off(db, start, end)
    result = AutoResult()
    with db.write() as session:
        vols = [v for v in session.scalars(select(Volunteer).order_by(Volunteer.id))]
        active = [v for v in vols if v.active]
        if not active:
            raise UserError(_("There is no active volunteer to assign. Add volunteers first."))
        skills_of = {v.id: set((v.skills or "").split(",")) - {""} for v in active}
        skill_setting = _skills_setting(session)
        all_shifts = session.scalars(select(Shift).where(Shift.date >= start, Shift.date <= end,
                                                         Shift.cancelled.is_(False))
                                     .order_by(Shift.date, Shift.start, Shift.id)).all()
        ids = [s.id for s in all_shifts]
        rows = session.scalars(select(Assignment).where(Assignment.shift_id.in_(ids))).all() if ids else []
        # everyone already on each shift (any status: an absent volunteer is not put back automatically)
        on_shift: dict[int, set[int]] = defaultdict(set)
        staffed: dict[int, list[int]] = defaultdict(list)
        count: dict[int, int] = defaultdict(int)
        hours: dict[int, float] = defaultdict(float)
        last: dict[int, dt.date] = {}
        busy: dict[tuple[int, dt.date], list[Shift]] = defaultdict(list)
        by_id = {s.id: s for s in all_shifts}
        for a in rows:
            on_shift[a.shift_id].add(a.volunteer_id)
            if a.status == "assigned":
                sh = by_id[a.shift_id]
                staffed[a.shift_id].append(a.volunteer_id)
                count[a.volunteer_id] += 1
                hours[a.volunteer_id] += _hours(sh)
                busy[(a.volunteer_id, sh.date)].append(sh)
                last[a.volunteer_id] = max(last.get(a.volunteer_id, sh.date), sh.date)
        # Fairness over time: shifts given in the year before the period break ties, so the extra shift of an uneven
        # month goes to whoever had fewer before (not to the same volunteer in June and again in July).
        history: dict[int, int] = defaultdict(int)
        for vid, n, latest in session.execute(
                select(Assignment.volunteer_id, func.count(Assignment.id), func.max(Shift.date))
                .join(Shift, Shift.id == Assignment.shift_id)
                .where(Shift.date < start, Shift.date >= start - dt.timedelta(days=365), Shift.cancelled.is_(False),
                       Assignment.status == "assigned")
                .group_by(Assignment.volunteer_id)):
            history[vid] = n
            last.setdefault(vid, latest)
        # overlapping shifts outside the period's table rows cannot exist (same day => same period)
        todo = [s for s in all_shifts if (today is None or s.date >= today) and s.date not in off]
        result.past_skipped = sum(1 for s in all_shifts if today is not None and s.date < today)
        result.shifts = len(todo)
        target = {s.id: (s.min_staff if up_to == "min" else s.max_staff) for s in todo}
        new_pairs: list[tuple[Shift, int]] = []
        rounds = max(target.values(), default=0)
        stuck: set[int] = set()

        def needed(sh: Shift) -> tuple[str, ...]:
            return _required(skill_setting, sh.reception_point_id) if sh.kind == "counter" else ()

        def missing(sh: Shift) -> set[str]:
            have = set().union(*(skills_of.get(x, set()) for x in staffed[sh.id])) if staffed[sh.id] else set()
            return set(needed(sh)) - have

        def covering(candidates: list[Volunteer], sh: Shift) -> list[Volunteer]:
            """Among CANDIDATES, those who bring the most of the skills the shift still lacks (all if none does)."""
            lack = missing(sh)
            if not lack:
                return candidates
            best = max((len(skills_of[v.id] & lack) for v in candidates), default=0)
            return [v for v in candidates if len(skills_of[v.id] & lack) == best] if best else candidates

        def fairest(candidates: list[Volunteer], sh: Shift) -> Volunteer:
            return min(candidates, key=lambda v: (count[v.id], history[v.id], round(hours[v.id], 2),
                                                  bool(busy[(v.id, sh.date)]), remaining[v.id],
                                                  last.get(v.id, far), v.id))

        def eligible(v: Volunteer, sh: Shift) -> bool:
            return (v.id not in on_shift[sh.id] and available_on(v.weekdays or "", sh.date)
                    and not any(_overlap(o, sh) for o in busy[(v.id, sh.date)]))

        # how many of the remaining shifts each volunteer could still take: the scarcer, the sooner
        remaining: dict[int, int] = defaultdict(int)
        for sh in todo:
            for v in active:
                if available_on(v.weekdays or "", sh.date):
                    remaining[v.id] += 1

        def take(v_id: int, sh: Shift) -> None:
            staffed[sh.id].append(v_id)
            on_shift[sh.id].add(v_id)
            count[v_id] += 1
            hours[v_id] += _hours(sh)
            busy[(v_id, sh.date)].append(sh)
            last[v_id] = max(last.get(v_id, sh.date), sh.date)

        def drop(v_id: int, sh: Shift) -> None:
            staffed[sh.id].remove(v_id)
            on_shift[sh.id].discard(v_id)
            count[v_id] -= 1
            hours[v_id] -= _hours(sh)
            busy[(v_id, sh.date)].remove(sh)

        far = dt.date.min
        for rnd in range(rounds):
            for sh in todo:
                if sh.id in stuck or len(staffed[sh.id]) >= target[sh.id] or len(staffed[sh.id]) > rnd:
                    continue
                candidates = [v for v in active if eligible(v, sh)]
                if not candidates:
                    stuck.add(sh.id)
                    continue
                best = fairest(covering(candidates, sh), sh)
                take(best.id, sh)
                new_pairs.append((sh, best.id))
            if rnd == 0:
                for sh in todo:  # opportunities counted per shift in the first round only
                    for v in active:
                        if available_on(v.weekdays or "", sh.date):
                            remaining[v.id] -= 1
        # A shift at its number that still lacks a skill it needs gets one more volunteer who has it (up to its
        # maximum): every skill a reception point's shift needs is covered when anyone available has it.
        for sh in todo:
            while missing(sh) and len(staffed[sh.id]) < sh.max_staff:
                candidates = [v for v in active if eligible(v, sh) and skills_of[v.id] & missing(sh)]
                if not candidates:
                    break
                best = fairest(covering(candidates, sh), sh)
                take(best.id, sh)
                new_pairs.append((sh, best.id))
        # even out what the greedy order left uneven: along a chain of volunteers, each hands one new assignment
        # to the next who can take it, from someone with the most shifts to someone with at least two fewer
        # (intermediate volunteers keep their count; a shift never loses its only VNeID helper)
        def can_hand(giver: int, taker: Volunteer, sh: Shift) -> bool:
            if not eligible(taker, sh):
                return False
            for skill in needed(sh):  # never take away a shift's only holder of a skill it needs
                if (skill in skills_of.get(giver, ()) and skill not in skills_of[taker.id]
                        and sum(1 for x in staffed[sh.id] if skill in skills_of.get(x, ())) == 1):
                    return False
            return True

        for _guard in range(4 * len(new_pairs) + 1):
            path = _augmenting_path(active, count, new_pairs, can_hand)
            if path is None:
                break
            for i, giver, taker in reversed(path):
                sh = new_pairs[i][0]
                if new_pairs[i][1] != giver or not can_hand(giver, taker, sh):
                    break
                drop(giver, sh)
                take(taker.id, sh)
                new_pairs[i] = (sh, taker.id)
        new_rows = [Assignment(shift_id=sh.id, volunteer_id=vid, status="assigned", created_at=clock.now())
                    for sh, vid in sorted(new_pairs, key=lambda p: (p[0].date, p[0].start, p[0].id, p[1]))]
        session.add_all(new_rows)
        result.assigned = len(new_rows)
        for sh in todo:
            n = len(staffed[sh.id])
            if n < sh.min_staff:
                result.unfilled.append((sh.id, sh.date, sh.start, _why_unfilled(sh, active, vols, on_shift, busy, n)))
            lack = missing(sh)
            if staffed[sh.id] and "vneid" in lack:
                result.no_vneid.append((sh.id, sh.date, sh.start))
            if staffed[sh.id] and lack - {"vneid"}:
                result.uncovered.append((sh.id, sh.date, sh.start, tuple(sorted(lack - {"vneid"}))))
        result.per_volunteer = {v.id: count[v.id] for v in active}
        audit.record(session, actor, "shift.auto_assign", "shift", "", start=start.isoformat(), end=end.isoformat(),
                     assigned=result.assigned, unfilled=len(result.unfilled))
    return result


def _augmenting_path(active, count, new_pairs, can_hand):
    """Breadth-first, deterministic: [(pair index, giver id, taker Volunteer), …] from a volunteer (those with
    the most shifts tried first) to one with at least two fewer than that volunteer, or None."""
    if not active:
        return None
    sources = sorted(active, key=lambda v: (-count[v.id], v.id))
    owned: dict[int, list[int]] = defaultdict(list)
    for i, (_sh, vid) in enumerate(new_pairs):
        owned[vid].append(i)
    for src in sources:
        top = count[src.id]
        if top < 2:
            break
        prev: dict[int, tuple[int, int, Volunteer] | None] = {src.id: None}
        queue = [src.id]
        while queue:
            giver = queue.pop(0)
            for i in owned[giver]:
                sh = new_pairs[i][0]
                for taker in active:
                    if taker.id in prev or not can_hand(giver, taker, sh):
                        continue
                    prev[taker.id] = (i, giver, taker)
                    if count[taker.id] <= top - 2:
                        path, node = [], taker.id
                        while prev[node] is not None:
                            step = prev[node]
                            path.append(step)
                            node = step[1]
                        return list(reversed(path))
                    queue.append(taker.id)
    return None


def _hours(sh: Shift) -> float:
    return (dt.datetime.combine(sh.date, sh.end) - dt.datetime.combine(sh.date, sh.start)).seconds / 3600


def _why_unfilled(sh, active, vols, on_shift, busy, n) -> str:
    unavailable = sum(1 for v in active if not available_on(v.weekdays or "", sh.date))
    booked = sum(1 for v in active if available_on(v.weekdays or "", sh.date)
                 and any(_overlap(o, sh) for o in busy[(v.id, sh.date)] if o.id != sh.id))
    inactive = sum(1 for v in vols if not v.active)
    return _("{n} of {min} volunteers: {unavailable} not available on {weekday}s, {booked} already on another "
             "shift at that time, {inactive} inactive.").format(
        n=n, min=sh.min_staff, unavailable=unavailable, weekday=weekday_name(sh.date), booked=booked,
        inactive=inactive)


def describe_shift(sh) -> str:
    """'Thứ Hai 12/02/2024 07:30–11:30' for messages."""
    return f"{weekday_name(sh.date)} {fmt_date(sh.date)} {sh.start:%H:%M}–{sh.end:%H:%M}"
