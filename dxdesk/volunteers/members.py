"""The volunteer roster (Tình nguyện viên) and teams: add, edit, deactivate (never delete anyone with
history), and import from the Excel/CSV sheets teams keep today, with a preview and row-level errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from dxdesk import clock
from dxdesk.db.models import Assignment, ServiceRecord, Team, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.security import audit, permissions
from dxdesk.security.actor import Actor
from dxdesk.text import clean_free_text, fold, name_sort_key, nfc

ROLES = ("leader", "deputy", "member")
ROLE_LABELS = {"leader": N_("Team leader"), "deputy": N_("Deputy leader"), "member": N_("Member")}
TEAM_KINDS = {"cnscd": N_("Community digital technology team"), "youth": N_("Youth volunteer team")}
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_SHORT = {"mon": N_("Mon"), "tue": N_("Tue"), "wed": N_("Wed"), "thu": N_("Thu"), "fri": N_("Fri"),
                 "sat": N_("Sat"), "sun": N_("Sun")}

# Ways people write weekdays in Vietnamese sheets -> code
_WEEKDAY_WORDS = {
    "mon": "mon", "monday": "mon", "t2": "mon", "thu 2": "mon", "thu hai": "mon", "2": "mon",
    "tue": "tue", "tuesday": "tue", "t3": "tue", "thu 3": "tue", "thu ba": "tue", "3": "tue",
    "wed": "wed", "wednesday": "wed", "t4": "wed", "thu 4": "wed", "thu tu": "wed", "4": "wed",
    "thu": "thu", "thursday": "thu", "t5": "thu", "thu 5": "thu", "thu nam": "thu", "5": "thu",
    "fri": "fri", "friday": "fri", "t6": "fri", "thu 6": "fri", "thu sau": "fri", "6": "fri",
    "sat": "sat", "saturday": "sat", "t7": "sat", "thu 7": "sat", "thu bay": "sat", "7": "sat",
    "sun": "sun", "sunday": "sun", "cn": "sun", "chu nhat": "sun",
}
_ROLE_WORDS = {"leader": "leader", "to truong": "leader", "doi truong": "leader", "deputy": "deputy",
               "to pho": "deputy", "doi pho": "deputy", "member": "member", "thanh vien": "member",
               "": "member", "tnv": "member", "doan vien": "member"}
_PHONE = re.compile(r"^(?:\+84|0)\d{9}$")


def parse_weekdays(text: str | None) -> str:
    """'T2, T6' / 'thứ hai; thứ sáu' / 'mon,fri' -> 'mon,fri' (week order); '' = every day."""
    raw = fold(text or "").strip()
    if raw in ("", "*", "tat ca", "ca tuan", "hang ngay", "every day", "all"):
        return ""
    parts = [p.strip() for p in re.split(r"[,;/+]|\s-\s|\bva\b", raw) if p.strip()]
    codes = set()
    for part in parts:
        code = _WEEKDAY_WORDS.get(part) or _WEEKDAY_WORDS.get(part.replace(".", ""))
        if code is None:
            raise UserError(_("Unknown weekday '{day}' (use mon,tue,… or T2…T7, CN).").format(day=nfc(text)))
        codes.add(code)
    return ",".join(c for c in WEEKDAY_CODES if c in codes)


def weekdays_label(codes: str) -> str:
    if not codes:
        return _("Every day")
    return ", ".join(_(WEEKDAY_SHORT[c]) for c in codes.split(",") if c in WEEKDAY_SHORT)


def available_on(weekdays: str, day: dt.date) -> bool:
    return not weekdays or WEEKDAY_CODES[day.weekday()] in weekdays.split(",")


def _clean_phone(phone: str | None) -> str | None:
    phone = re.sub(r"[\s.\-()]", "", nfc(phone or ""))
    if not phone:
        return None
    if phone.startswith("84") and len(phone) == 11:
        phone = "0" + phone[2:]
    if len(phone) == 9 and phone[0] in "35789":  # Excel dropped the leading 0
        phone = "0" + phone
    if not _PHONE.match(phone):
        raise UserError(_("Phone number '{phone}' is not a Vietnamese mobile number (10 digits).").format(phone=phone))
    return phone


def _clean_name(name: str | None) -> str:
    name = " ".join(clean_free_text(name, max_length=120).split())
    if not name:
        raise UserError(_("The volunteer's name is empty."))
    if len(name) > 120 or any(ch.isdigit() for ch in name):
        raise UserError(_("'{name}' does not look like a person's name.").format(name=name[:40]))
    return name


def _clean_role(role: str | None) -> str:
    code = _ROLE_WORDS.get(fold(role or ""))
    if code is None:
        raise UserError(_("Unknown role '{role}' (leader, deputy or member).").format(role=role))
    return code


def _clean_skills(session, skills: str | list[str] | None) -> str:
    from dxdesk.db.models import Service

    items = skills if isinstance(skills, list) else re.split(r"[,;]", skills or "")
    items = [s.strip().lower() for s in items if s and s.strip()]
    known = {c for c in session.scalars(select(Service.code))}
    for code in items:
        if code not in known:
            raise UserError(_("Unknown service '{code}'. Known services: {known}.").format(
                code=code, known=", ".join(sorted(known))))
    return ",".join(dict.fromkeys(items))


@dataclass
class VolunteerRow:
    id: int
    name: str
    phone: str
    team_id: int | None
    team: str
    role: str
    youth_union: bool
    skills: str
    weekdays: str
    active: bool
    pseudonym: str
    user_id: int | None = None  # the user account linked to this volunteer, if any

    @property
    def can_vneid(self) -> bool:
        return "vneid" in self.skills.split(",")


def volunteer_order(name: str, volunteer_id: int = 0) -> tuple:
    """The one order of volunteers in every list, box and sheet: by given name as Vietnamese lists sort (D before
    Đ, "Lan" before "Mai" whatever the family name), then the whole name, then the id."""
    return (*name_sort_key(name), volunteer_id)


def sort_volunteers(rows, name=lambda r: r.name, volunteer_id=lambda r: r.id) -> list:
    """ROWS in the one volunteer order (`volunteer_order`)."""
    return sorted(rows, key=lambda r: volunteer_order(name(r), volunteer_id(r)))


def volunteer_names(db, include_inactive: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the volunteers (the active ones unless INCLUDE_INACTIVE), in the one volunteer order: what a
    volunteer box of the counter, the journal or the users page offers."""
    with db.session() as session:
        q = select(Volunteer.id, Volunteer.name)
        if not include_inactive:
            q = q.where(Volunteer.active.is_(True))
        rows = session.execute(q).all()
    return [(vid, name) for vid, name in sort_volunteers(rows, name=lambda r: r[1], volunteer_id=lambda r: r[0])]


def list_volunteers(db, include_inactive: bool = True) -> list[VolunteerRow]:
    with db.session() as session:
        teams = {t.id: t.name for t in session.scalars(select(Team))}
        q = select(Volunteer)
        if not include_inactive:
            q = q.where(Volunteer.active.is_(True))
        vols = session.scalars(q).all()
    rows = [VolunteerRow(v.id, v.name, v.phone or "", v.team_id, teams.get(v.team_id, ""), v.role,
                         bool(v.youth_union), v.skills or "", v.weekdays or "", bool(v.active), v.pseudonym,
                         v.user_id)
            for v in vols]
    rows.sort(key=lambda r: (not r.active, volunteer_order(r.name, r.id)))
    return rows


def get_volunteer(db, volunteer_id: int) -> VolunteerRow:
    for row in list_volunteers(db):
        if row.id == volunteer_id:
            return row
    raise UserError(_("Unknown volunteer id {id}.").format(id=volunteer_id))


def _next_pseudonym(session) -> str:
    n = session.scalar(select(func.count()).select_from(Volunteer)) or 0
    taken = set(session.scalars(select(Volunteer.pseudonym)))
    while True:
        n += 1
        candidate = f"TNV-{n:03d}"
        if candidate not in taken:
            return candidate


def _check_team(session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise UserError(_("Unknown team id {id}.").format(id=team_id))


def add_volunteer(db, actor: Actor, name: str, phone: str | None = None, role: str = "member",
                  weekdays: str = "", team_id: int | None = None, youth_union: bool = False,
                  skills: str | list[str] = "") -> int:
    permissions.require(actor, "volunteer.manage")
    name, phone, role, weekdays = _clean_name(name), _clean_phone(phone), _clean_role(role), parse_weekdays(weekdays)
    with db.write() as session:
        _check_team(session, team_id)
        v = Volunteer(name=name, name_folded=fold(name), phone=phone, team_id=team_id, role=role,
                      youth_union=bool(youth_union), skills=_clean_skills(session, skills), weekdays=weekdays,
                      active=True, pseudonym=_next_pseudonym(session), created_at=clock.now())
        session.add(v)
        session.flush()
        audit.record(session, actor, "volunteer.add", "volunteer", v.id, pseudonym=v.pseudonym)
        return v.id


def update_volunteer(db, actor: Actor, volunteer_id: int, **changes) -> None:
    """Change any of: name, phone, role, weekdays, team_id, youth_union, skills, active."""
    permissions.require(actor, "volunteer.manage")
    allowed = {"name", "phone", "role", "weekdays", "team_id", "youth_union", "skills", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown volunteer fields: {unknown}")
    with db.write() as session:
        v = session.get(Volunteer, volunteer_id)
        if v is None:
            raise UserError(_("Unknown volunteer id {id}.").format(id=volunteer_id))
        changed = []
        for key, value in changes.items():
            if key == "name":
                value = _clean_name(value)
                v.name_folded = fold(value)
            elif key == "phone":
                value = _clean_phone(value)
            elif key == "role":
                value = _clean_role(value)
            elif key == "weekdays":
                value = parse_weekdays(value)
            elif key == "team_id":
                _check_team(session, value)
            elif key == "skills":
                value = _clean_skills(session, value)
            elif key in ("youth_union", "active"):
                value = bool(value)
            if getattr(v, key) != value:
                setattr(v, key, value)
                changed.append(key)
        if changed:  # field names only: the audit log carries no personal data
            audit.record(session, actor, "volunteer.edit", "volunteer", v.id, fields=changed)


def set_active(db, actor: Actor, volunteer_id: int, active: bool) -> None:
    update_volunteer(db, actor, volunteer_id, active=active)


def has_history(session, volunteer_id: int) -> bool:
    return bool(
        session.scalar(select(func.count()).select_from(Assignment).where(Assignment.volunteer_id == volunteer_id))
        or session.scalar(select(func.count()).select_from(ServiceRecord)
                          .where(ServiceRecord.volunteer_id == volunteer_id))
    )


def delete_volunteer(db, actor: Actor, volunteer_id: int) -> None:
    """Delete a volunteer entered by mistake; one with shifts or records is refused (deactivate instead)."""
    permissions.require(actor, "volunteer.manage")
    with db.write() as session:
        v = session.get(Volunteer, volunteer_id)
        if v is None:
            raise UserError(_("Unknown volunteer id {id}.").format(id=volunteer_id))
        if has_history(session, volunteer_id):
            raise UserError(_("{name} has shifts or records and cannot be deleted; deactivate instead.")
                            .format(name=v.name))
        session.delete(v)
        audit.record(session, actor, "volunteer.delete", "volunteer", volunteer_id, pseudonym=v.pseudonym)


# --- teams ------------------------------------------------------------------------------------------

@dataclass
class TeamRow:
    id: int
    name: str
    kind: str
    hamlet: str
    active: bool


def list_teams(db) -> list[TeamRow]:
    with db.session() as session:
        return [TeamRow(t.id, t.name, t.kind, t.hamlet or "", bool(t.active))
                for t in session.scalars(select(Team).order_by(Team.id))]


def add_team(db, actor: Actor, name: str, kind: str = "cnscd", hamlet: str | None = None) -> int:
    permissions.require(actor, "volunteer.manage")
    name = " ".join(clean_free_text(name, max_length=120).split())
    hamlet = clean_free_text(hamlet, max_length=120)
    if not name:
        raise UserError(_("The team name is empty."))
    if kind not in TEAM_KINDS:
        raise UserError(_("Unknown team kind '{kind}'.").format(kind=kind))
    with db.write() as session:
        if session.scalar(select(Team.id).where(func.lower(Team.name) == name.lower())):
            raise UserError(_("A team named '{name}' already exists.").format(name=name))
        t = Team(name=name, kind=kind, hamlet=hamlet or None, active=True)
        session.add(t)
        session.flush()
        audit.record(session, actor, "team.add", "team", t.id, name=name)
        return t.id


# --- import -----------------------------------------------------------------------------------------

_HEADERS = {
    "name": ("ho va ten", "ho ten", "ten", "name", "full name", "ten tinh nguyen vien"),
    "phone": ("so dien thoai", "sdt", "dien thoai", "phone", "so dt"),
    "team": ("to", "doi", "to/doi", "to / doi", "team", "don vi"),
    "hamlet": ("ap", "khom", "ap/khom", "ap / khom", "thon", "to dan pho", "hamlet"),
    "role": ("chuc vu", "vai tro", "role"),
    "youth_union": ("doan vien", "youth union", "dv"),
    "skills": ("ky nang", "dich vu", "skills"),
    "weekdays": ("ngay truc", "ngay co the truc", "thu", "weekdays", "lich truc"),
}
_YES = {"x", "co", "yes", "1", "true", "dv", "doan vien", "v"}


@dataclass
class ImportRow:
    line: int  # sheet row number as the user sees it
    values: dict
    errors: list[str] = field(default_factory=list)
    action: str = "add"  # add | update | skip
    existing_id: int | None = None


@dataclass
class ImportPreview:
    path: str
    rows: list[ImportRow]
    unknown_columns: list[str]

    @property
    def valid(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.errors and r.action != "skip"]

    @property
    def invalid(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]


def _read_table(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:  # from bytes: a broken workbook can never leave the file open
            wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file problem
            raise UserError(_("Cannot read {file} as an Excel workbook.").format(file=path.name)) from exc
        table = []
        try:
            for row in wb.worksheets[0].iter_rows(values_only=True):
                cells = []
                for c in row:
                    if c is None:
                        cells.append("")
                    elif isinstance(c, float) and c.is_integer():
                        cells.append(str(int(c)))
                    else:
                        cells.append(str(c))
                table.append(cells)
        finally:
            wb.close()
        return table
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "cp1258"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(_("Cannot read {file}: unknown text encoding (save it as UTF-8).").format(file=path.name))
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        return [row for row in csv.reader(text.splitlines(), dialect)]
    raise UserError(_("Import a .xlsx or .csv file."))


def preview_import(db, path: str | Path) -> ImportPreview:
    """Read PATH and say, row by row, what importing it would do; changes nothing."""
    path = Path(path)
    if not path.is_file():
        raise UserError(_("File not found: {file}").format(file=str(path)))
    table = _read_table(path)
    header_at = None
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for i, row in enumerate(table[:10]):  # the header may sit under a title line or two
        found = {}
        for j, cell in enumerate(row):
            key = fold(cell).strip(" :*")
            for fieldname, names in _HEADERS.items():
                if key in names and fieldname not in found.values():
                    found[j] = fieldname
        if "name" in found.values():
            header_at, columns = i, found
            unknown = [c for j, c in enumerate(row) if c.strip() and j not in found and fold(c) not in ("stt", "tt")]
            break
    if header_at is None:
        raise UserError(_("No column 'Họ và tên' found in the first rows of {file}.").format(file=path.name))
    with db.session() as session:
        teams = {fold(t.name): t.id for t in session.scalars(select(Team))}
        existing = {(v.name_folded, v.phone or ""): v.id for v in session.scalars(select(Volunteer))}
        rows: list[ImportRow] = []
        seen: set[tuple[str, str]] = set()
        for i, raw in enumerate(table[header_at + 1:], start=header_at + 2):
            values = {name: (raw[j].strip() if j < len(raw) else "") for j, name in columns.items()}
            if not any(values.values()):
                continue
            r = ImportRow(line=i, values=values)
            clean: dict = {}
            for key, fn in (("name", _clean_name), ("phone", _clean_phone), ("role", _clean_role),
                            ("weekdays", parse_weekdays)):
                try:
                    clean[key] = fn(values.get(key, ""))
                except UserError as exc:
                    r.errors.append(str(exc))
            try:
                clean["skills"] = _clean_skills(session, values.get("skills", ""))
            except UserError as exc:
                r.errors.append(str(exc))
            clean["youth_union"] = fold(values.get("youth_union", "")) in _YES
            team = hamlet = ""
            try:
                team = clean_free_text(values.get("team", ""), max_length=120)
                hamlet = clean_free_text(values.get("hamlet", ""), max_length=120)
            except UserError as exc:
                r.errors.append(str(exc))
            clean["team"] = team
            clean["team_id"] = teams.get(fold(team)) if team else None
            clean["hamlet"] = hamlet
            r.values = {**values, "_clean": clean}
            if not r.errors:
                key = (fold(clean["name"]), clean["phone"] or "")
                if key in seen:
                    r.errors.append(_("Same name and phone as an earlier row."))
                seen.add(key)
                if key in existing:
                    r.action, r.existing_id = "update", existing[key]
            rows.append(r)
    return ImportPreview(str(path), rows, unknown)


def apply_import(db, actor: Actor, preview: ImportPreview) -> dict[str, int]:
    """Import the valid rows of PREVIEW in one transaction (new teams are created by name);
    rows with errors are left out. Returns counts: added, updated, skipped."""
    permissions.require(actor, "volunteer.manage")
    added = updated = 0
    with db.write() as session:
        teams = {fold(t.name): t.id for t in session.scalars(select(Team))}
        for r in preview.valid:
            c = r.values["_clean"]
            team_id = None
            if c["team"]:
                team_id = teams.get(fold(c["team"]))
                if team_id is None:
                    kind = "youth" if "thanh nien" in fold(c["team"]) or "doan" in fold(c["team"]) else "cnscd"
                    t = Team(name=c["team"], kind=kind, hamlet=c["hamlet"] or None, active=True)
                    session.add(t)
                    session.flush()
                    teams[fold(c["team"])] = team_id = t.id
            if r.action == "update" and r.existing_id:
                v = session.get(Volunteer, r.existing_id)
                v.role, v.weekdays, v.youth_union = c["role"], c["weekdays"], c["youth_union"]
                if c["skills"]:
                    v.skills = c["skills"]
                if team_id:
                    v.team_id = team_id
                v.active = True
                updated += 1
            else:
                session.add(Volunteer(
                    name=c["name"], name_folded=fold(c["name"]), phone=c["phone"], team_id=team_id, role=c["role"],
                    youth_union=c["youth_union"], skills=c["skills"], weekdays=c["weekdays"], active=True,
                    pseudonym=_next_pseudonym(session), created_at=clock.now()))
                session.flush()
                added += 1
        audit.record(session, actor, "volunteer.import", "volunteer", "", file=Path(preview.path).name,
                     added=added, updated=updated, skipped=len(preview.invalid))
    return {"added": added, "updated": updated, "skipped": len(preview.invalid)}


def _initials(words: list[str]) -> str:
    return "".join(w[0].upper() + "." for w in words if w)


def short_names(names) -> dict[str, str]:
    """The shortest unambiguous label for each full name in NAMES (the active volunteers, plus anyone else shown):
    the given name alone when no one else has it ('Quân'), else the given name with the initial of the family name
    ('Quân (L.)'), else with the initials of every other word ('Hương (N.V.)'), else the full name.
    A name that occurs twice (two people with the same full name) keeps its full name: nothing shorter tells them
    apart. Pure (no Qt, no database); keys are the names as given."""
    names = list(names)
    counts = Counter(nfc(n).casefold() for n in names)
    normalised = {name: nfc(name).split() for name in names}

    def label(words: list[str], level: int) -> str:
        if not words:
            return ""
        given, rest = words[-1], words[:-1]
        if level == 0 or not rest:
            return given
        if level == 1:
            return f"{given} ({_initials(rest[:1])})"
        return f"{given} ({_initials(rest)})"

    groups: dict[str, list[str]] = {}
    for name, words in normalised.items():
        groups.setdefault(label(words, 0).casefold(), []).append(name)
    out: dict[str, str] = {}
    for name, words in normalised.items():
        key = nfc(name).casefold()
        out[name] = nfc(name)
        if counts[key] > 1:
            continue
        others = [normalised[n] for n in groups[label(words, 0).casefold()] if nfc(n).casefold() != key]
        for level in (0, 1, 2):
            mine = label(words, level)
            if not any(mine.casefold() == label(w, level).casefold() for w in others):
                out[name] = mine
                break
    return out
