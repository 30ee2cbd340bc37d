"""The upload queue against a small HTTP server on 127.0.0.1 started here: it accepts, rejects, drops the
connection, is down; the queue survives a restart (it is a database table); the token stays in the keyring."""

import datetime as dt
import http.server
import json
import threading

import pytest
from sqlalchemy import select

from dxdesk import clock
from dxdesk.counter.records import NewRecord, log_record
from dxdesk.database import open_database
from dxdesk.db.models import AuditEvent, Setting
from dxdesk.errors import UserError
from dxdesk.exchange import upload
from dxdesk.exchange.export import export_package
from dxdesk.periods import parse_period
from dxdesk.settings.profile import set_profile

TOKEN = "tok-9f2c-XyZ_s3cr3t"


class Server:
    """mode: accept | reject | drop | busy | redirect. Records what it received."""

    def __init__(self):
        self.mode = "accept"
        self.received: list[dict] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # only a client that followed a redirect comes here
                owner.received.append({"auth": self.headers.get("Authorization"), "method": "GET"})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if owner.mode == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                owner.received.append({"auth": self.headers.get("Authorization"), "sha": self.headers.get("X-Dxdesk-Sha256"),
                                       "size": len(body), "type": self.headers.get("Content-Type")})
                if owner.mode == "redirect":  # "moved": a client that follows it re-sends an empty GET with the token
                    self.send_response(302)
                    self.send_header("Location", owner.url.replace("/nhan", "/moi"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                code, text = {"accept": (200, "Đã nhận gói"), "reject": (422, f"Sai mã đơn vị {TOKEN}"),
                              "busy": (503, "Bận")}[owner.mode]
                data = text.encode("utf-8")
                self.send_response(code)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/nhan"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def commune(db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code="28249")
    log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 3, 5, 9, 30)))
    return db


def make_package(db, admin, tmp_path, name="p.zip"):
    return export_package(db, admin, parse_period("2025"), tmp_path / name).path


def statuses(db):
    return [(e.name, e.status, e.attempts) for e in upload.queue(db)]


def test_accepts_rejects_drops_and_down(commune, admin, tmp_path, server, memory_keyring):
    db = commune
    upload.configure(db, admin, server.url, TOKEN)
    with db.session() as s:
        assert TOKEN not in "".join(v.value for v in s.scalars(select(Setting)))
        assert TOKEN not in "".join(e.details for e in s.scalars(select(AuditEvent)))
    assert memory_keyring.store[("dxdesk", upload.token_name(db))] == TOKEN

    a = make_package(db, admin, tmp_path, "a.zip")
    upload.enqueue(db, admin, a)
    upload.enqueue(db, admin, a)  # the same package twice: one entry
    assert upload.process_queue(db, admin) == {"sent": 1, "failed": 0, "waiting": 0}
    assert server.received[0]["auth"] == f"Bearer {TOKEN}" and server.received[0]["type"] == "application/zip"
    assert server.received[0]["size"] == a.stat().st_size
    (entry,) = upload.queue(db)
    assert (entry.status, entry.attempts, entry.last_answer) == ("sent", 1, "200 Đã nhận gói")

    log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 3, 6, 9, 30)))
    b = make_package(db, admin, tmp_path, "b.zip")
    upload.enqueue(db, admin, b)
    server.mode = "reject"
    assert upload.process_queue(db, admin)["failed"] == 1
    rejected = upload.queue(db)[0]
    assert rejected.status == "failed" and rejected.last_answer == "422 Sai mã đơn vị ***"  # token never echoed

    upload.requeue(db, admin, rejected.id)
    server.mode = "drop"
    assert upload.process_queue(db, admin)["waiting"] == 1
    dropped = upload.queue(db)[0]
    assert dropped.status == "queued" and "thử lại" in dropped.last_answer
    assert dropped.next_try_at > clock.now()
    # not due yet: nothing is tried
    assert upload.process_queue(db, admin) == {"sent": 0, "failed": 0, "waiting": 0}

    server.stop()  # the server is down
    later = clock.now() + dt.timedelta(hours=2)
    assert upload.process_queue(db, admin, now=later)["waiting"] == 1
    down = upload.queue(db)[0]
    assert down.status == "queued" and down.attempts == 3 and down.next_try_at - later >= dt.timedelta(seconds=119)


def test_queue_survives_a_restart_in_the_middle(home, admin, tmp_path, server):
    db = open_database(None, home)
    set_profile(db, admin, "82", unit_code="28249")
    log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 3, 5, 9, 30)))
    upload.configure(db, admin, server.url, TOKEN)
    path = make_package(db, admin, tmp_path)
    upload.enqueue(db, admin, path)
    server.mode = "busy"
    assert upload.process_queue(db, admin)["waiting"] == 1
    db.dispose()  # the program is closed

    reopened = open_database(None, home)
    assert [(e.status, e.attempts) for e in upload.queue(reopened)] == [("queued", 1)]
    assert "503 Bận" == upload.queue(reopened)[0].last_answer
    server.mode = "accept"
    assert upload.process_queue(reopened, admin, now=clock.now() + dt.timedelta(hours=1))["sent"] == 1
    assert statuses(reopened) == [("p.zip", "sent", 2)]
    assert len(server.received) == 2 and server.received[-1]["sha"] == upload.queue(reopened)[0].sha256
    reopened.dispose()


def test_bad_endpoint_and_damaged_package_are_refused(commune, admin, tmp_path):
    for bad in ("http://example.com/x", "ftp://127.0.0.1/", "sotttt.gov.vn"):
        with pytest.raises(UserError, match="https://"):
            upload.configure(commune, admin, bad, TOKEN)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(UserError, match="Từ chối gói broken.zip"):
        upload.enqueue(commune, admin, broken)
    assert upload.queue(commune) == []
    with pytest.raises(UserError, match="địa chỉ"):
        upload.process_queue(commune, admin)
    assert json.dumps(upload.backoff(1).total_seconds()) == "30.0" and upload.backoff(20).total_seconds() == 3600


def test_a_redirect_is_not_followed_and_not_counted_as_sent(commune, admin, tmp_path, server):
    upload.configure(commune, admin, server.url, TOKEN)
    upload.enqueue(commune, admin, make_package(commune, admin, tmp_path))
    server.mode = "redirect"
    assert upload.process_queue(commune, admin) == {"sent": 0, "failed": 1, "waiting": 0}
    entry = upload.queue(commune)[0]
    assert entry.status == "failed" and "chuyển hướng (302)" in entry.last_answer
    assert [r.get("method") for r in server.received] == [None]  # one POST; the token never went anywhere else
