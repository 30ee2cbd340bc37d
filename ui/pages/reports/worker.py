"""Counting and rendering off the UI thread (a `dxdesk.ui.background.Job`): 'preview' (PDF), 'pdf', 'docx', 'zalo'
(PNG), 'dashboard' (data). A failure is logged by the job and said in one short sentence; a UserError in its own
words."""

from __future__ import annotations

import datetime as dt

from dxdesk.ui.background import Job

from dxdesk import counting
from dxdesk.periods import Period
from dxdesk.reporting import tally_report

STEPS = 3


class Cancelled(Exception):
    """The page asked for something else (or the user pressed Cancel) while this was being made."""


def make_report(job: Job, db, actor, period: Period, doan: bool, texts, day: dt.date, purpose: str,
                number_text: str | None, unit_code: str | None) -> dict:
    job.progress(0, STEPS)
    if purpose == "dashboard":
        return {"tally": counting.compute(db, period, unit_code), "breakdown": counting.breakdown(db, period, unit_code)}
    what = dict(unit_code=unit_code, doan=doan, texts=texts, day=day, number_text=number_text)
    if purpose in ("pdf", "docx"):  # the document itself: what `report tally` makes, checked the same
        report = tally_report.build(db, actor, period, **what)
    else:  # page 1's preview and the Zalo card: any role that sees the page
        report = tally_report.prepare(db, period, **what)
    if not job.progress(1, STEPS):
        raise Cancelled
    result = {"report": report}
    if purpose == "zalo":
        from dxdesk.reports import zalo

        result["png"] = zalo.render(report.tally, report.unit_name, day)
    elif purpose == "docx":
        from dxdesk.reports import tally_docx

        result["docx"] = tally_docx.render(report)
    else:
        from dxdesk.reports import tally_pdf

        result["pdf"] = tally_pdf.render(report)
    if not job.progress(STEPS, STEPS):
        raise Cancelled
    return result


def report_job(db, actor, period: Period, doan: bool, texts, day: dt.date, purpose: str,
               number_text: str | None = None, unit_code: str | None = None) -> Job:
    """The job that makes what PURPOSE asks for; UNIT_CODE: one commune of a province database (None: all)."""
    return Job(lambda job: make_report(job, db, actor, period, doan, texts, day, purpose, number_text, unit_code),
               what=f"report ({purpose})", takes_job=True, cancelled=(Cancelled,))
