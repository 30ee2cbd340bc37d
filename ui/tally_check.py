"""Once a day, in the background: the daily tallies recomputed from the records and compared (`counting.check`);
a difference is repaired, logged and audited there, and the window says so in its status bar."""

from __future__ import annotations

import logging

from dxdesk.ui.background import Job
from PySide6.QtCore import QObject, QThreadPool, QTimer

from dxdesk import counting
from dxdesk.i18n import _

log = logging.getLogger(__name__)
FIRST_DELAY_MS = 45_000  # after start-up, once the counter has settled
EVERY_MS = 3_600_000  # then look every hour whether the day has changed


class DailyTallyCheck(QObject):
    """Owned by the main window: runs the check when it has not run today (one at a time)."""

    def __init__(self, ctx, parent=None, first_delay_ms: int = FIRST_DELAY_MS):
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.timer = QTimer(self, interval=EVERY_MS)
        self.timer.timeout.connect(self.run_if_due)
        self.timer.start()
        QTimer.singleShot(first_delay_ms, self.run_if_due)

    def run_if_due(self) -> Job | None:
        if self.job is not None:
            return None
        try:
            if not counting.check_due(self.ctx.db):
                return None
        except Exception:  # noqa: BLE001 - a lost shared server: the status bar says so already
            log.info("daily tally check skipped: database not reachable", exc_info=True)
            return None
        actor = self.ctx.actor

        def work():
            result = counting.check(self.ctx.db, actor)
            counting.mark_checked(self.ctx.db)
            return result

        self.job = job = Job(work, what="daily tally check")
        job.signals.done.connect(self._done)
        job.signals.failed.connect(self._failed)
        QThreadPool.globalInstance().start(job)
        return job

    def _done(self, result) -> None:
        self.job = None
        if result.repaired:
            self.ctx.events.status_message.emit(
                _("The daily tallies differed from the records in {n} places and were repaired.").format(
                    n=len(result.differences)))
            self.ctx.events.records_changed.emit()

    def _failed(self, text: str) -> None:
        self.job = None
        log.warning("daily tally check failed: %s", text)
