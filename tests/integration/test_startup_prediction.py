"""dxdesk.startup: which window comes first, read before the database layer loads (issue #16): the main window for a
demo database (it opens signed in as its coordinator), the sign-in dialog for a database with users; a first start,
another database or an unreadable file go the usual way (splash, database, then the dialog or window)."""

import os

from dxdesk.ui.signin import sign_in

from dxdesk import demo
from dxdesk.security import auth
from dxdesk.settings.profile import set_profile
from dxdesk.startup import MAIN_WINDOW, SIGN_IN, first_window


def test_a_demo_database_opens_with_the_main_window_first(db, admin, home):
    demo.fill(db, admin, records=10)
    assert first_window(home, None) == MAIN_WINDOW
    assert sign_in(None, db, home).role == "coordinator"  # and the sign-in step agrees: no dialog


def test_a_database_with_real_users_shows_the_sign_in_dialog_first(db, admin, home):
    set_profile(db, admin, "82", unit_code="28261")
    assert first_window(home, None) is None  # a first start: the administrator is created first
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    assert first_window(home, None) == SIGN_IN


def test_a_first_start_another_database_or_an_unreadable_file_go_the_usual_way(tmp_path, db, admin, home):
    from dxdesk.paths import AppPaths

    assert first_window(AppPaths(tmp_path / "nothing-yet"), None) is None  # and nothing was created there
    assert not (tmp_path / "nothing-yet").exists()
    demo.fill(db, admin, records=10)
    assert first_window(home, "postgresql+psycopg://counter@server/dxdesk") is None
    broken = AppPaths(tmp_path / "broken")
    broken.home.mkdir()
    broken.database.write_bytes(b"not a database at all" * 100)
    assert first_window(broken, None) is None
    assert broken.database.read_bytes() == b"not a database at all" * 100  # read-only: left as it was


def test_reading_the_prediction_does_not_touch_the_file(db, admin, home):
    demo.fill(db, admin, records=10)
    db.dispose()
    before = os.stat(home.database).st_mtime_ns
    assert first_window(home, None) == MAIN_WINDOW
    assert os.stat(home.database).st_mtime_ns == before
