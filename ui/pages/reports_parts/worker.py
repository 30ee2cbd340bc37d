"""Counting and rendering off the UI thread: 'preview' (PDF), 'pdf', 'docx', 'zalo' (PNG), 'dashboard' (data)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QRunnable, Signal

from dxdesk import counting
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.periods import Period


class _Signals(QObject):
    progress = Signal(int, int, int)  # step, steps, generation
    done = Signal(object, int)  # result dict, generation
    failed = Signal(str, int)


class ReportWorker(QRunnable):
    """Counts, then renders what was asked: 'preview' (PDF), 'pdf', 'docx', 'zalo' (PNG), 'dashboard' (data)."""

    def __init__(self, db, actor, period: Period, doan: bool, texts, day: dt.date, purpose: str, generation: int,
                 number_text: str | None = None, unit_code: str | None = None):
        super().__init__()
        self.db, self.actor, self.period, self.doan, self.texts, self.day = db, actor, period, doan, texts, day
        self.unit_code = unit_code  # one commune of a province database; None: the whole database
        self.purpose, self.generation, self.number_text = purpose, generation, number_text
        self.signals = _Signals()
        self.cancel = False

    def run(self) -> None:
        from dxdesk.reports import tally_pdf

        from dxdesk import tally_report

        steps = 3
        try:
            self.signals.progress.emit(0, steps, self.generation)
            if self.purpose == "dashboard":
                result = {"tally": counting.compute(self.db, self.period, self.unit_code),
                          "breakdown": counting.breakdown(self.db, self.period, self.unit_code)}
                self.signals.done.emit(result, self.generation)
                return
            what = dict(unit_code=self.unit_code, doan=self.doan, texts=self.texts, day=self.day,
                        number_text=self.number_text)
            if self.purpose in ("pdf", "docx"):  # the document itself: what `report tally` makes, checked the same
                report = tally_report.build(self.db, self.actor, self.period, **what)
            else:  # page 1's preview and the Zalo card: any role that sees the page
                report = tally_report.prepare(self.db, self.period, **what)
            self.signals.progress.emit(1, steps, self.generation)
            if self.cancel:
                return
            result = {"report": report}
            if self.purpose == "zalo":
                from dxdesk.reports import zalo

                result["png"] = zalo.render(report.tally, report.unit_name, self.day)
            elif self.purpose == "docx":
                from dxdesk.reports import tally_docx

                result["docx"] = tally_docx.render(report)
            else:
                result["pdf"] = tally_pdf.render(report)
            self.signals.progress.emit(steps, steps, self.generation)
            if not self.cancel:
                self.signals.done.emit(result, self.generation)
        except UserError as exc:
            self.signals.failed.emit(str(exc), self.generation)
        except Exception as exc:  # noqa: BLE001 - shown on the page, never a crash in a thread
            self.signals.failed.emit(_("The report could not be made: {error}").format(error=exc), self.generation)


