"""Local time of the counter: Asia/Ho_Chi_Minh, whatever the PC's time zone is set to."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> dt.datetime:
    """Naive local (Vietnam) time, as stored in the database."""
    return dt.datetime.now(VN_TZ).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return now().date()


# dxdesk's records start with the national digital-transformation programme; nothing is dated before it.
EARLIEST_WORK_DATE = dt.date(2020, 1, 1)


def check_work_date(day: dt.date) -> None:
    """THE rule for the date of a record, wherever one comes from (counter, `log`, offline outbox, imported
    packages): not before 01/01/2020 and not after tomorrow (a PC clock a little ahead is tolerated).
    Raises UserError with the reason."""
    from dxdesk.errors import UserError
    from dxdesk.i18n import _

    if day < EARLIEST_WORK_DATE:
        raise UserError(_("The date {d} is before {first}: dxdesk keeps no record that old.").format(
            d=f"{day.day:02d}/{day.month:02d}/{day.year:04d}", first=EARLIEST_WORK_DATE.strftime("%d/%m/%Y")))
    if day > today() + dt.timedelta(days=1):
        raise UserError(_("The date {d} is in the future.").format(d=day.strftime("%d/%m/%Y")))
