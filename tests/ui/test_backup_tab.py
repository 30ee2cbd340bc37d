"""Settings → Backup: backup off the UI thread, checked restore (a damaged file refused), erase on request,
retention setting; buttons off for non-admins."""

import datetime as dt

from dxdesk.ui.app import create_application
from dxdesk.ui.context import PageContext

from dxdesk.counter import records
from dxdesk.counter.contact import ContactInput
from dxdesk.security import privacy
from dxdesk.security.actor import Actor
from dxdesk.settings import backup


def _tab(qtbot, db, home, actor):
    from dxdesk.ui.pages.settings.backup import BackupTab

    create_application()
    tab = BackupTab(PageContext(db=db, paths=home, actor=actor), "Sao lưu")
    qtbot.addWidget(tab)
    tab.resize(880, 560)
    tab.show()
    return tab


def test_backup_erase_and_retention(qtbot, db, home, admin, captured_messages, tmp_path):
    for phone in ("0912345678", "0912345678", "0987654321"):
        records.log_record(db, admin, records.NewRecord(services=["vneid"], contact=ContactInput(consent=True, phone=phone)))
    tab = _tab(qtbot, db, home, admin)
    assert "3" in tab.contact_count.text()
    target = tmp_path / "usb.sqlite3"
    tab.backup_now(str(target))
    qtbot.waitUntil(lambda: any(k == "info" for k, *_ in captured_messages), timeout=10000)
    assert backup.verify(target).records == 3
    tab.erase_request("0912 345 678")
    assert captured_messages[-2][0] == "confirm" and "2 lượt" in captured_messages[-2][2]
    assert "2 lượt" in captured_messages[-1][2]
    assert "1" in tab.contact_count.text()
    tab.retention.setValue(30)
    tab.set_retention()
    assert privacy.retention_days(db) == 30


def test_restore_refuses_a_damaged_file(qtbot, db, home, admin, captured_messages, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    before = home.database.read_bytes()
    tab = _tab(qtbot, db, home, admin)
    tab.restore(str(bad))  # checked off the UI thread
    qtbot.waitUntil(lambda: bool(captured_messages), timeout=20000)
    assert captured_messages[-1][0] == "warning" and "Không có gì bị thay đổi" in captured_messages[-1][2]
    assert home.database.read_bytes() == before


def test_buttons_off_for_coordinator(qtbot, db, home):
    tab = _tab(qtbot, db, home, Actor("tt", "coordinator"))
    assert not tab.backup_button.isEnabled() and not tab.restore_button.isEnabled()
    assert not tab.code_button.isEnabled() and not tab.erase_button.isEnabled()
    assert "Chỉ quản trị viên" in tab.backup_note.text()


def test_daily_backup_listed(qtbot, db, home, admin):
    backup.daily_backup_if_due(db, home, today=dt.date(2026, 3, 2))
    tab = _tab(qtbot, db, home, admin)
    names = [tab.backup_list.item(i).text() for i in range(tab.backup_list.count())]
    assert any(n.startswith("daily-2026-03-02.sqlite3") for n in names)


def test_restore_closes_its_own_connections_reopens_and_refuses_while_another_process_has_it(
        qtbot, db, home, admin, captured_messages, tmp_path):
    import subprocess
    import sys

    from dxdesk.ui import messages

    for _i in range(3):
        records.log_record(db, admin, records.NewRecord(services=["vneid"]))
    info = backup.backup_to(db, admin, tmp_path / "usb.sqlite3")
    later = records.log_record(db, admin, records.NewRecord(services=["ewallet"]))
    tab = _tab(qtbot, db, home, admin)
    changed = []
    tab.ctx.events.records_changed.connect(lambda: changed.append(1))
    # another dxdesk process has the database open: refused, and this window goes on working
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from dxdesk.database import open_database; "
        "from dxdesk.paths import AppPaths; db = open_database(None, AppPaths(Path(sys.argv[1]))); print('open', "
        "flush=True); sys.stdin.read()"), str(home.home)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        messages.answers = [True]
        tab.restore(str(info.path))
        qtbot.waitUntil(lambda: any(k == "warning" for k, *_r in captured_messages), timeout=30000)
        assert captured_messages[-1][0] == "warning" and "vẫn đang mở" in captured_messages[-1][2]
        assert records.record_exists(db, later)  # still open and usable here
    finally:
        holder.stdin.close()
        holder.wait(30)
        holder.stdout.close()
    messages.answers = [True]
    tab.restore(str(info.path))
    qtbot.waitUntil(lambda: captured_messages[-1][0] == "info", timeout=30000)
    assert "3 lượt" in captured_messages[-1][2]
    assert not records.record_exists(db, later)  # the same Database now reads the restored file
    assert changed  # the pages were told to reload
    records.log_record(db, admin, records.NewRecord(services=["vneid"]))  # and it writes, with the lock held again
    assert db.in_use.held
