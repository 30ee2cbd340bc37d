"""Numbers on the command line: whole numbers within a range, refused by argparse with one line (exit 2) before
anything runs — never an OverflowError from the database for `--volunteer 99999999999999999999`."""

from __future__ import annotations

import argparse
import re

from dxdesk.i18n import _

ID_MAX = 2**31 - 1  # ids are INTEGER columns (32 bits on PostgreSQL)
_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")  # ASCII digits: int() would also read '١٢' as 12


def whole(lo: int, hi: int):
    """An argparse type: a whole number from LO to HI."""

    def parse(text: str) -> int:
        value = text.strip()
        if not _WHOLE.fullmatch(value):
            raise argparse.ArgumentTypeError(_("'{v}' is not a whole number").format(v=text[:30]))
        number = int(value)
        if not lo <= number <= hi:
            raise argparse.ArgumentTypeError(_("{v} is not between {lo} and {hi}").format(v=value[:30], lo=lo, hi=hi))
        return number

    parse.__name__ = "whole"
    return parse


ID = whole(1, ID_MAX)  # a record, volunteer, shift or report id
NUMBER = whole(-(10**18), 10**18)  # a count, a target, a number of days: the domain function says what range

