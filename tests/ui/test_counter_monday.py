"""A Monday morning at the counter (issue #18): quick mode keeps one citizen whole, the campaign dialog by keyboard
and Ctrl+Z, Sửa/Hủy by keys, voiding without a reason, driven by keys and clicks as a volunteer would."""

import pytest
from dxdesk.ui import messages
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from dxdesk.db.models import ServiceRecord


@pytest.fixture
def window(open_window, db, admin):
    return open_window(db, admin, active=True)  # shortcuts and mnemonics (Alt+…) go to the active window


def _records(db):
    with db.session() as s:
        rows = s.scalars(select(ServiceRecord).order_by(ServiceRecord.id)).all()
        return [(r.count, r.voided, sorted(x.service_code for x in r.services)) for r in rows]


def _with_dialog(qtbot, act):
    """Run ACT(dialog) on the modal dialog once it is open (exec() blocks the test)."""
    done = []
    tries = [0]

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or not dialog.isActiveWindow():
            tries[0] += 1
            if tries[0] < 100:  # the dialog never opened: the test's own assertion says so
                QTimer.singleShot(20, poll)
            return
        done.append(dialog)
        try:
            act(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test after exec() returned
            done.append(exc)
            dialog.reject()

    QTimer.singleShot(0, poll)
    return done


def _closed(qtbot, window, done):
    """Wait until the dialog was handled and closed (a mnemonic clicks its button a moment later), then give the
    main window the keyboard back (the offscreen platform does not re-activate it by itself)."""
    qtbot.waitUntil(lambda: len(done) > 0 and not QApplication.activeModalWidget())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _raise_from(done):
    for item in done:
        if isinstance(item, BaseException):
            raise item


def test_quick_mode_joins_one_citizens_services_into_one_record(window, qtbot, db):
    page = window.show_page("counter")
    page.quick_window_ms = 400
    qtbot.mouseClick(page.quick_mode, Qt.MouseButton.LeftButton)
    assert page.quick_mode.isChecked()
    # One citizen: VNeID and e-Đồng Tháp clicked one after the other.
    qtbot.mouseClick(page.buttons["vneid"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.buttons["province_app"], Qt.MouseButton.LeftButton)
    assert _records(db) == []  # not split: the countdown is running, visibly
    assert page.quick_bar.isVisible() and "VNeID, e-Đồng Tháp" in page.quick_bar.text()
    qtbot.waitUntil(lambda: len(_records(db)) == 1, timeout=3000)
    assert _records(db) == [(1, False, ["province_app", "vneid"])]
    assert not page.quick_bar.isVisible()
    assert page.status_label.text().startswith("✓ Đã lưu: VNeID, e-Đồng Tháp")

    # The next citizen by key, saved at once with Enter (no waiting): a separate record.
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_5)
    assert page.quick_bar.isVisible()
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert _records(db)[1] == (1, False, ["ewallet"])
    assert not page.quick_bar.isVisible()

    # Esc drops a citizen being chosen; nothing is saved even after the countdown would have run out.
    qtbot.mouseClick(page.buttons["vssid"], Qt.MouseButton.LeftButton)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    qtbot.wait(600)
    assert len(_records(db)) == 2


def test_quick_mode_saves_the_citizen_when_the_page_is_left(window, qtbot, db):
    page = window.show_page("counter")
    page.quick_window_ms = 60_000
    page.quick_mode.setChecked(True)
    qtbot.mouseClick(page.buttons["vneid"], Qt.MouseButton.LeftButton)
    window.show_page("journal")
    assert _records(db) == [(1, False, ["vneid"])]


def test_campaign_dialog_by_keyboard_asks_above_1000_and_ctrl_z_undoes_it(window, qtbot, db):
    page = window.show_page("counter")
    page.setFocus()
    typed = []

    def fill(dialog):
        # It opens on the count, selected: typing 35 gives 35 (not "135", not the place).
        assert QApplication.focusWidget() in (dialog.count_spin, dialog.count_spin.lineEdit())
        qtbot.keyClicks(QApplication.focusWidget(), "35")
        typed.append(dialog.count_spin.value())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # → service, not the date's month
        assert QApplication.focusWidget() is dialog.service_box
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.place_edit
        qtbot.keyClicks(dialog.place_edit, "Cho An Binh")  # QTest types ASCII only
        qtbot.keyClick(dialog.place_edit, Qt.Key.Key_Return)

    done_fill = _with_dialog(qtbot, fill)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "&Nhập theo đợt…"
    _closed(qtbot, window, done_fill)  # a mnemonic clicks later
    _raise_from(done_fill)
    assert typed == [35]
    assert _records(db) == [(35, False, ["vneid"])]
    assert "35 × " in page.status_label.text() and "VNeID" in page.status_label.text()

    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _records(db) == [(35, True, ["vneid"])], page.status_label.text()
    assert page.status_label.text().startswith("↶")

    # 3500 is asked about; "No" keeps the dialog open on the count, nothing saved.
    messages.answers[:] = [False]

    def big(dialog):
        qtbot.keyClicks(QApplication.focusWidget(), "3500")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        typed.append(dialog.isVisible())
        dialog.reject()

    done_big = _with_dialog(qtbot, big)
    qtbot.mouseClick(page.campaign_button, Qt.MouseButton.LeftButton)
    _raise_from(done_big)
    assert typed[-1] is True
    assert any(kind == "confirm" and "3.500" in text for kind, _t, text in messages.captured)
    assert len(_records(db)) == 1


def test_correct_and_void_reachable_by_keys_and_in_tab_order(window, qtbot, db):
    page = window.show_page("counter")
    page.setFocus()
    for key in (Qt.Key.Key_1, Qt.Key.Key_Return, Qt.Key.Key_2, Qt.Key.Key_Return):
        qtbot.keyClick(page, key)
    assert len(_records(db)) == 2
    # Tab order: the service buttons come right after "on duty"; the list, Sửa and Hủy right after the actions.
    assert page.volunteer_box.nextInFocusChain() is page.buttons["vneid"]
    page.campaign_button.setFocus()
    chain = []
    for _i in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        chain.append(QApplication.focusWidget())
    assert chain == [page.today_table, page.correct_button, page.void_button]
    page.setFocus()

    # Alt+Y with nothing chosen voids the newest entry (e-Đồng Tháp), after a reason.
    def void(dialog):
        qtbot.keyClicks(dialog.reason_edit, "bam nham")
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)

    done_void = _with_dialog(qtbot, void)
    qtbot.keyClick(page, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # "Hủ&y mục…"
    _closed(qtbot, window, done_void)
    _raise_from(done_void)
    assert _records(db) == [(1, False, ["vneid"]), (1, True, ["province_app"])]

    # Alt+L goes to the list, ↓ chooses the older entry, Alt+S corrects it.
    qtbot.keyClick(page, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert page.today_table.hasFocus()
    qtbot.keyClick(page.today_table, Qt.Key.Key_Down)
    titles = []

    def correct(dialog):
        titles.append(dialog.windowTitle())
        dialog.service_list.item(4).setCheckState(Qt.CheckState.Checked)  # Ví điện tử added
        dialog.save()

    done_correct = _with_dialog(qtbot, correct)
    qtbot.keyClick(page.today_table, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # "&Sửa…"
    _closed(qtbot, window, done_correct)
    _raise_from(done_correct)
    assert titles and titles[0].startswith("Sửa mục lúc")
    assert _records(db)[0] == (1, False, ["ewallet", "vneid"])


def test_void_with_an_empty_reason_keeps_the_dialog_open_and_says_why(window, qtbot, db, captured_messages):
    page = window.show_page("counter")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    seen = []

    def empty_then_reason(dialog):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)  # empty reason
        seen.append((dialog.isVisible(), dialog.error.isVisible(), dialog.error.text()))
        qtbot.keyClicks(dialog.reason_edit, "nhap trung")
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)

    done_empty_then_reason = _with_dialog(qtbot, empty_then_reason)
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    _raise_from(done_empty_then_reason)
    visible, error_visible, text = seen[0]
    assert visible and error_visible and text  # said in the dialog, which stayed open
    assert captured_messages == []  # no message box on top
    assert _records(db) == [(1, True, ["vneid"])]


def test_correction_dialog_shows_every_service_name_in_full(window, qtbot, db):
    from dxdesk.ui.pages.counter.dialogs import CorrectDialog

    page = window.show_page("counter")
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_1)
    qtbot.keyClick(page, Qt.Key.Key_Return)
    dialog = CorrectDialog(page.ctx, page._entries[0], page)
    qtbot.addWidget(dialog)
    dialog.show()
    lst = dialog.service_list
    widest = max(lst.fontMetrics().horizontalAdvance(lst.item(i).text()) for i in range(lst.count()))
    assert lst.viewport().width() >= widest + 20  # the check box and the full name
    assert not lst.horizontalScrollBar().isVisible() and not lst.verticalScrollBar().isVisible()


def test_progress_says_its_period_and_every_row_fits_at_125_percent(window, qtbot, db, admin):
    from dxdesk import clock
    from dxdesk.counting.targets import set_target
    from dxdesk.periods import month_period

    today = clock.today()
    set_target(db, admin, "EWALLET", 320, month_period(today.year, today.month))
    window.resize(1093, 582)  # 1366×768 at 125 %, taskbar and title bar taken off
    page = window.show_page("counter")
    page.refresh_today()
    qtbot.waitUntil(page.figures_current)
    qtbot.wait(50)  # the row heights follow the columns once laid out
    table = page.progress_table
    header = table.horizontalHeaderItem(2).text()
    assert header == f"Tiến độ\nTháng {today.month}/{today.year}"  # which period, without hovering
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Hỗ trợ khác" in names and "Cửa hàng TT điện tử" in names  # whole names, not "Cửa hàng T…"
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert table.height() >= rows + table.horizontalHeader().height()  # no scroll bar hides the last row
    bottom = table.mapTo(page, table.rect().bottomLeft()).y()
    assert bottom <= page.height()  # and the table is on the page
