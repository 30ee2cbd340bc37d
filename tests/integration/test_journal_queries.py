"""Log browser queries on SQLite and PostgreSQL: filters, accent-insensitive search, keyset pages, export."""

import csv
import datetime as dt
import unicodedata

import pytest
from openpyxl import load_workbook

from dxdesk import demo
from dxdesk.counter import journal
from dxdesk.counter.records import NewRecord, log_record, void_record
from dxdesk.counting.catalogue import ensure_catalogue
from dxdesk.security.actor import cli_actor

ADMIN = cli_actor()


@pytest.fixture
def filled(any_db, admin):
    ensure_catalogue(any_db)
    demo.fill(any_db, admin, records=900, seed=3)
    log_record(any_db, admin, NewRecord(services=["vneid"], note="Bà Nguyễn Thị Đào, hẹn thứ Sáu"))
    gone = log_record(any_db, admin, NewRecord(services=["ewallet"], note="=HYPERLINK(\"x\")"))
    void_record(any_db, admin, gone, "nhầm")
    return any_db


def _all_ids(db, flt):
    return [r.id for page in journal.JournalQuery(db, ADMIN, flt).iterate(size=97) for r in page]


def test_search_ignores_accents_and_decomposed_input(filled):
    for text in ("nguyen thi dao", "Nguyễn Thị Đào", unicodedata.normalize("NFD", "NGUYỄN Đào")):
        flt = journal.JournalFilter(search=text)
        rows = journal.JournalQuery(filled, ADMIN, flt).page_after(None, 10)
        assert journal.count(filled, ADMIN, flt) == 1 and rows[0].note.startswith("Bà Nguyễn")
    assert journal.count(filled, ADMIN, journal.JournalFilter(search="100%_")) == 0


def test_filters_and_counts_agree(filled):
    total = journal.count(filled, ADMIN, journal.JournalFilter())
    assert total == 902
    assert journal.count(filled, ADMIN, journal.JournalFilter(voided=journal.VOIDED_ONLY)) == 1
    assert journal.count(filled, ADMIN, journal.JournalFilter(voided=journal.VOIDED_EXCLUDE)) == 901
    outreach = journal.count(filled, ADMIN, journal.JournalFilter(channel="outreach"))
    counter = journal.count(filled, ADMIN, journal.JournalFilter(channel="counter"))
    assert outreach + counter == total and outreach > 0
    vneid = journal.JournalFilter(services=("vneid",))
    assert all("VNeID" in r.services for page in journal.JournalQuery(filled, ADMIN, vneid).iterate() for r in page)
    today = dt.date.today()
    week = journal.JournalFilter(start=today - dt.timedelta(days=6), end=today)
    assert 0 < journal.count(filled, ADMIN, week) < total


@pytest.mark.parametrize("sort", ["id", "date", "channel", "outcome", "count"])
@pytest.mark.parametrize("descending", [True, False])
def test_keyset_pages_cover_every_row_once_in_order(filled, sort, descending):
    flt = journal.JournalFilter(sort=sort, descending=descending)
    ids = _all_ids(filled, flt)
    assert len(ids) == len(set(ids)) == 902
    query = journal.JournalQuery(filled, ADMIN, flt)
    # a page reached by OFFSET from either end and a page read backwards match the keyset walk
    assert [r.id for r in query.page_at(400, 50, 902)] == ids[400:450]
    assert [r.id for r in query.page_at(880, 50, 902)] == ids[880:]
    anchor = query.page_at(300, 1, 902)[0]
    assert [r.id for r in query.page_before(journal.key_of(anchor), 40)] == ids[260:300]


def test_export_csv_and_xlsx_defuse_formulas(filled, tmp_path):
    flt = journal.JournalFilter(search="hyperlink")
    out = tmp_path / "a.csv"
    assert journal.export(filled, ADMIN, flt, out, "csv") == 1
    text = out.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:4] == ["Mã", "Ngày", "Giờ", "Dịch vụ"]
    assert rows[1][9] == "'=HYPERLINK(\"x\")" and rows[1][10] == "Có"
    xlsx = tmp_path / "a.xlsx"
    assert journal.export(filled, ADMIN, journal.JournalFilter(), xlsx, "xlsx") == 902
    book = load_workbook(xlsx, read_only=True)  # read-only keeps the file open until closed
    values = [row for row in book.active.iter_rows(values_only=True)]
    book.close()
    assert len(values) == 903 and "'=HYPERLINK(\"x\")" in [v[9] for v in values]


def test_xlsx_has_real_dates_a_frozen_filtered_header_and_fitted_widths(filled, tmp_path):
    """Issue #18: dates and times were text, no frozen header, no filter, default widths."""
    xlsx = tmp_path / "j.xlsx"
    assert journal.export(filled, ADMIN, journal.JournalFilter(), xlsx, "xlsx") == 902
    sheet = load_workbook(xlsx).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L903"
    assert sheet["A1"].value == "Mã" and sheet["A1"].font.bold
    day, at = sheet["B2"], sheet["C2"]
    assert isinstance(day.value, dt.datetime) and day.number_format == "dd/mm/yyyy"  # a real date (Excel stores
    assert isinstance(at.value, dt.time) and at.number_format == "hh:mm"  # dates as datetimes), a real time
    widths = {col: sheet.column_dimensions[col].width for col in "ABCDEFGHIJKL"}
    assert all(8 <= w <= 60 for w in widths.values()), widths
    longest_services = max(len(str(r[3].value or "")) for r in sheet.iter_rows(min_row=2, max_row=200))
    assert widths["D"] >= min(60, longest_services)  # the services column fits what it holds
    assert widths["D"] > widths["H"]  # and is wider than the count column


def test_cancelled_export_leaves_no_file(filled, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "b.csv"
    calls = []
    journal.export(filled, ADMIN, journal.JournalFilter(), out, "csv", progress=calls.append, cancelled=lambda: bool(calls))
    assert calls and not out.exists() and not list(folder.iterdir())


def test_default_order_is_date_and_time_newest_first_even_when_typed_out_of_order(any_db, admin):
    """A campaign entry typed later for the morning, a record for an earlier day typed last: the journal's
    default order (what its header arrow shows) is by date and time, not by the order of typing."""
    ensure_catalogue(any_db)
    for when in (dt.datetime(2026, 11, 27, 14, 32), dt.datetime(2026, 11, 27, 9, 29), dt.datetime(2026, 11, 27, 15, 42),
                 dt.datetime(2026, 11, 26, 16, 0), dt.datetime(2026, 11, 27, 9, 2)):
        log_record(any_db, admin, NewRecord(["vneid"], when))
    rows = journal.JournalQuery(any_db, ADMIN, journal.JournalFilter()).page_after(None, 10)
    assert [r.occurred_at.strftime("%d %H:%M") for r in rows] == ["27 15:42", "27 14:32", "27 09:29", "27 09:02",
                                                                   "26 16:00"]
