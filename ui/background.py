"""Background work for pages and dialogs: one QRunnable that runs a function off the UI thread and reports
back through Qt signals (delivered to the main thread, where widgets may be touched).

    job = Job(lambda job: export_package(..., progress=job.progress), what="export", takes_job=True,
              cancelled=(Cancelled,))
    job.signals.done.connect(...)      # the function's result
    job.signals.failed.connect(...)    # one sentence for the user: a UserError's message, or "unexpected error"
    job.signals.cancelled.connect(...) # the function raised one of CANCELLED after job.stop was set
    QThreadPool.globalInstance().start(job)

A function that takes the job (`takes_job=True`) can report `job.progress(done, total)` (which returns False
once the user asked to cancel, i.e. `job.stop` is set) and emit `job.signals.item(text, ok)` lines."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from dxdesk.errors import UserError
from dxdesk.i18n import _

log = logging.getLogger(__name__)
_MAX_INT = 2**31 - 1  # Qt signals carry C ints


class JobSignals(QObject):
    progress = Signal(int, int)
    item = Signal(str, bool)  # one line of a result list, ok?
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Job(QRunnable):
    """Runs FN off the UI thread: FN(job) with TAKES_JOB, else FN(). Never raises: a UserError becomes
    `failed(message)`, any other exception is logged (WHAT names the job) and becomes `failed` with one
    sentence, and one of the CANCELLED exception types becomes `cancelled`."""

    signals_class: type[JobSignals] = JobSignals  # a subclass may add signals of its own (see deliver)

    def __init__(self, fn: Callable, *, what: str = "background job", takes_job: bool = False,
                 cancelled: tuple[type[BaseException], ...] = ()):
        super().__init__()
        self.fn, self.what, self.takes_job, self.cancelled_types = fn, what, takes_job, cancelled
        self.stop = threading.Event()
        self.signals = self.signals_class()

    def deliver(self, result) -> None:
        """Hand the function's result to the main thread (off the UI thread: emit signals only)."""
        self.signals.done.emit(result)

    def progress(self, done: int, total: int) -> bool:
        """Report progress (thread-safe); False once the user asked to cancel."""
        self.signals.progress.emit(min(done, _MAX_INT), min(max(total, 1), _MAX_INT))
        return not self.stop.is_set()

    def run(self) -> None:
        try:
            result = self.fn(self) if self.takes_job else self.fn()
        except UserError as exc:
            self.signals.failed.emit(exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a bug: logged, one sentence for the user
            if self.cancelled_types and isinstance(exc, self.cancelled_types):
                self.signals.cancelled.emit()
                return
            log.exception("%s failed", self.what)
            self.signals.failed.emit(_("Unexpected error; details are in the log file."))
            return
        self.deliver(result)
