"""How the figures are said, the same on screen, on the command line and on paper: citizens are people,
shops are shops, products are products (never added together as "người dân")."""

from __future__ import annotations

from dxdesk.i18n import _
from dxdesk.vnformat import fmt_int


def counting_sentence(tally) -> str:
    """'6.100 citizens served (6.540 services given); 739 shops set up for e-payment; 189 products put online.'"""
    parts = [_("{citizens} citizens served ({services} services given)").format(
        citizens=fmt_int(tally.citizens), services=fmt_int(tally.services_total))]
    if tally.shops:
        parts.append(_("{n} shops set up for electronic payment").format(n=fmt_int(tally.shops)))
    if tally.products:
        parts.append(_("{n} products put online").format(n=fmt_int(tally.products)))
    return "; ".join(parts) + "."
