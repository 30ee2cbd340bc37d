"""The automatic upload sender: a queued package goes to the server without anyone pressing "Gửi ngay"; while
the server is down it stays queued with back-off and the status bar says so; a due-but-not-yet retry is not
sent early; nothing happens without an address."""

import datetime as dt

import pytest
from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.exchange.upload_sender import UploadSender

from dxdesk import clock
from dxdesk.counter.records import NewRecord, log_record
from dxdesk.exchange import upload
from dxdesk.settings.profile import set_profile
from tests.integration.test_upload_queue import TOKEN, Server, make_package


@pytest.fixture
def commune(db, admin):
    set_profile(db, admin, "82", unit_code="28249")
    log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 3, 5, 9, 30)))
    return db


def sender(qtbot, db, home, admin):
    ctx = PageContext(db, home, admin)
    messages = []
    ctx.events.status_message.connect(messages.append)
    s = UploadSender(ctx, interval_ms=3_600_000, first_ms=-1)  # the test ticks by hand
    return s, messages


def test_sends_queued_package_in_the_background(qtbot, commune, home, admin, tmp_path):
    server = Server()
    try:
        upload.configure(commune, admin, server.url, TOKEN)
        upload.enqueue(commune, admin, make_package(commune, admin, tmp_path))
        s, messages = sender(qtbot, commune, home, admin)
        with qtbot.waitSignal(s.finished, timeout=20_000) as blocker:
            assert s.tick()
            assert not s.tick()  # never two sends at once
        assert blocker.args[0]["sent"] == 1
        assert [e.status for e in upload.queue(commune)] == ["sent"]
        assert len(server.received) == 1 and server.received[0]["auth"] == f"Bearer {TOKEN}"
        assert messages == ["Gửi lên: đã gửi 1 gói."]
        with qtbot.waitSignal(s.finished, timeout=20_000) as again:
            assert s.tick()
        assert again.args[0] == {"idle": True} and len(server.received) == 1  # nothing due any more
    finally:
        server.stop()


def test_server_down_stays_queued_and_waits_for_back_off(qtbot, commune, home, admin, tmp_path):
    server = Server()
    url = server.url
    server.stop()  # the province's server is down
    upload.configure(commune, admin, url, TOKEN)
    upload.enqueue(commune, admin, make_package(commune, admin, tmp_path))
    s, messages = sender(qtbot, commune, home, admin)
    with qtbot.waitSignal(s.finished, timeout=20_000):
        assert s.tick()
    entry = upload.queue(commune)[0]
    assert entry.status == "queued" and entry.attempts == 1 and entry.next_try_at > clock.now()
    assert messages == ["Gửi lên: chưa gửi được (mất kết nối hoặc máy chủ bận); sẽ thử lại sau."]
    with qtbot.waitSignal(s.finished, timeout=20_000) as again:
        s.tick()
    assert again.args[0] == {"idle": True}  # the back-off is respected: not due yet
    assert upload.queue(commune)[0].attempts == 1
    assert upload.due_count(commune, entry.next_try_at + dt.timedelta(seconds=1)) == 1


def test_nothing_without_an_address(qtbot, commune, home, admin, tmp_path):
    s, messages = sender(qtbot, commune, home, admin)
    upload.enqueue(commune, admin, make_package(commune, admin, tmp_path))
    with qtbot.waitSignal(s.finished, timeout=20_000) as blocker:
        s.tick()
    assert blocker.args[0] == {"idle": True} and messages == []
    assert upload.queue(commune)[0].attempts == 0


def test_a_refused_package_is_said_in_the_status_bar(qtbot, commune, home, admin, tmp_path):
    server = Server()
    server.mode = "reject"
    try:
        upload.configure(commune, admin, server.url, TOKEN)
        upload.enqueue(commune, admin, make_package(commune, admin, tmp_path))
        s, messages = sender(qtbot, commune, home, admin)
        with qtbot.waitSignal(s.finished, timeout=20_000):
            s.tick()
        assert messages == ["Gửi lên: máy chủ từ chối 1 gói — xem Trao đổi dữ liệu."]
    finally:
        server.stop()
