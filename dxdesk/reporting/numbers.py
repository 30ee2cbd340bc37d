"""The register of report numbers: "Số: 12/BC-TCNSCĐ" never repeats within a year for the same symbol."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dxdesk import clock
from dxdesk.db.models import ReportNumber
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.text import clean_free_text, nfc


@dataclass(frozen=True)
class IssuedNumber:
    year: int
    symbol: str
    number: int
    title: str
    period_key: str
    created_at: dt.datetime
    created_by: str

    def text(self, doan: bool = False) -> str:
        """How it is written after "Số: ": 12/BC-UBND (state bodies) or 12-BC/ĐTN (Youth Union documents)."""
        return f"{self.number}-{self.symbol}" if doan else f"{self.number}/{self.symbol}"


def _clean_symbol(symbol: str) -> str:
    symbol = nfc((symbol or "").strip()).upper()
    if not symbol or len(symbol) > 40 or any(ch.isspace() for ch in symbol):
        raise UserError(_("The document symbol must be short and without spaces, e.g. BC-UBND."))
    return symbol


def next_number(db, symbol: str, year: int) -> int:
    """The number the next report with SYMBOL in YEAR will get (nothing is reserved)."""
    symbol = _clean_symbol(symbol)
    with db.session() as session:
        last = session.scalar(select(func.max(ReportNumber.number)).where(
            ReportNumber.year == year, ReportNumber.symbol == symbol))
    return int(last or 0) + 1


@dataclass(frozen=True)
class Reservation:
    """The number a report about to be written will carry. Nothing is stored: `confirm` (or `write_numbered`)
    registers it once the document exists, so a failed or cancelled run leaves no gap in the register."""

    year: int
    symbol: str
    number: int
    doan: bool = False
    asked: bool = False  # the user asked for this number (it is not moved on when taken)

    def text(self) -> str:
        return IssuedNumber(self.year, self.symbol, self.number, "", "", clock.now(), "").text(self.doan)


class NumberTaken(UserError):
    """Another report was given the reserved number while this one was being written."""


def reserve(db, symbol: str, year: int, number: int | None = None, doan: bool = False) -> Reservation:
    """NUMBER if it is still free (else a UserError), or the next free number of SYMBOL in YEAR."""
    symbol = _clean_symbol(symbol)
    if number is None:
        return Reservation(year, symbol, next_number(db, symbol, year), doan)
    if not isinstance(number, int) or number < 1:
        raise UserError(_("A report number must be a whole number of 1 or more."))
    with db.session() as session:
        if session.scalar(select(ReportNumber.id).where(ReportNumber.year == year, ReportNumber.symbol == symbol,
                                                        ReportNumber.number == number)) is not None:
            raise UserError(_("Number {n}/{symbol} has already been given to a report in {year}.").format(
                n=number, symbol=symbol, year=year))
    return Reservation(year, symbol, number, doan, asked=True)


def confirm(db, actor: Actor, reservation: Reservation, title: str, period_key: str) -> IssuedNumber:
    """Register RESERVATION now that its document has been written or printed; NumberTaken when another report
    got that number meanwhile (the caller makes the document again with a new reservation)."""
    require(actor, "report.print")  # before anything is looked at (issue checks it again when it registers)
    try:
        return issue(db, actor, reservation.symbol, title, period_key, year=reservation.year, number=reservation.number)
    except NumberTaken:
        raise
    except UserError as exc:
        if "đã cấp" in str(exc) or "already been given" in str(exc):
            raise NumberTaken(str(exc)) from None
        raise


def write_numbered(db, actor: Actor, reservation: Reservation, title: str, period_key: str,
                   files: list[tuple[Path, Callable[[str], bytes]]], attempts: int = 3) -> IssuedNumber:
    """Write each FILES entry (path, render(number_text) -> bytes) beside its place as '.part', register the
    number, then move the files into place. A render or write that fails leaves no file and no number; a number
    taken meanwhile by another report is given up and the files made again with the next one (unless the user
    asked for that number: then NumberTaken)."""
    from dxdesk.paths import replaced_when_done

    require(actor, "report.print")  # before any file is rendered or written

    for _attempt in range(attempts):
        try:
            with contextlib.ExitStack() as stack:
                for path, render in files:
                    part = stack.enter_context(replaced_when_done(path))
                    try:
                        part.write_bytes(render(reservation.text()))
                    except OSError as exc:
                        raise UserError(_("The file could not be written: {reason}").format(
                            reason=exc.strerror or str(exc))) from None
                try:
                    return confirm(db, actor, reservation, title, period_key)  # the files then move into place
                except NumberTaken:
                    if reservation.asked:
                        raise
                    raise _Again() from None  # the '.part' files with the taken number are removed on the way out
        except _Again:
            reservation = reserve(db, reservation.symbol, reservation.year, doan=reservation.doan)
    raise UserError(_("No report number could be registered; try again."))


class _Again(Exception):
    pass


def issue(db, actor: Actor, symbol: str, title: str, period_key: str, year: int | None = None,
          number: int | None = None) -> IssuedNumber:
    """Register a number for a report (the next free one, or NUMBER if given and still free); audited."""
    require(actor, "report.print")
    symbol = _clean_symbol(symbol)
    title = clean_free_text(title, max_length=300)
    year = year or clock.today().year
    if number is not None and (not isinstance(number, int) or number < 1):
        raise UserError(_("A report number must be a whole number of 1 or more."))
    for _attempt in range(5):
        try:
            with db.write() as session:
                if number is None:
                    last = session.scalar(select(func.max(ReportNumber.number)).where(
                        ReportNumber.year == year, ReportNumber.symbol == symbol))
                    chosen = int(last or 0) + 1
                else:
                    taken = session.scalar(select(ReportNumber.id).where(
                        ReportNumber.year == year, ReportNumber.symbol == symbol, ReportNumber.number == number))
                    if taken is not None:
                        raise UserError(_("Number {n}/{symbol} has already been given to a report in {year}.").format(
                            n=number, symbol=symbol, year=year))
                    chosen = number
                now = clock.now()
                row = ReportNumber(year=year, symbol=symbol, number=chosen, title=title, period_key=period_key,
                                   created_at=now, created_by=actor.username)
                session.add(row)
                session.flush()
                audit.record(session, actor, "report.number", "report_number", f"{chosen}/{symbol}/{year}",
                             title=title, period=period_key)
            return IssuedNumber(year, symbol, chosen, title, period_key, now, actor.username)
        except IntegrityError:
            if number is not None:
                raise UserError(_("Number {n}/{symbol} has already been given to a report in {year}.").format(
                    n=number, symbol=symbol, year=year)) from None
            continue  # someone took the same number at the same moment: take the next one
    raise UserError(_("No report number could be registered; try again."))


def list_numbers(db, year: int) -> list[IssuedNumber]:
    with db.session() as session:
        rows = session.scalars(select(ReportNumber).where(ReportNumber.year == year)
                               .order_by(ReportNumber.symbol, ReportNumber.number)).all()
        return [IssuedNumber(r.year, r.symbol, r.number, r.title, r.period_key, r.created_at, r.created_by)
                for r in rows]
