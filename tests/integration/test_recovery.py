"""The printed recovery code: a reinstalled PC reads its contact data again; the same code enrols another
PC of a shared PostgreSQL database; a typo or another database's code is refused."""

import keyring
import pytest

from dxdesk.counter import records
from dxdesk.counter.contact import ContactInput, read_contact
from dxdesk.database import open_database
from dxdesk.errors import UserError
from dxdesk.paths import AppPaths
from dxdesk.security import fieldcrypt, privacy, recovery
from dxdesk.security.actor import Actor


def _log_contact(db, admin):
    return records.log_record(db, admin, records.NewRecord(
        services=["vneid"], contact=ContactInput(consent=True, name="Trần Thị Bình", phone="0912345678")))


def _wipe_keyring(memory_keyring):
    memory_keyring.store.clear()


def test_reinstalled_pc_reads_its_data_again(any_db, admin, memory_keyring, cli):
    uuid = _log_contact(any_db, admin)
    code = recovery.recovery_code(any_db, admin)
    assert len(code) == 14 * 4 + 13 and code.count("-") == 13
    _wipe_keyring(memory_keyring)  # the PC is reinstalled: the keyring is empty
    with pytest.raises(UserError):
        read_contact(any_db, admin, uuid)
    with pytest.raises(UserError) as typo:
        recovery.restore_key(any_db, admin, code[:-1] + ("A" if code[-1] != "A" else "B"))
    assert "lỗi" in typo.value.message or "sai" in typo.value.message
    with pytest.raises(UserError):
        recovery.restore_key(any_db, admin, code[:20])
    assert fieldcrypt.get_key(any_db) is None
    recovery.restore_key(any_db, admin, code.lower().replace("-", " "))  # as typed from the paper
    assert read_contact(any_db, admin, uuid).name == "Trần Thị Bình"
    assert privacy.erase_on_request(any_db, admin, "0912345678") == 1


def test_code_of_another_database_is_refused(db, admin, home, tmp_path):
    _log_contact(db, admin)
    recovery.recovery_code(db, admin)
    other = open_database(None, AppPaths(tmp_path / "other").ensure())
    try:
        _log_contact(other, admin)
        foreign = recovery.recovery_code(other, admin)
    finally:
        other.dispose()
    before = fieldcrypt.get_key(db)
    with pytest.raises(UserError) as info:
        recovery.restore_key(db, admin, foreign)
    assert "cơ sở dữ liệu khác" in info.value.message
    assert fieldcrypt.get_key(db) == before


def test_same_code_enrols_another_pc_of_shared_postgres(pg_url, tmp_path, admin):
    counter1 = open_database(pg_url, AppPaths(tmp_path / "pc1").ensure())
    uuid = _log_contact(counter1, admin)
    code = recovery.recovery_code(counter1, admin)
    # PC 2: its own keyring (empty), the same PostgreSQL database
    pc1_keys = dict(keyring.get_keyring().store)
    keyring.get_keyring().store.clear()
    counter2 = open_database(pg_url, AppPaths(tmp_path / "pc2").ensure())
    try:
        with pytest.raises(UserError):
            read_contact(counter2, admin, uuid)
        recovery.restore_key(counter2, admin, code)
        assert read_contact(counter2, admin, uuid).phone == "0912345678"
        assert keyring.get_keyring().store == pc1_keys  # the same key, under the same database id
        assert privacy.find_contact(counter2, admin, "0912345678")[0].uuid == uuid
    finally:
        counter1.dispose()
        counter2.dispose()


def test_only_admin_sees_the_code(db):
    with pytest.raises(UserError):
        recovery.recovery_code(db, Actor("tt", "coordinator"))


def test_cli_recovery_round_trip(cli, home, admin, memory_keyring, monkeypatch):
    import io

    db = open_database(None, home)
    uuid = _log_contact(db, admin)
    db.dispose()
    code, out, err = cli("recovery", "show")
    assert code == 0, err
    printed = out.strip()
    memory_keyring.store.clear()
    monkeypatch.setattr("sys.stdin", io.StringIO(printed + "\n"))
    code, out, err = cli("recovery", "restore")
    assert code == 0, err
    db = open_database(None, home)
    try:
        assert read_contact(db, admin, uuid).name == "Trần Thị Bình"
    finally:
        db.dispose()
