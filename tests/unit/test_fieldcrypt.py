"""Contact fields are encrypted with a key kept only in the keyring; no secure keyring, no contact fields."""

import pytest
from keyring.backends import fail

from dxdesk.errors import UserError
from dxdesk.security import fieldcrypt, secrets


def test_round_trip_and_ciphertext_hides_the_text(db, memory_keyring):
    blob = fieldcrypt.encrypt(db, "Nguyễn Thị Hạnh")
    assert "Hạnh".encode() not in blob and b"Nguy" not in blob
    assert fieldcrypt.decrypt(db, blob) == "Nguyễn Thị Hạnh"
    assert fieldcrypt.encrypt(db, "x") != fieldcrypt.encrypt(db, "x")  # fresh nonce each time
    assert len(memory_keyring.store) == 1


def test_lookup_hash_matches_spellings_of_the_same_phone(db):
    assert fieldcrypt.lookup_hash(db, "0912 345 678") == fieldcrypt.lookup_hash(db, "0912.345.678")
    assert fieldcrypt.lookup_hash(db, "Nguyễn Hạnh") == fieldcrypt.lookup_hash(db, "nguyen hanh")


def test_without_a_secure_keyring_the_user_gets_a_plain_message(db):
    import keyring

    keyring.set_keyring(fail.Keyring())
    assert not secrets.keyring_is_secure()
    assert not fieldcrypt.available(db)
    with pytest.raises(UserError, match="kho mật khẩu an toàn"):
        fieldcrypt.encrypt(db, "Lan")
