"""The log browser's queries: filters, sorting, accent-insensitive search, keyset pages and cheap counts.

Pages are fetched by keyset ((sort value, id) after/before a known row), so reading on from any page costs
the same on a million records; a jump into the middle uses OFFSET from the nearer end once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from dxdesk.counting.catalogue import list_services
from dxdesk.db.models import CHANNELS, OUTCOMES, RecordService, ServiceRecord, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.safe_cells import safe_cell
from dxdesk.security.permissions import allowed, require
from dxdesk.text import fold

VOIDED_ALL, VOIDED_EXCLUDE, VOIDED_ONLY = "all", "exclude", "only"
# sort keys: column of ServiceRecord (never NULL, so keyset comparisons hold), id breaks ties
SORT_COLUMNS = {
    "id": ServiceRecord.id,
    "date": ServiceRecord.occurred_at,  # date and time; index ix_records_occurred (migration 0003)
    "channel": ServiceRecord.channel,
    "outcome": ServiceRecord.outcome,
    "count": ServiceRecord.count,
}
CHANNEL_LABELS = {"counter": N_("Counter"), "outreach": N_("Outreach"), "home": N_("Home visit")}
OUTCOME_LABELS = {"done": N_("Done"), "partial": N_("Partly done"), "referred": N_("Referred to the officer")}
AGE_BAND_LABELS = {"u18": N_("Under 18"), "18-34": "18–34", "35-59": "35–59", "60+": N_("60 and over"),
                   "": N_("Not asked")}
SEX_LABELS = {"F": N_("Female"), "M": N_("Male"), "": N_("Not asked")}


@dataclass(frozen=True)
class JournalFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    services: tuple[str, ...] = ()
    volunteer_id: int | None = None
    channel: str | None = None
    outcome: str | None = None
    voided: str = VOIDED_ALL
    search: str = ""  # any text; folded, every word must occur
    sort: str = "date"  # newest first, by date and time (what the header shows)
    descending: bool = True


@dataclass(frozen=True)
class JournalRow:
    id: int
    uuid: str
    occurred_at: dt.datetime
    services: str  # names, joined
    volunteer: str
    channel: str
    outcome: str
    count: int
    place: str
    note: str
    voided: bool
    void_reason: str
    entered_by: str
    sort_value: object = field(compare=False, default=None)


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def visible_to(actor) -> list:
    """What ACTOR may browse: every record with record.view_all, else only their own entries (entered by them, or
    with them as the volunteer); a role without even record.log is refused."""
    if allowed(actor, "record.view_all"):
        return []
    require(actor, "record.log")
    own = [ServiceRecord.entered_by == actor.username]
    if actor.volunteer_id is not None:
        own.append(ServiceRecord.volunteer_id == actor.volunteer_id)
    return [or_(*own)]


def conditions(flt: JournalFilter, actor) -> list:
    if flt.channel is not None and flt.channel not in CHANNELS:
        raise UserError(_("Unknown channel '{v}': use counter, outreach or home.").format(v=flt.channel))
    if flt.outcome is not None and flt.outcome not in OUTCOMES:
        raise UserError(_("Unknown outcome '{v}': use done, partial or referred.").format(v=flt.outcome))
    if flt.sort not in SORT_COLUMNS:
        raise KeyError(flt.sort)
    where = visible_to(actor)
    if flt.start is not None:
        where.append(ServiceRecord.work_date >= flt.start)
    if flt.end is not None:
        where.append(ServiceRecord.work_date <= flt.end)
    if flt.services:
        # IN (subquery): one pass over record_services, then id look-ups (faster than EXISTS per record here).
        where.append(ServiceRecord.id.in_(
            select(RecordService.record_id).where(RecordService.service_code.in_(list(flt.services)))))
    if flt.volunteer_id is not None:
        where.append(ServiceRecord.volunteer_id == flt.volunteer_id)
    if flt.channel:
        where.append(ServiceRecord.channel == flt.channel)
    if flt.outcome:
        where.append(ServiceRecord.outcome == flt.outcome)
    if flt.voided == VOIDED_EXCLUDE:
        where.append(ServiceRecord.voided.is_(False))
    elif flt.voided == VOIDED_ONLY:
        where.append(ServiceRecord.voided.is_(True))
    for word in fold(flt.search).split():  # fold() also makes decomposed (NFD) input match
        where.append(ServiceRecord.search_text.like(f"%{_like_escape(word)}%", escape="\\"))
    return where


def count(db, actor, flt: JournalFilter) -> int:
    """How many records ACTOR may see match (one COUNT; the UI runs it in a worker, after typing stops)."""
    stmt = select(func.count()).select_from(ServiceRecord).where(*conditions(flt, actor))
    with db.session() as session:
        return int(session.scalar(stmt) or 0)


Key = tuple  # (sort value, id)


class JournalQuery:
    """Pages of rows for one filter, of the records ACTOR may see; names of services and volunteers resolved from
    small caches."""

    def __init__(self, db, actor, flt: JournalFilter):
        self.db = db
        self.flt = flt
        self.where = conditions(flt, actor)
        self.column = SORT_COLUMNS[flt.sort]
        self._service_names = {s.code: s.short for s in list_services(db, include_inactive=True)}
        with db.session() as session:
            self._volunteers = dict(session.execute(select(Volunteer.id, Volunteer.name)).all())

    def _ordered(self, reverse: bool):
        desc = self.flt.descending != reverse
        if self.flt.sort == "id":
            return [ServiceRecord.id.desc() if desc else ServiceRecord.id.asc()]
        return [self.column.desc(), ServiceRecord.id.desc()] if desc else [self.column.asc(), ServiceRecord.id.asc()]

    def _keyset(self, key: Key, reverse: bool):
        desc = self.flt.descending != reverse
        value, rid = key
        if self.flt.sort == "id":
            return ServiceRecord.id < rid if desc else ServiceRecord.id > rid
        # (column, id) after/before (value, rid), written out: both engines can use the column's index.
        if desc:
            return or_(self.column < value, and_(self.column == value, ServiceRecord.id < rid))
        return or_(self.column > value, and_(self.column == value, ServiceRecord.id > rid))

    def _select(self):
        cols = [ServiceRecord.id, ServiceRecord.uuid, ServiceRecord.occurred_at, ServiceRecord.volunteer_id,
                ServiceRecord.channel, ServiceRecord.outcome, ServiceRecord.count, ServiceRecord.place,
                ServiceRecord.note, ServiceRecord.voided, ServiceRecord.void_reason, ServiceRecord.entered_by]
        if self.flt.sort != "id":
            cols.append(self.column)
        return select(*cols).where(*self.where)

    def page_after(self, key: Key | None, size: int) -> list[JournalRow]:
        """The SIZE rows that follow KEY in the sort order (from the start when KEY is None)."""
        stmt = self._select().order_by(*self._ordered(False)).limit(size)
        if key is not None:
            stmt = stmt.where(self._keyset(key, False))
        return self._rows(stmt)

    def page_before(self, key: Key, size: int) -> list[JournalRow]:
        """The SIZE rows just before KEY, in sort order."""
        stmt = self._select().where(self._keyset(key, True)).order_by(*self._ordered(True)).limit(size)
        return list(reversed(self._rows(stmt)))

    def page_at(self, offset: int, size: int, total: int) -> list[JournalRow]:
        """Rows [offset, offset+size) when no neighbouring page is known: OFFSET from the nearer end."""
        if offset <= total - offset - size:
            return self._rows(self._select().order_by(*self._ordered(False)).offset(offset).limit(size))
        tail_offset = max(0, total - offset - size)
        wanted = min(size, total - offset)
        stmt = self._select().order_by(*self._ordered(True)).offset(tail_offset).limit(wanted)
        return list(reversed(self._rows(stmt)))

    def _rows(self, stmt) -> list[JournalRow]:
        with self.db.session() as session:
            rows = session.execute(stmt).all()
            ids = [r.id for r in rows]
            services: dict[int, list[str]] = {}
            if ids:
                for rid, code in session.execute(
                    select(RecordService.record_id, RecordService.service_code)
                    .where(RecordService.record_id.in_(ids)).order_by(RecordService.id)
                ):
                    services.setdefault(rid, []).append(code)
        out = []
        for r in rows:
            names = ", ".join(self._service_names.get(c, c) for c in services.get(r.id, []))
            sort_value = r.id if self.flt.sort == "id" else r[-1]
            out.append(JournalRow(r.id, r.uuid, r.occurred_at, names, self._volunteers.get(r.volunteer_id, ""),
                                  r.channel, r.outcome, r.count, r.place, r.note, bool(r.voided), r.void_reason or "",
                                  r.entered_by, sort_value))
        return out

    def iterate(self, size: int = 2000, cancelled: Callable[[], bool] = lambda: False) -> Iterator[list[JournalRow]]:
        """Every matching row in order, in pages (exports)."""
        key = None
        while not cancelled():
            page = self.page_after(key, size)
            if not page:
                return
            yield page
            key = (page[-1].sort_value, page[-1].id)


def key_of(row: JournalRow) -> Key:
    return (row.sort_value, row.id)


# --- export of the filtered view -------------------------------------------------------------------

XLSX_MAX_ROWS = 1_048_575  # one row for the headings
def export_headings() -> list[str]:
    return [_("Record no."), _("Date"), _("Time"), _("Services"), _("Volunteer"), _("Channel"), _("Outcome"),
            _("Count"), _("Place"), _("Note"), _("Voided"), _("Void reason")]


def export_values(row: JournalRow) -> list:
    return [row.id, row.occurred_at.strftime("%d/%m/%Y"), row.occurred_at.strftime("%H:%M"), row.services,
            row.volunteer, _(CHANNEL_LABELS.get(row.channel, row.channel)),
            _(OUTCOME_LABELS.get(row.outcome, row.outcome)), row.count, row.place, row.note,
            _("Yes") if row.voided else "", row.void_reason]


_XLSX_WIDTH_CAP = 60  # characters: a long note wraps in its cell rather than making the sheet a mile wide


def _write_xlsx(query, tmp, progress, cancelled) -> int:
    """The journal as a worksheet people can sort and filter: the date a real date and the time a real time
    (not text), the heading row frozen with an autofilter on it, columns as wide as their contents (measured on the
    headings and the first page; streamed, so a million rows stay within memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Journal"))
    headings = export_headings()
    pages = query.iterate(cancelled=cancelled)
    first = next(pages, [])
    widths = [len(h) for h in headings]
    for r in first:
        for i, value in enumerate(export_values(r)):
            widths[i] = max(widths[i], len(str(value)) if value not in (None, "") else 0)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(_XLSX_WIDTH_CAP, max(8, width + 2))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def heading(text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    sheet.append([heading(h) for h in headings])

    def row_cells(r):
        values = [safe_cell(v) for v in export_values(r)]
        day = WriteOnlyCell(sheet, value=r.occurred_at.date())
        day.number_format = "dd/mm/yyyy"
        at = WriteOnlyCell(sheet, value=r.occurred_at.time().replace(second=0, microsecond=0))
        at.number_format = "hh:mm"
        values[1], values[2] = day, at
        return values

    written = 0
    page = first
    while page:
        for r in page:
            sheet.append(row_cells(r))
        written += len(page)
        progress(written)
        page = next(pages, [])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{written + 1}"
    if not cancelled():
        book.save(tmp)
    return written


def export(db, actor, flt: JournalFilter, path, kind: str, progress: Callable[[int], None] = lambda n: None,
           cancelled: Callable[[], bool] = lambda: False) -> int:
    """Write the filtered view to PATH as 'csv' (UTF-8 with BOM, RFC 4180) or 'xlsx'; returns rows written.
    Needs data.export. No contact data is ever exported here. A cancelled export leaves no file behind."""
    import csv
    import os
    from pathlib import Path

    require(actor, "data.export")
    path = Path(path)
    query = JournalQuery(db, actor, flt)
    if kind == "xlsx" and count(db, actor, flt) > XLSX_MAX_ROWS:
        raise UserError(_("Excel holds at most 1.048.575 rows: narrow the filter or export to CSV."))
    tmp = path.with_name(path.name + ".part")
    written = 0
    try:
        if kind == "csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(export_headings())
                for page in query.iterate(cancelled=cancelled):
                    writer.writerows([safe_cell(v) for v in export_values(r)] for r in page)
                    written += len(page)
                    progress(written)
        elif kind == "xlsx":
            written = _write_xlsx(query, tmp, progress, cancelled)
        else:
            raise ValueError(kind)
        if cancelled():
            tmp.unlink(missing_ok=True)
            return written
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(_("Could not write {path}: {error}").format(path=path, error=exc.strerror or exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written
