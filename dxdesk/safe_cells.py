"""Neutralise spreadsheet formula injection in exported cells (CSV and XLSX).

A spreadsheet program treats a cell that starts with = + - @ (and, in some programs, a tab or carriage return)
as a formula: a commune or team name typed as ``=HYPERLINK("http://…","Bấm")`` would become a live link in
the province's Excel. Every free-text cell dxdesk exports (the tally workbook, the data package, the journal) goes through :func:`safe_cell`, which prefixes such a
value with an apostrophe (the OWASP recommendation): the cell then shows the text as typed and runs nothing.
Numbers are written as numbers, never as text, so a negative number stays a number."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(value: object) -> bool:
    """True when VALUE is a string a spreadsheet could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: object) -> object:
    """VALUE made inert for a spreadsheet cell: dangerous strings get a leading apostrophe; others unchanged."""
    return "'" + value if is_dangerous(value) else value
