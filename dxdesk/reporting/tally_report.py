"""The official tally report as data, and its number: what the command line and the Báo cáo page both call.

`build` gathers what the report shows into a plain `TallyReport` (the counts from `dxdesk.counting`, the heading
and signer from the report settings, the unit's name); `dxdesk.reports.tally_pdf` / `tally_docx` / `zalo` turn it
into bytes and never see the database. The number after "Số: " comes from the register (`dxdesk.reporting.numbers`):
`reserve` before the document is made, then `issue_files` (write the files, then register) or `issue_printed`
(printed: register) — with the one register title, `register_title`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from dxdesk import clock, counting
from dxdesk.i18n import _, official
from dxdesk.periods import Period
from dxdesk.reporting import numbers as reportnumbers
from dxdesk.reporting.issuer import ReportSettings, load
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings.profile import get_profile
from dxdesk.text import nfc


@dataclass
class ReportTexts:
    """What the clerk writes in: free text, checked with `clean_free_text` by whoever takes it in."""

    difficulties: str = ""
    proposals: str = ""
    next_plan: str = ""


@dataclass
class TallyReport:
    tally: counting.Tally
    breakdown: counting.Breakdown
    settings: ReportSettings
    number_text: str  # after "Số: " — "12/BC-TCNSCĐ", or "    /BC-TCNSCĐ" for a draft
    place: str
    day: dt.date
    doan: bool
    unit_name: str
    texts: ReportTexts = field(default_factory=ReportTexts)

    @property
    def subject(self) -> str:
        label = self.tally.period.label()
        label = label[:1].lower() + label[1:]
        return _("Results of the community digital technology team's work, {period}").format(period=label)

    @property
    def period_line(self) -> str:
        p = self.tally.period
        return _("(from {a} to {b})").format(a=p.start.strftime("%d/%m/%Y"), b=p.end.strftime("%d/%m/%Y"))


def draft_number(symbol: str, doan: bool = False) -> str:
    """The number line before a number is registered: blank for the clerk to write in."""
    return f"      -{symbol}" if doan else f"      /{symbol}"


@official  # an official document is Vietnamese, whatever the UI language (issue #18)
def prepare(db, period: Period, unit_code: str | None = None, doan: bool = False, texts: ReportTexts | None = None,
            number_text: str | None = None, day: dt.date | None = None,
            settings: ReportSettings | None = None) -> TallyReport:
    """Gather everything the report shows (no permission check: see `build`)."""
    settings = settings or load(db, doan)
    profile = get_profile(db)
    unit_name = ""
    if unit_code:
        from dxdesk.settings.units import find_unit

        entry = find_unit(unit_code)
        unit_name = entry.unit_name if entry else unit_code
    elif profile:
        unit_name = profile.display_name
    place = profile.place_name if profile else ""
    return TallyReport(
        tally=counting.compute(db, period, unit_code),
        breakdown=counting.breakdown(db, period, unit_code, weeks=False, matrix=False),  # channels, age, sex
        settings=settings,
        number_text=number_text or draft_number(settings.symbol, doan),
        place=place,
        day=day or clock.today(),
        doan=doan,
        unit_name=unit_name,
        texts=texts or ReportTexts(),
    )


def build(db, actor: Actor, period: Period, *, number_text: str | None = None, **kwargs) -> TallyReport:
    """The report as a user asks for it: checks `report.print`; NUMBER_TEXT is what follows "Số: " (a
    `Reservation`'s text, registered once the document is written), else a blank draft number."""
    require(actor, "report.print")
    return prepare(db, period, number_text=number_text, **kwargs)


# --- the number ------------------------------------------------------------------------------------------------


def reserve(db, actor: Actor, doan: bool, year: int, number: int | None = None) -> reportnumbers.Reservation:
    """The number the report of kind DOAN dated in YEAR will carry (NUMBER if still free); nothing is stored."""
    require(actor, "report.print")  # refused before anything is made
    return reportnumbers.reserve(db, load(db, doan).symbol, year, number, doan)


def next_number_text(db, doan: bool, year: int) -> str:
    """What "Số: " would read if a report of kind DOAN were registered now (nothing reserved)."""
    return reportnumbers.reserve(db, load(db, doan).symbol, year, doan=doan).text()


@official
def register_title(report: TallyReport) -> str:
    """The report's line in the register of numbers: its subject, in Vietnamese, NFC."""
    return nfc(report.subject)


def issue_files(db, actor: Actor, report: TallyReport, reservation: reportnumbers.Reservation,
                files: list[tuple[Path, Callable[[TallyReport], bytes]]], attempts: int = 3) -> reportnumbers.IssuedNumber:
    """Write each FILES entry (path, render(report) -> bytes) with the reserved number on it, then register the
    number (`reportnumbers.write_numbered`: no file and no number when anything fails; a number taken meanwhile is
    given up for the next one, up to ATTEMPTS). REPORT carries the number registered when this returns."""
    require(actor, "report.print")  # before any file is rendered or written

    def numbered(render: Callable[[TallyReport], bytes]) -> Callable[[str], bytes]:
        return lambda number_text: render(replace(report, number_text=number_text))

    issued = reportnumbers.write_numbered(db, actor, reservation, register_title(report), report.tally.period.key,
                                          [(path, numbered(render)) for path, render in files], attempts=attempts)
    report.number_text = issued.text(report.doan)
    return issued


def issue_printed(db, actor: Actor, report: TallyReport,
                  reservation: reportnumbers.Reservation) -> reportnumbers.IssuedNumber:
    """Register the reserved number of a report that has been printed (NumberTaken if another report got it)."""
    require(actor, "report.print")
    return reportnumbers.confirm(db, actor, reservation, register_title(report), report.tally.period.key)
