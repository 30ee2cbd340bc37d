"""Upload queue: packages wait in the `upload_queue` table (so they survive restarts) and are POSTed to the
configured endpoint, with back-off while the office is offline.

- The endpoint is an https:// address (plain http only to this computer, for tests); the token lives only in
  the OS keyring (`dxdesk.security.secrets`, name "upload.token:<database id>", so two databases on one PC keep their
  own) — never in settings, logs, answers or exports.
- Statuses: queued (waiting, maybe after a failed try: see next_try_at and last_answer), sent, failed
  (the server refused it: a 4xx answer other than 408/429; not retried until the user queues it again).
- The request: POST the .zip body, `Content-Type: application/zip`, `Authorization: Bearer <token>`,
  `X-Dxdesk-Sha256: <package sha>` so the server can ignore a package it already has."""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select

from dxdesk import clock
from dxdesk.db.models import UploadItem
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.i18n import _
from dxdesk.security import audit, secrets
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import store as settings

log = logging.getLogger(__name__)
_SENDING = threading.Lock()  # one sender at a time in this program (the page's "Gửi ngay" and the timer)


def background_actor() -> Actor:
    """Who the automatic sender acts as: it only sends packages a clerk already put in the queue."""
    return Actor(username="system:upload", role="clerk", display_name=_("automatic upload"))


def due_count(db, now: dt.datetime | None = None) -> int:
    """Queued packages whose next try is due (what the automatic sender would send now)."""
    now = now or clock.now()
    return sum(1 for e in queue(db) if e.status == "queued" and (e.next_try_at is None or e.next_try_at <= now))
TOKEN_NAME = "upload.token"  # + ":<database id>"; the bare name is read once from before issue #14


def token_name(db) -> str:
    from dxdesk.security.fieldcrypt import database_id

    return f"{TOKEN_NAME}:{database_id(db)}"


def get_token(db) -> str | None:
    """This database's upload token (a token stored under the old shared name is moved to this database's)."""
    token = secrets.get_secret(token_name(db))
    if token is None:
        token = secrets.get_secret(TOKEN_NAME)
        if token:
            secrets.set_secret(token_name(db), token)
    return token
TIMEOUT_S = 30
BACKOFF_FIRST_S = 30
BACKOFF_MAX_S = 3600
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class QueueEntry:
    id: int
    name: str
    sha256: str
    status: str
    attempts: int
    next_try_at: dt.datetime | None
    last_answer: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


def check_endpoint(url: str) -> str:
    url = (url or "").strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return url
    raise UserError(_("The upload address must start with https:// (for example https://sotttt.example.gov.vn/nhan)."))


def get_endpoint(db) -> str | None:
    with db.session() as session:
        return settings.get(session, settings.UPLOAD_ENDPOINT)


def configure(db, actor: Actor, endpoint: str, token: str | None = None) -> None:
    """Set the endpoint (settings table) and, when given, the token (keyring only)."""
    require(actor, "settings.manage")
    endpoint = check_endpoint(endpoint)
    if token is not None:
        token = token.strip()
        if not token:
            raise UserError(_("The access token is empty."))
        if not token.isascii() or not token.isprintable() or " " in token:
            raise UserError(_("The access token may only contain Latin letters, digits and signs, without spaces."))
        secrets.set_secret(token_name(db), token)
    with db.write() as session:
        settings.put(session, settings.UPLOAD_ENDPOINT, endpoint)
        audit.record(session, actor, "upload.configure", "setting", settings.UPLOAD_ENDPOINT.key, endpoint=endpoint,
                     token_changed=token is not None)


def enqueue(db, actor: Actor, path: Path) -> int:
    """Put a package in the queue (checked first, so a damaged file is refused now, not at the server)."""
    require(actor, "data.export")
    checked = pkg.check_package(Path(path))
    with db.write() as session:
        existing = session.scalar(select(UploadItem).where(UploadItem.sha256 == checked.sha256,
                                                           UploadItem.status.in_(("queued", "sent"))))
        if existing is not None:
            return existing.id
        item = UploadItem(path=str(Path(path).resolve()), sha256=checked.sha256, status="queued", attempts=0,
                          next_try_at=clock.now(), last_answer="", created_at=clock.now())
        session.add(item)
        session.flush()
        audit.record(session, actor, "upload.queue", "package", checked.sha256[:16], file=Path(path).name)
        return item.id


def requeue(db, actor: Actor, item_id: int) -> None:
    require(actor, "data.export")
    with db.write() as session:
        item = session.get(UploadItem, item_id)
        if item is None:
            raise UserError(_("This package is no longer in the queue."))
        item.status, item.next_try_at = "queued", clock.now()


def queue(db) -> list[QueueEntry]:
    with db.session() as session:
        rows = session.scalars(select(UploadItem).order_by(UploadItem.id.desc())).all()
        return [QueueEntry(r.id, Path(r.path).name, r.sha256, r.status, r.attempts, r.next_try_at, r.last_answer,
                           r.created_at, r.sent_at) for r in rows]


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(BACKOFF_FIRST_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address: urllib would re-send a POST as an empty GET (and the package
    would count as sent) and forward the token to wherever the redirect points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, token: str | None, path: Path, sha: str) -> tuple[int, str]:
    data = path.read_bytes()
    headers = {"Content-Type": "application/zip", "X-Dxdesk-Sha256": sha, "X-Dxdesk-Filename": path.name,
               "Content-Length": str(len(data))}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_S) as response:  # https or loopback only; no redirects
            return response.status, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2000).decode("utf-8", "replace")


def process_queue(db, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """Try every package that is due; returns {"sent": n, "failed": n, "waiting": n}."""
    require(actor, "data.export")
    endpoint = get_endpoint(db)
    if not endpoint:
        raise UserError(_("No upload address is set: enter it under Data exchange › Upload."))
    endpoint = check_endpoint(endpoint)
    token = get_token(db)
    with _SENDING:  # a second sender waits, then finds only what is still due
        return _process(db, actor, endpoint, token, now or clock.now())


def _process(db, actor: Actor, endpoint: str, token: str | None, now: dt.datetime) -> dict[str, int]:
    with db.session() as session:
        due = session.scalars(select(UploadItem).where(
            UploadItem.status == "queued", or_(UploadItem.next_try_at.is_(None), UploadItem.next_try_at <= now)
        ).order_by(UploadItem.id)).all()
    totals = {"sent": 0, "failed": 0, "waiting": 0}
    for item in due:
        path = Path(item.path)
        status, answer, retry = "queued", "", True
        if not path.is_file():
            status, answer, retry = "failed", _("The package file is missing: {path}").format(path=path), False
        else:
            try:
                code, body = _post(endpoint, token, path, item.sha256)
                answer = f"{code} {body.strip()}"[:1000]
                if 200 <= code < 300:
                    status, retry = "sent", False
                elif 300 <= code < 400:  # the address moved: the clerk must enter the new one (never followed)
                    status, retry = "failed", False
                    answer = _("The server answered with a redirect ({code}): check the upload address.").format(
                        code=code) + " " + answer
                elif 400 <= code < 500 and code not in (408, 429):
                    status, retry = "failed", False
            except (TimeoutError, urllib.error.URLError, http.client.HTTPException, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                answer = _("No connection to the server ({error}); will try again.").format(error=reason)
        if token:
            answer = answer.replace(token, "***")
        with db.write() as session:
            row = session.get(UploadItem, item.id)
            row.attempts += 1
            row.last_answer = answer
            row.status = status
            if status == "sent":
                row.sent_at, row.next_try_at = clock.now(), None
            elif retry:
                row.next_try_at = now + backoff(row.attempts)
            audit.record(session, actor, "upload.try", "package", item.sha256[:16], status=status,
                         attempts=row.attempts)
        totals["sent" if status == "sent" else "failed" if status == "failed" else "waiting"] += 1
        log.info("upload %s: %s (%s)", path.name, status, answer[:80])
    return totals
