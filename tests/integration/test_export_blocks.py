"""records.csv is read by blocks of record ids formatted by SQLite, or (a field that needs quoting, a sparse
period, PostgreSQL) row by row through csv.writer: every way writes the same bytes, and a value that needs CSV
quoting still travels to the province."""

import csv
import datetime as dt
import io
import json
import threading
import zipfile

import pytest
from sqlalchemy import func, select, update

from dxdesk import demo
from dxdesk.database import open_database
from dxdesk.db.models import RecordService, ServiceRecord, Volunteer
from dxdesk.exchange import export
from dxdesk.exchange import package as pkg
from dxdesk.exchange.importer import import_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.settings.profile import set_profile
from tests.signing_helpers import enrol

PERIOD = parse_period("2025")
ODD = 'Tổ "Hòa, Bình"'  # a comma and double quotes: a field csv.writer must quote


def _records_csv(path) -> tuple[bytes, dict]:
    with zipfile.ZipFile(path) as zf:
        return zf.read(pkg.RECORDS), json.loads(zf.read(pkg.MANIFEST))


def test_blocks_rows_and_quoting_write_the_same_file(tmp_path, admin, monkeypatch):
    db = open_database(None, AppPaths(tmp_path / "c").ensure())
    set_profile(db, admin, "82", unit_code="28249")
    demo.fill(db, admin, records=300, seed=4, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    with db.write() as s:
        odd_id = s.scalar(select(Volunteer.id).order_by(Volunteer.id))
        s.execute(update(Volunteer).where(Volunteer.id == odd_id).values(pseudonym=ODD))
    with db.session() as s:
        records = s.scalar(select(func.count()).select_from(ServiceRecord))
        rows = s.scalar(select(func.count()).select_from(RecordService))
        odd_records = s.scalar(select(func.count()).where(ServiceRecord.volunteer_id == odd_id))
    assert 0 < odd_records < records

    monkeypatch.setattr(export, "SPAN_IDS", 16)  # many blocks: some with the odd volunteer, most without
    seen: list[tuple[int, int]] = []
    by_blocks = export.export_package(db, admin, PERIOD, tmp_path / "blocks.zip",
                                      progress=lambda done, total: seen.append((done, total)) or True)
    # cancelled half-way: no file, no .part, and no reader, deflate or tally thread left running
    with pytest.raises(export.Cancelled):
        export.export_package(db, admin, PERIOD, tmp_path / "cancelled.zip",
                              progress=lambda done, total: done < total // 2)
    assert list(tmp_path.glob("cancelled.zip*")) == []
    assert [t.name for t in threading.enumerate() if t.name.startswith("dxdesk-export")] == []

    monkeypatch.setattr(export, "DENSE", 0)  # as if the records were sparse: one query, csv.writer
    by_rows = export.export_package(db, admin, PERIOD, tmp_path / "rows.zip")

    blocks_csv, blocks_manifest = _records_csv(by_blocks.path)
    rows_csv, rows_manifest = _records_csv(by_rows.path)
    assert blocks_csv == rows_csv
    assert blocks_manifest["files"][pkg.RECORDS] == rows_manifest["files"][pkg.RECORDS]
    assert (by_blocks.records, by_blocks.rows) == (by_rows.records, by_rows.rows) == (records, rows)
    assert (blocks_manifest["record_count"], blocks_manifest["row_count"]) == (records, rows)
    # progress after every block of 16 ids, up to every record
    assert len(seen) >= records // 16 and seen[-1] == (records, records)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)

    parsed = list(csv.reader(io.StringIO(blocks_csv.decode("utf-8-sig"), newline="")))
    assert tuple(parsed[0]) == pkg.CSV_HEADER and len(parsed) == rows + 1
    with db.session() as s:
        odd_uuids = set(s.scalars(select(ServiceRecord.uuid).where(ServiceRecord.volunteer_id == odd_id)))
    assert {line[0] for line in parsed[1:] if line[8] == ODD} == odd_uuids  # quoted, and read back as typed
    assert f'"{ODD.replace(chr(34), chr(34) * 2)}"'.encode() in blocks_csv

    province = open_database(None, AppPaths(tmp_path / "p").ensure())
    set_profile(province, admin, "82")
    enrol(province, db, tmp_path)
    assert import_package(province, admin, by_blocks.path).new == records
    province.dispose()
    db.dispose()
