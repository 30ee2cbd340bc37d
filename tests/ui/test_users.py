"""Settings → Users: an admin adds a user (checked by the domain), changes a role; a clerk sees it read-only."""

from dxdesk.ui.app import create_application
from dxdesk.ui.context import PageContext

from dxdesk.security import auth
from dxdesk.security.actor import Actor


def _tab(qtbot, db, home, actor):
    from dxdesk.ui.pages.settings.users import UsersTab

    create_application()
    tab = UsersTab(PageContext(db=db, paths=home, actor=actor), "Người dùng")
    qtbot.addWidget(tab)
    tab.resize(880, 560)
    tab.show()
    return tab


def test_admin_adds_a_user_and_bad_input_is_refused(qtbot, db, home, admin, captured_messages):
    from dxdesk.ui.pages.settings.users import UserDialog

    tab = _tab(qtbot, db, home, admin)
    assert tab.model.rowCount() == 0 and tab.add_button.isEnabled()
    dialog = UserDialog(tab.ctx, tab)
    qtbot.addWidget(dialog)
    dialog.username.setText("Lê Lan")
    dialog.secret.setText("135792")
    dialog.again.setText("135792")
    dialog.save()
    assert "không dấu" in dialog.message.text() and auth.list_users(db, admin) == []
    dialog.username.setText("lan")
    dialog.display.setText("Chị Lan")
    dialog.role.setCurrentIndex(dialog.role.findData("clerk"))
    assert "in báo cáo" in dialog.role_help.text()
    dialog.save()
    tab.refresh()
    assert tab.model.rowCount() == 1
    assert [tab.model.item(0, c).text() for c in range(3)] == ["lan", "Chị Lan", "Cán bộ một cửa"]
    tab.table.selectRow(0)
    assert tab.role_button.isEnabled()
    tab._run(auth.set_role, tab.selected().id, "coordinator")
    assert tab.model.item(0, 2).text() == "Tổ trưởng"
    tab._run(auth.reset_secret, tab.selected().id, "12")  # too short: one Vietnamese warning, nothing changed
    assert captured_messages and "6 chữ số" in captured_messages[-1][2]


def test_clerk_sees_users_read_only(qtbot, db, home, admin, qtmodeltester):
    auth.create_user(db, admin, "lan", "Chị Lan", "clerk", "135792")
    me = auth.authenticate(db, "lan", "135792")
    tab = _tab(qtbot, db, home, me)
    qtmodeltester.check(tab.model)
    tab.table.selectRow(0)
    assert not tab.add_button.isEnabled() and not tab.role_button.isEnabled()
    assert tab.own_button.isEnabled()
    assert "Chỉ quản trị viên" in tab.note.text()


def test_cli_actor_cannot_change_own_pin(qtbot, db, home):
    tab = _tab(qtbot, db, home, Actor("cli:x", "admin"))
    assert not tab.own_button.isEnabled()
