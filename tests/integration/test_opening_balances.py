"""Opening balances (issue #7 item 8): a commune's earlier tallies from an .xlsx/.csv sheet, on SQLite and
PostgreSQL: they count in the tally as campaign entries, bad rows are refused by row number with nothing
written, and re-applying the same file adds nothing."""

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from dxdesk import counting
from dxdesk.db.models import AuditEvent, RecordService, ServiceRecord
from dxdesk.errors import UserError
from dxdesk.exchange.opening import apply_opening, preview_opening
from dxdesk.periods import parse_period
from dxdesk.security.actor import Actor


def write_xlsx(path: Path, rows, header=True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if header:
        sheet.append(["Chỉ tiêu", "Kỳ", "Số lượng"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, rows) -> Path:
    path.write_text("chi_tieu,ky,so_luong\n" + "".join(",".join(map(str, r)) + "\n" for r in rows),
                    encoding="utf-8-sig")
    return path


def counts(db, key: str) -> dict[str, int]:
    return {r.code: r.count for r in counting.compute(db, parse_period(key)).indicators if r.count}


def record_count(db) -> tuple[int, int]:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ServiceRecord)), \
            s.scalar(select(func.count()).select_from(RecordService))


GOOD = [("VNEID", "2025-01", 120), ("VNEID", "2025-02", 95), ("EWALLET", "2025-Q1", 40),
        ("DVCTT_GUIDE", "2025-03", 0)]


def test_good_file_counts_in_stats_as_campaign_entries(any_db, admin, tmp_path):
    path = write_xlsx(tmp_path / "dau_ky.xlsx", GOOD)
    preview = preview_opening(any_db, path)
    assert preview.errors == []
    assert [(r.line, r.indicator, r.period.key, r.count) for r in preview.rows] == [
        (2, "VNEID", "2025-01", 120), (3, "VNEID", "2025-02", 95), (4, "EWALLET", "2025-Q1", 40),
        (5, "DVCTT_GUIDE", "2025-03", 0)]
    assert record_count(any_db) == (0, 0)  # a preview writes nothing

    result = apply_opening(any_db, admin, path)
    assert (result.new, result.present, result.citizens) == (3, 0, 255)
    assert counts(any_db, "2025-Q1") == {"VNEID": 215, "EWALLET": 40}
    assert counts(any_db, "2025-01") == {"VNEID": 120}
    assert counts(any_db, "2025-02") == {"VNEID": 95}
    assert counts(any_db, "2025-03") == {"EWALLET": 40}  # work date = the period's last day
    with any_db.session() as s:
        rows = s.execute(select(ServiceRecord.count, ServiceRecord.is_campaign, ServiceRecord.channel,
                                ServiceRecord.work_date, ServiceRecord.origin, RecordService.service_code)
                         .join(RecordService).order_by(ServiceRecord.id)).all()
        audits = s.scalars(select(AuditEvent).where(AuditEvent.action == "data.import")).all()
    assert [(n, c, ch, str(d), svc) for n, c, ch, d, _o, svc in rows] == [
        (120, True, "outreach", "2025-01-31", "vneid"), (95, True, "outreach", "2025-02-28", "vneid"),
        (40, True, "outreach", "2025-03-31", "ewallet")]
    assert {o for *_x, o, _s in rows} == {"opening:" + preview.sha256}
    assert len(audits) == 1 and audits[0].entity == "opening_balance"


def test_reapplying_the_same_file_adds_nothing(any_db, admin, tmp_path):
    path = write_csv(tmp_path / "dau_ky.csv", GOOD)
    assert apply_opening(any_db, admin, path).new == 3
    before = record_count(any_db)
    again = apply_opening(any_db, admin, path)
    assert (again.new, again.present) == (0, 3)
    assert record_count(any_db) == before
    assert all(r.present for r in preview_opening(any_db, path).rows if r.count)
    assert counts(any_db, "2025-Q1") == {"VNEID": 215, "EWALLET": 40}


@pytest.mark.parametrize("bad_row, message", [
    (("NO_SUCH", "2025-01", 5), "NO_SUCH"),
    (("VNEID", "2025-13", 5), "2025-13"),
    (("VNEID", "tháng 1", 5), "tháng 1"),
    (("VNEID", "2025-04", -3), "-3"),
    (("VNEID", "2025-04", 2.5), "2.5"),
    (("VNEID", "2025-04", "nhiều"), "nhiều"),
    (("VNEID", "2025-01", 7), "dòng 2"),  # the same indicator and period as row 2
    (("VNEID", "2025-Q1", 7), "dòng 2"),  # overlaps row 2's month
])
def test_each_bad_row_is_refused_with_its_row_number(any_db, admin, tmp_path, bad_row, message, vietnamese):
    path = write_xlsx(tmp_path / "bad.xlsx", [("VNEID", "2025-01", 10), ("EWALLET", "2025-02", 3), bad_row])
    preview = preview_opening(any_db, path)
    assert [r.line for r in preview.errors] == [4]
    assert message in preview.errors[0].error
    assert preview.error_lines()[0].startswith("Dòng 4:")
    with pytest.raises(UserError, match="Dòng 4"):
        apply_opening(any_db, admin, path)
    assert record_count(any_db) == (0, 0)


def test_period_overlapping_an_earlier_import_is_refused(any_db, admin, tmp_path):
    apply_opening(any_db, admin, write_xlsx(tmp_path / "first.xlsx", [("VNEID", "2025-Q1", 300)]))
    before = record_count(any_db)
    second = write_xlsx(tmp_path / "second.xlsx", [("EWALLET", "2025-02", 4), ("VNEID", "2025-02", 50)])
    preview = preview_opening(any_db, second)
    assert [r.line for r in preview.errors] == [3] and "2025-Q1" in preview.errors[0].error
    with pytest.raises(UserError):
        apply_opening(any_db, admin, second)
    assert record_count(any_db) == before
    assert counts(any_db, "2025") == {"VNEID": 300}


def test_needs_the_import_permission(any_db, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", GOOD)
    volunteer = Actor("an", "volunteer")
    with pytest.raises(UserError):
        apply_opening(any_db, volunteer, path)
    assert record_count(any_db) == (0, 0)


def test_unreadable_files_get_one_message(any_db, tmp_path):
    for name, data in [("x.xlsx", b"not a zip"), ("x.csv", "VNEID,2025-01,5\n".encode("utf-16")),
                       ("x.txt", b"VNEID,2025-01,5\n"), ("empty.csv", b"")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(UserError):
            preview_opening(any_db, tmp_path / name)


def test_cli_previews_then_applies(cli, tmp_path, monkeypatch, vietnamese):
    import dxdesk.cli as cli_pkg

    if "opening" not in cli_pkg.COMMAND_MODULES:  # until the lead registers the module
        monkeypatch.setattr(cli_pkg, "COMMAND_MODULES", (*cli_pkg.COMMAND_MODULES, "opening"))
    good = write_csv(tmp_path / "good.csv", GOOD)
    code, out, err = cli("import-opening", good)
    assert code == 0 and "--apply" in out and "3" in out
    code, out, _err = cli("stats", "--period", "2025-Q1", "--json")
    assert '"count": 215' not in out
    code, out, err = cli("import-opening", good, "--apply")
    assert code == 0, err
    code, out, _err = cli("stats", "--period", "2025-Q1", "--json")
    assert '"count": 215' in out
    bad = write_csv(tmp_path / "bad.csv", [("VNEID", "2025-05", 1), ("XX", "2025-05", 1), ("VNEID", "2025-05", "a")])
    code, out, err = cli("import-opening", bad, "--apply")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Dòng 3:") and lines[1].startswith("Dòng 4:")
