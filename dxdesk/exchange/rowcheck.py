"""The checks of every row of a package's records.csv, before anything of it is merged (exchange/importer.py).

Each field of each row: the record UUID, the date (a work date inside the package's period), the time, the
channel and outcome, the service and its indicator (this database's catalogue), the count, the voided flag and
the volunteer pseudonym (length and the privacy filter of every free-text field). A bad row refuses the whole
package (`Refused`), naming its line."""

from __future__ import annotations

import datetime as dt
import re

from dxdesk import clock
from dxdesk.db.models import CHANNELS, OUTCOMES
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.text import find_forbidden

MAX_COUNT = 100_000
MAX_VOLUNTEER = 60
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_UUID_LINES = re.compile(r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n)*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}")


class Refused(Exception):
    """The package is refused for REASON (said to the user as "Package … refused: REASON")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Checker:
    """The checks of every field of every row. `check` tests a whole chunk at once (sets, one regular
    expression); when anything is wrong, `_check_rows` goes through the chunk row by row and refuses the
    package at the first bad line, with its line number."""

    def __init__(self, indicator_of: dict, period_from: dt.date, period_to: dt.date):
        self.indicator_of, self.period_from, self.period_to = indicator_of, period_from, period_to
        self.pairs = set(indicator_of.items())
        self.channels, self.outcomes = set(CHANNELS), set(OUTCOMES)
        self.good_dates: set[str] = set()
        self.good_times: set[str] = set()
        self.good_counts: set[str] = set()
        self.good_volunteers: set[str] = set()

    def check(self, rows: list, first_line: int) -> None:
        if not self._chunk_ok(rows):
            self._check_rows(rows, first_line)

    def _chunk_ok(self, rows: list) -> bool:
        if set(map(len, rows)) != {10}:
            return False
        uuids, dates, times, channels, outcomes, services, indicators, counts, volunteers, voided = zip(*rows, strict=True)
        joined = "\n".join(uuids) + "\n"  # exactly 37 characters per UUID line, each matching the pattern
        if len(joined) != 37 * len(uuids) or _UUID_LINES.fullmatch(joined) is None:
            return False
        new_dates = set(dates) - self.good_dates
        if not all(self._date_ok(d) for d in new_dates):
            return False
        new_times = set(times) - self.good_times
        if not all(_time_ok(t) for t in new_times):
            return False
        new_counts = set(counts) - self.good_counts
        if not all(_count_ok(c) for c in new_counts):
            return False
        if not (set(channels) <= self.channels and set(outcomes) <= self.outcomes
                and set(zip(services, indicators, strict=True)) <= self.pairs and set(voided) <= {"0", "1"}
                and max(map(len, volunteers)) <= MAX_VOLUNTEER):
            return False
        new_volunteers = set(volunteers) - self.good_volunteers
        if any(find_forbidden(v) for v in new_volunteers):  # the same privacy filter as every free-text field
            return False
        self.good_volunteers |= new_volunteers
        self.good_dates |= new_dates
        self.good_times |= new_times
        self.good_counts |= new_counts
        return True

    def _date_ok(self, date: str) -> bool:
        try:
            day = dt.date.fromisoformat(date) if _DATE.fullmatch(date) else None
        except ValueError:
            day = None
        return day is not None and self.period_from <= day <= self.period_to and work_date_problem(day) is None


    def _check_rows(self, rows: list, first_line: int) -> None:
        for line, row in enumerate(rows, first_line):
            if len(row) != 10:
                raise Refused(_("line {line} of records.csv has {n} fields, not 10.").format(line=line, n=len(row)))
            uuid, date, time, channel, outcome, service, indicator, count, volunteer, voided = row
            if not _UUID.fullmatch(uuid):
                raise Refused(_("line {line}: '{value}' is not a record UUID.").format(line=line, value=shown(uuid, 40)))
            if not self._date_ok(date):
                try:
                    day = dt.date.fromisoformat(date) if _DATE.fullmatch(date) else None
                except ValueError:
                    day = None
                if day is None:
                    raise Refused(_("line {line}: the date '{value}' does not parse (YYYY-MM-DD).").format(
                        line=line, value=shown(date, 40)))
                if work_date_problem(day):
                    raise Refused(_("line {line}: {reason}").format(line=line, reason=work_date_problem(day)))
                raise Refused(_("line {line}: the date {value} is outside the package's period.").format(
                    line=line, value=date))
            if not _time_ok(time):
                raise Refused(_("line {line}: the time '{value}' does not parse (HH:MM:SS).").format(
                    line=line, value=shown(time, 40)))
            if channel not in self.channels or outcome not in self.outcomes:
                raise Refused(_("line {line}: unknown channel or outcome.").format(line=line))
            expected = self.indicator_of.get(service)
            if expected is None:
                raise Refused(_("line {line}: unknown service '{value}'.").format(line=line, value=shown(service, 40)))
            if expected != indicator:
                raise Refused(_("line {line}: service {service} belongs to indicator {expected}, not '{value}'.").format(
                    line=line, service=service, expected=expected, value=shown(indicator, 40)))
            if not _count_ok(count):
                raise Refused(_("line {line}: the count '{value}' is not a whole number from 1 to 100.000.").format(
                    line=line, value=shown(count, 20)))
            if voided not in ("0", "1"):
                raise Refused(_("line {line}: voided must be 0 or 1.").format(line=line))
            if len(volunteer) > MAX_VOLUNTEER:
                raise Refused(_("line {line}: the volunteer field is too long.").format(line=line))
            reason = find_forbidden(volunteer)
            if reason:
                raise Refused(_("line {line}: the volunteer field: {reason}").format(line=line, reason=reason))


def work_date_problem(day: dt.date) -> str | None:
    """Why a record may not be dated DAY (clock.check_work_date, the one date rule of records), or None."""
    try:
        clock.check_work_date(day)
    except UserError as exc:
        return exc.message
    return None


def shown(value: str, n: int) -> str:
    """VALUE as a message may show it: at most N characters, control characters (a line break…) as '?'."""
    return "".join(c if c.isprintable() else "?" for c in value[:n])


def _time_ok(time: str) -> bool:
    try:
        return bool(_TIME.fullmatch(time)) and dt.time.fromisoformat(time) is not None
    except ValueError:
        return False


def _count_ok(count: str) -> bool:
    return count.isascii() and count.isdigit() and 1 <= int(count) <= MAX_COUNT
