"""Where Windows differs from Linux (issue #19). Run by the Windows Python under Wine in CI
(scripts/smoke-windows.sh), and by plain pytest on a real Windows PC; skipped on other systems.

They use the real Windows parts: the Windows credential store through keyring's Windows back-end (not the
tests' in-memory keyring), Windows paths and file names with Vietnamese letters, text files written the
Windows way (CRLF), and Windows' file locking (a database file that is open cannot be replaced)."""

import os
import sqlite3
import sys
import unicodedata
from pathlib import Path

import keyring
import pytest

pytestmark = pytest.mark.skipif(sys.platform != "win32", reason="Windows only")

NAME = "Nguyễn Thị Hồng Nhung · 0912 345 678"


def test_default_data_folder_is_local_appdata_not_roaming():
    from dxdesk.paths import resolve

    home = resolve(None).home
    assert home == Path(os.environ["LOCALAPPDATA"]) / "dxdesk"
    assert "Roaming" not in home.parts


def test_contact_key_lives_in_the_windows_credential_store(db):
    from keyring.backends.Windows import WinVaultKeyring

    from dxdesk.security import fieldcrypt, secrets

    keyring.set_keyring(WinVaultKeyring())  # the conftest fixture puts its in-memory keyring back afterwards
    assert secrets.keyring_is_secure()
    assert fieldcrypt.available(db)
    blob = fieldcrypt.encrypt(db, NAME)
    try:
        assert NAME.encode() not in blob and "Nguyễn".encode() not in blob
        # A new back-end object has no memory of its own: the key comes back from Windows' credential store.
        keyring.set_keyring(WinVaultKeyring())
        assert fieldcrypt.decrypt(db, blob) == NAME
        stored = WinVaultKeyring().get_password(secrets.SERVICE, fieldcrypt._key_name(db))
        assert stored and len(stored) == 44  # base64 of the 32-byte key
    finally:
        WinVaultKeyring().delete_password(secrets.SERVICE, fieldcrypt._key_name(db))
    keyring.set_keyring(WinVaultKeyring())
    assert fieldcrypt.get_key(db) is None  # deleted from the store: the contact data can no longer be read


def test_database_backup_and_restore_in_folders_with_vietnamese_names(tmp_path, admin):
    from dxdesk.counter import records
    from dxdesk.database import open_database
    from dxdesk.paths import AppPaths
    from dxdesk.settings import backup

    paths = AppPaths(tmp_path / "Tài liệu" / "xã Mỹ Tho").ensure()
    db = open_database(None, paths)
    try:
        records.log_record(db, admin, records.NewRecord(services=["vneid"]))
        target = tmp_path / "Tài liệu" / "sao lưu ngày 2·3.sqlite3"
        backup.backup_to(db, admin, target)
    finally:
        db.dispose()
    names = os.listdir(tmp_path / "Tài liệu")
    assert "sao lưu ngày 2·3.sqlite3" in names and "xã Mỹ Tho" in names
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    second = AppPaths(tmp_path / "khôi phục").ensure()
    backup.restore(admin, second.database, target, second.backups)
    with sqlite3.connect(second.database) as con:
        assert con.execute("select count(*) from service_records").fetchone()[0] == 1


def test_an_open_database_file_cannot_be_replaced_and_restore_says_so_plainly(tmp_path, admin):
    """Windows refuses to rename over a file another connection holds open (Linux allows it)."""
    from dxdesk.database import open_database
    from dxdesk.paths import AppPaths
    from dxdesk.settings import backup

    paths = AppPaths(tmp_path / "home").ensure()
    db = open_database(None, paths)
    try:
        backup.backup_to(db, admin, tmp_path / "b.sqlite3")
        holder = sqlite3.connect(paths.database)  # e.g. the window still open on the same database
        try:
            holder.execute("begin immediate")
            with pytest.raises((PermissionError, OSError)):
                os.replace(tmp_path / "b.sqlite3", paths.database)
        finally:
            holder.close()
    finally:
        db.dispose()


def test_csv_files_end_lines_with_crlf_once(tmp_path, db, admin):
    """Text written in Windows' text mode turns \\n into \\r\\n; a CSV writer on top must not give \\r\\r\\n."""
    from dxdesk.counter import records
    from dxdesk.security import auth

    records.log_record(db, admin, records.NewRecord(services=["vneid"]))
    out = tmp_path / "nhật ký.csv"
    auth.export_csv(db, admin, auth.AuditFilter(), out)
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    assert b"\r\r\n" not in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_opening_balances_from_a_windows_csv(tmp_path, db, admin):
    """Excel on Windows saves 'CSV UTF-8' with a BOM and CRLF line ends."""
    from dxdesk.exchange.opening import apply_opening

    sheet = tmp_path / "số liệu đầu kỳ.csv"
    sheet.write_bytes("\ufeffchi_tieu,ky,so_luong\r\nEWALLET,2026-01,12\r\nAPP_PROVINCE,2026-01,30\r\n".encode())
    result = apply_opening(db, admin, sheet)
    assert result is not None
    from dxdesk import counting
    from dxdesk.periods import parse_period

    counts = {r.code: r.count for r in counting.compute(db, parse_period("2026-01")).indicators if r.count}
    assert counts == {"EWALLET": 12, "APP_PROVINCE": 30}
