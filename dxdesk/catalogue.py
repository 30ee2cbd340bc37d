"""The service catalogue and its indicators: shipped as data in resources/, loaded into the database once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import func, select

from dxdesk.db.models import Indicator, Service
from dxdesk.errors import UserError
from dxdesk.i18n import _, language

DEFAULT_PROFILE = "dong-thap"


@lru_cache(maxsize=4)
def shipped_catalogue(profile: str = DEFAULT_PROFILE) -> dict:
    with (files("dxdesk.resources") / "catalogue" / f"{profile}.json").open("r", encoding="utf-8") as fh:
        return json.load(fh)


def ensure_catalogue(db, profile: str = DEFAULT_PROFILE) -> None:
    """Load the shipped catalogue into an empty database; later edits in the database are kept."""
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(Service)):
            return
    data = shipped_catalogue(profile)
    with db.write() as session:
        if session.scalar(select(func.count()).select_from(Service)):
            return
        for order, ind in enumerate(data["indicators"]):
            session.add(
                Indicator(
                    code=ind["code"], name_vi=ind["name_vi"], name_en=ind["name_en"],
                    unit_vi=ind["unit_vi"], unit_en=ind["unit_en"], has_target=ind["has_target"],
                    sort_order=order, active=True,
                )
            )
        session.flush()
        for order, svc in enumerate(data["services"]):
            session.add(
                Service(
                    code=svc["code"], indicator_code=svc["indicator"], name_vi=svc["name_vi"],
                    name_en=svc["name_en"], short_vi=svc["short_vi"], short_en=svc["short_en"],
                    icon=svc.get("icon", ""), sort_order=order, active=True,
                )
            )


@dataclass(frozen=True)
class ServiceInfo:
    code: str
    indicator_code: str
    name: str
    short: str
    icon: str
    sort_order: int
    active: bool


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    unit: str
    has_target: bool
    sort_order: int


def localized(obj, field: str) -> str:
    """The Vietnamese or English column of a catalogue row, by the language in force."""
    return getattr(obj, f"{field}_{'en' if language() == 'en' else 'vi'}")


def list_services(db, include_inactive: bool = False) -> list[ServiceInfo]:
    with db.session() as session:
        stmt = select(Service).order_by(Service.sort_order)
        if not include_inactive:
            stmt = stmt.where(Service.active.is_(True))
        return [
            ServiceInfo(s.code, s.indicator_code, localized(s, "name"), localized(s, "short"), s.icon, s.sort_order, s.active)
            for s in session.scalars(stmt)
        ]


def list_indicators(db) -> list[IndicatorInfo]:
    with db.session() as session:
        return [
            IndicatorInfo(i.code, localized(i, "name"), localized(i, "unit"), i.has_target, i.sort_order)
            for i in session.scalars(select(Indicator).order_by(Indicator.sort_order))
        ]


def check_service_codes(db, codes: list[str]) -> list[str]:
    """The codes as given, each an active service, no repeats; otherwise a UserError naming the bad one."""
    known = {s.code for s in list_services(db)}
    seen: list[str] = []
    for code in codes:
        code = code.strip().lower()
        if code not in known:
            raise UserError(
                _("Unknown service '{code}'. Known services: {known}.").format(code=code, known=", ".join(sorted(known)))
            )
        if code not in seen:
            seen.append(code)
    if not seen:
        raise UserError(_("Choose at least one service."))
    return seen
