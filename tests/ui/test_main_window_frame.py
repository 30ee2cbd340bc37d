"""The main window's frame first (issue #16): sidebar, page area and status bar on screen before the database is
open; the database layer loads after the first paint; what the volunteer types meanwhile reaches the Counter page."""

from dxdesk.ui.app import complete_start, create_application
from dxdesk.ui.main_window import MainWindow
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel

from dxdesk.counting.catalogue import ensure_catalogue


def _frame(qtbot) -> MainWindow:
    create_application()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1093, 614)  # 1366×768 at 125 %
    return window


def test_the_frame_needs_no_database_and_says_the_data_is_opening(qtbot):
    window = _frame(qtbot)
    window.show()
    assert window.ctx is None and window.pages == {}
    assert window.stack.currentWidget().objectName() == "opening"
    assert window.stack.currentWidget().findChild(QLabel, "opening_text").text() == "Đang mở cơ sở dữ liệu…"
    assert window.nav.currentRow() == 0 and window.nav.count() == 8  # the places are there, the Counter's chosen
    assert window.status_day.text()  # the day needs no database
    assert not window.switch_button.isVisible()  # nobody signed in yet
    window.switch_user()  # Ctrl+U before anyone signed in: nothing happens
    window.nav.setCurrentRow(2)  # Lịch trực chosen in the sidebar
    assert window.pages == {}  # a place chosen now opens once the data is there


def test_the_work_after_the_first_paint_waits_for_the_paint(qtbot):
    window = _frame(qtbot)
    painted, ran = [], []

    class Paints(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                painted.append(obj)
            return False

    watcher = Paints()
    window.installEventFilter(watcher)
    window.call_after_first_paint(lambda: ran.append(len(painted)))
    window.show()
    qtbot.waitUntil(lambda: bool(ran), timeout=3000)
    assert ran[0] >= 1  # the window had been painted when it ran
    assert ran == [ran[0]]  # once


def test_keys_typed_while_the_database_opens_reach_the_counter_page(qtbot, db, home, admin, captured_messages):
    ensure_catalogue(db)
    window = _frame(qtbot)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    # a volunteer presses 1 (the first service) before the page is there: the key waits in the window's queue
    QApplication.postEvent(window.windowHandle(), QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_1,
                                                            Qt.KeyboardModifier.NoModifier, "1"))
    complete_start(window, db, home, admin)  # what runs right after the first paint
    QApplication.processEvents()
    counter = window.pages["counter"]
    assert window.stack.currentWidget() is counter and window.switch_button.isVisible()
    assert [window.stack.widget(i).objectName() for i in range(window.stack.count())] == ["page_counter"]
    assert counter.selected_codes() == [next(iter(counter.buttons))]  # the key chose the first service


def test_a_place_chosen_in_the_frame_is_the_one_shown_when_the_data_is_there(qtbot, db, home, admin,
                                                                             captured_messages):
    ensure_catalogue(db)
    window = _frame(qtbot)
    window.show()
    window.nav.setCurrentRow(2)  # Lịch trực chosen in the sidebar while the data opens
    complete_start(window, db, home, admin)
    assert sorted(window.pages) == ["shifts"]
    assert window.stack.currentWidget().objectName() == "page_shifts"
