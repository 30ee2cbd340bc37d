"""The main window as the UI tests open it: one place, instead of a copy in every test file."""

import pytest
from dxdesk.ui.app import build_main_window, create_application

from dxdesk.counting.catalogue import ensure_catalogue

OFFICE_SIZE = (1093, 614)  # logical pixels of 1366×768 at 125 % scaling, the commune PCs' screens


@pytest.fixture
def open_window(qtbot, home, captured_messages):
    """A function that opens the main window on DB signed in as ACTOR: the service catalogue in place (as
    `dxdesk init` leaves it) unless CATALOGUE is false, at the office PCs' SIZE (None: Qt's own), shown; ACTIVE
    makes it the active window (shortcuts and Alt+ mnemonics go there). Message boxes are captured."""

    def open_(db, actor, *, catalogue: bool = True, size: tuple[int, int] | None = OFFICE_SIZE,
              active: bool = False):
        if catalogue:
            ensure_catalogue(db)
        create_application()
        win = build_main_window(db, home, actor)
        qtbot.addWidget(win)
        if size is not None:
            win.resize(*size)
        win.show()
        if active:
            win.activateWindow()
            qtbot.waitUntil(win.isActiveWindow)
        return win

    return open_


@pytest.fixture
def window(open_window, db, admin):
    """The main window on a fresh database with the catalogue, signed in as the administrator."""
    return open_window(db, admin)
