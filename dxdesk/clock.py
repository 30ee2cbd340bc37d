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
