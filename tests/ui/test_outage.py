"""A counter on a shared PostgreSQL server whose server stops answering mid-day (issue #7 item 6).

The window talks to the real test server through a small TCP relay started here, which the test can turn
"silent": open connections are cut and new ones are accepted but never answered, like a server or a network
that has gone away (each connection attempt then waits for the 5 s connect timeout). The status refresh and
the outbox send must run off the UI thread: the call returns at once and the status bar follows when the worker
reports; the counter keeps logging into the outbox, shows those entries in today's list as waiting, and they
are sent and counted once the server is back."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from dxdesk.ui.app import create_application
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from dxdesk.database import open_database
from dxdesk.db.models import ServiceRecord
from dxdesk.exchange import outbox


class Relay:
    """127.0.0.1:<port> -> the PostgreSQL server; `silent = True` cuts and then swallows connections."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.silent = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _keep(self, *socks):
        with self.lock:
            self.sockets.extend(socks)

    def _accept(self):
        while self.running:
            try:
                client, _addr = self.server.accept()
            except OSError:
                return
            if self.silent:
                self._keep(client)  # accepted, never answered
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            self._keep(client, upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def go_silent(self):
        self.silent = True
        with self.lock:
            socks, self.sockets = self.sockets, []
        for s in socks:  # the server "restarts": open connections die
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def come_back(self):
        self.silent = False

    def close(self):
        self.running = False
        self.go_silent()
        self.server.close()


@pytest.fixture
def relayed(pg_url, home):
    url = make_url(pg_url)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    db = open_database(url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False), home)
    yield db, relay
    relay.close()
    db.dispose()
    outbox.mark_reachable(db)


def stored_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ServiceRecord))


def test_status_refresh_never_waits_for_a_silent_server(qtbot, open_window, relayed, home, admin, captured_messages):
    db, relay = relayed
    win = open_window(db, admin, catalogue=False, size=None)
    qtbot.waitUntil(lambda: win.status_outbox.text() == "Hàng chờ gửi: 0" and not win.status_busy(), timeout=10_000)
    assert "Mất kết nối máy chủ" not in win.status_db.text()

    relay.go_silent()
    started = time.monotonic()
    win.refresh_status()  # the 60 s clock's call
    win.refresh_outbox()  # asked again while the first runs: queued behind it, not a second flush
    returned = time.monotonic() - started
    assert returned < 1.0, f"the refresh held the UI thread {returned:.1f} s (connect timeout is 5 s)"
    assert win.status_busy()
    # the event loop keeps running while the worker waits for the server: a timer still fires
    ticks = []
    from PySide6.QtCore import QTimer

    QTimer.singleShot(100, lambda: ticks.append(time.monotonic()))
    qtbot.waitUntil(lambda: bool(ticks), timeout=2000)
    assert ticks[0] - started < 2.0
    # when the worker gives up, the status bar says so, in Vietnamese
    qtbot.waitUntil(lambda: "Mất kết nối máy chủ" in win.status_db.text(), timeout=30_000)

    # the counter keeps logging: into the outbox, at once (the server is known to be down), shown as waiting
    counter = win.show_page("counter")
    qtbot.waitUntil(lambda: not win.status_busy(), timeout=30_000)
    before = time.monotonic()
    counter.toggle(next(iter(counter.buttons)))
    counter.save()
    assert time.monotonic() - before < 1.0
    assert "Đã giữ trên máy này" in counter.status_label.text()
    assert outbox.pending_count(home) == 1
    assert win.status_outbox.text() == "Hàng chờ gửi: 1"
    assert counter.today_table.rowCount() >= 1
    assert "chờ gửi" in counter.today_table.item(0, 1).text()
    assert "được tính vào số liệu sau khi gửi xong" in counter.waiting_label.text()
    # Ctrl+Z right after: taken back out of the outbox (never sent, never counted)
    counter.undo()
    assert "Đã hoàn tác" in counter.status_label.text() and outbox.pending_count(home) == 0
    assert win.status_outbox.text() == "Hàng chờ gửi: 0" and counter.waiting_label.isHidden()
    counter.toggle(next(iter(counter.buttons)))
    counter.save()
    assert outbox.pending_count(home) == 1 and win.status_outbox.text() == "Hàng chờ gửi: 1"
    # a waiting entry cannot be corrected yet: said on the page, no dialog, no crash
    counter.today_table.selectRow(0)
    counter.correct_selected()
    assert "vẫn đang giữ trên máy này" in counter.status_label.text()
    # the page's own minute timer (who is on shift) and coming back to the page do not ask the dead server
    before = time.monotonic()
    counter._check_shift()
    counter.activated()
    assert time.monotonic() - before < 1.0
    assert [m for m in captured_messages if m[0] == "crash"] == []

    relay.come_back()
    win.refresh_outbox()
    qtbot.waitUntil(lambda: win.status_outbox.text() == "Hàng chờ gửi: 0" and not win.status_busy(), timeout=30_000)
    assert "Mất kết nối máy chủ" not in win.status_db.text()
    assert stored_count(db) == 1 and outbox.pending_count(home) == 0
    # sent: the counter's list now shows it as an ordinary entry
    qtbot.waitUntil(lambda: "chờ gửi" not in (counter.today_table.item(0, 1).text() if counter.today_table.item(0, 1)
                                              else "chờ gửi"), timeout=10_000)
    assert counter.today_table.rowCount() == 1
    assert [m for m in captured_messages if m[0] == "crash"] == []
    win.close()


def test_campaign_dialog_when_the_server_stops_answering_mid_write(qtbot, relayed, home, admin, captured_messages):
    """The page still thinks the server is up; the write fails after the connect timeout: the dialog says so in
    Vietnamese, stays open with what was typed, and the page now knows the server is down. No crash dialog."""
    from dxdesk.ui.context import PageContext
    from dxdesk.ui.pages.counter.dialogs import CampaignDialog

    db, relay = relayed
    create_application()
    dialog = CampaignDialog(PageContext(db, home, admin), [(None, "—")], None)
    qtbot.addWidget(dialog)
    dialog.count_spin.setValue(25)
    relay.go_silent()
    dialog.save()
    assert dialog.error.isVisibleTo(dialog) and "Không kết nối được máy chủ" in dialog.error.text()
    assert dialog.result() == 0 and dialog.count_spin.value() == 25
    assert outbox.server_unreachable(db)
    assert [m for m in captured_messages if m[0] == "crash"] == []
    relay.come_back()
    outbox.mark_reachable(db)
    dialog.save()
    assert dialog.result() == 1 and stored_count(db) == 1


def test_a_page_that_meets_a_dead_server_says_so_instead_of_crashing(qtbot, open_window, relayed, home, admin, captured_messages):
    """Any page's query that reaches the exception hook with a lost-connection error: one short Vietnamese
    message (not the crash dialog, no crash file), the server marked down; a second one soon after stays quiet."""
    import sys

    from dxdesk.ui import crash

    db, relay = relayed
    win = open_window(db, admin, catalogue=False, size=None)
    qtbot.waitUntil(lambda: not win.status_busy(), timeout=10_000)
    crash.install(home.logs, lambda: win)
    crash._last_server_message[0] = -1e9
    relay.go_silent()
    try:
        for _ in range(2):
            try:
                stored_count(db)
            except Exception:  # noqa: BLE001 - the hook gets what a Qt slot would have raised
                sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = sys.__excepthook__
    shown = [m for m in captured_messages if "Không kết nối được máy chủ" in m[2]]
    assert len(shown) == 1 and [m for m in captured_messages if m[0] == "crash"] == []
    assert not list(home.logs.glob("crash-*.txt"))
    assert outbox.server_unreachable(db)
