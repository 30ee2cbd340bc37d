"""The CLI contract's core commands on SQLite and on the real PostgreSQL server."""

import json

import pytest
from sqlalchemy import func, select

from dxdesk.db.models import ServiceRecord


def counts(data):
    return {row["code"]: row["count"] for row in data["indicators"]}


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_init_log_stats(engine, cli, request):
    url = request.getfixturevalue("pg_url") if engine == "postgres" else None
    code, out, err = cli("init", "--province-code", "82", "--province", "Đồng Tháp", "--unit-code", "28261",
                         "--unit", "Phường Mỹ Tho", db_url=url)
    assert code == 0, err
    assert "Phường Mỹ Tho" in out
    code, out, err = cli("log", "vneid", "province_app", "--date", "2026-03-06", db_url=url)
    assert code == 0, err
    record_id = out.strip()
    assert len(record_id) == 36 and record_id.count("-") == 4
    code, out, err = cli("stats", "--period", "2026", "--json", db_url=url)
    assert code == 0, err
    data = json.loads(out)
    assert counts(data)["VNEID"] == 1 and counts(data)["APP_PROVINCE"] == 1
    assert counts(data)["EWALLET"] == 0
    assert data["unit"] == {"province_code": "82", "unit_code": "28261", "name": "Phường Mỹ Tho"}
    assert data["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    # the same data gives byte-identical output
    assert cli("stats", "--period", "2026", "--json", db_url=url)[1] == out
    # outside the period: nothing
    assert counts(json.loads(cli("stats", "--period", "2026-02", "--json", db_url=url)[1]))["VNEID"] == 0


def _record_count(db_url, home):
    from dxdesk.database import open_database

    database = open_database(db_url, home)
    try:
        with database.session() as s:
            return s.scalar(select(func.count()).select_from(ServiceRecord))
    finally:
        database.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
@pytest.mark.parametrize(
    "args,needle",
    [
        (["log", "nosuchservice"], "nosuchservice"),
        (["log", "vneid", "nosuchservice"], "nosuchservice"),
        (["log", "vneid", "--date", "2026-02-30"], "2026-02-30"),
        (["log", "vneid", "--channel", "moon"], "moon"),
        (["log", "vneid", "--count", "0"], "1"),
        (["log", "vneid", "--note", "CCCD 079123456789"], "CCCD"),
        (["stats", "--period", "2024-13"], "2024-13"),
        (["target", "set", "NOPE", "10", "--period", "2026"], "NOPE"),
        (["init", "--province-code", "82", "--unit-code", "28261", "--unit", "Phường Mỹ Thọ"], "Mỹ Tho"),
        (["init", "--province-code", "87", "--province", "Đồng Tháp"], "87"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(engine, args, needle, cli, home, request):
    url = request.getfixturevalue("pg_url") if engine == "postgres" else None
    assert cli("log", "vneid", db_url=url)[0] == 0
    before = _record_count(url, home)
    code, out, err = cli(*args, db_url=url)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in err
    assert _record_count(url, home) == before


def test_messages_are_vietnamese_by_default_and_english_on_request(cli):
    assert "Không có dịch vụ" in cli("log", "nope")[2]
    assert "Unknown service" in cli("--lang", "en", "log", "nope")[2]


def test_version_never_opens_the_database(home, cli_process):
    proc = cli_process(home.home / "fresh", "--version")
    assert proc.returncode == 0 and proc.stdout.startswith("dxdesk ")
    assert not (home.home / "fresh").exists()


def test_gui_without_display_says_so(home, monkeypatch, capsys):
    from dxdesk.cli import main

    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert main(["--home", str(home.home), "gui"]) == 2
    assert "DISPLAY" in capsys.readouterr().err


def test_services_and_targets(cli):
    code, out, _err = cli("services", "--json")
    services = json.loads(out)
    assert [s["code"] for s in services][:2] == ["vneid", "province_app"]
    assert {"code": "vssid", "name": "Ứng dụng VssID", "indicator": "OTHER_APPS"} in services
    assert cli("target", "set", "APP_PROVINCE", "4802", "--period", "2023")[0] == 0
    for _ in range(3):
        cli("log", "province_app", "--date", "2023-05-05")
    data = json.loads(cli("stats", "--period", "2023", "--json")[1])
    row = next(r for r in data["indicators"] if r["code"] == "APP_PROVINCE")
    assert (row["count"], row["target"], row["percent"]) == (3, 4802, 0.1)
    # a target belongs to exactly its own period
    q1 = json.loads(cli("stats", "--period", "2023-Q1", "--json")[1])
    assert next(r for r in q1["indicators"] if r["code"] == "APP_PROVINCE")["target"] is None


def test_demo_is_believable(cli):
    code, out, err = cli("demo", "--records", "2000", "--from", "2025-01-01", "--to", "2025-12-31")
    assert code == 0, err
    data = json.loads(cli("stats", "--period", "2025", "--json")[1])
    c = counts(data)
    assert sum(c.values()) >= 2000
    # the seed article's order: VNeID > DVCTT guidance > province app > e-wallet > shops > products
    assert c["VNEID"] > c["DVCTT_GUIDE"] > c["APP_PROVINCE"] > c["EWALLET"] > c["SHOP_EPAY"] > c["ECOM_PRODUCT"]
    vols = json.loads(cli("stats", "--period", "2025", "--json")[1])
    assert vols["unit"]["unit_code"] == "28261"
