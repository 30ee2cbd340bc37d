"""The service catalogue and its indicators: shipped as data in resources/, loaded into the database once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import func, select

from dxdesk.db.models import Indicator, RecordService, Service
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
                    sort_order=order, active=True, subject=ind.get("subject", "citizen"),
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
    subject: str = "citizen"  # what it counts: citizen | shop | product


def localized(obj, field: str) -> str:
    """The Vietnamese or English column of a catalogue row, by the language in force."""
    return getattr(obj, f"{field}_{'en' if language() == 'en' else 'vi'}")


def _in_session(db, session, fn):
    if session is not None:
        return fn(session)
    with db.session() as own:
        return fn(own)


_CATALOGUE_SELECTS: dict[tuple, object] = {}


def _catalogue_select(kind: str, en: bool, include_inactive: bool = True):
    key = (kind, en, include_inactive)
    stmt = _CATALOGUE_SELECTS.get(key)
    if stmt is None:
        if kind == "services":
            stmt = select(Service.code, Service.indicator_code, Service.name_en if en else Service.name_vi,
                          Service.short_en if en else Service.short_vi, Service.icon, Service.sort_order,
                          Service.active).order_by(Service.sort_order)
            if not include_inactive:
                stmt = stmt.where(Service.active.is_(True))
        else:
            stmt = select(Indicator.code, Indicator.name_en if en else Indicator.name_vi,
                          Indicator.unit_en if en else Indicator.unit_vi, Indicator.has_target, Indicator.sort_order,
                          Indicator.subject).order_by(Indicator.sort_order)
        _CATALOGUE_SELECTS[key] = stmt
    return stmt


def list_services(db, include_inactive: bool = False, session=None) -> list[ServiceInfo]:
    """The services in catalogue order (a Core select built once: the counter and every tally read it often).
    SESSION: a session or connection to read in (default: a new session)."""
    stmt = _catalogue_select("services", language() == "en", include_inactive)
    return _in_session(db, session, lambda s: [ServiceInfo(*row) for row in s.execute(stmt)])


def list_indicators(db, session=None) -> list[IndicatorInfo]:
    stmt = _catalogue_select("indicators", language() == "en")
    return _in_session(db, session, lambda s: [IndicatorInfo(*row) for row in s.execute(stmt)])


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


def service_has_records(session, code: str) -> bool:
    """True when some record names service CODE (then its indicator must not change: past tallies would)."""
    return session.scalar(select(RecordService.id).where(RecordService.service_code == code).limit(1)) is not None


def save_service(db, actor, code: str, *, indicator_code: str | None = None, name_vi: str | None = None,
                 short_vi: str | None = None, name_en: str | None = None, short_en: str | None = None,
                 active: bool | None = None) -> ServiceInfo:
    """Add a service or change one (a province edits its catalogue, then sends it in a settings package).

    Services are never deleted (records refer to them): a retired service is made inactive. A service that
    already has records keeps its indicator, so past tallies never change."""
    from dxdesk.security import audit
    from dxdesk.security.permissions import require
    from dxdesk.text import clean_free_text

    require(actor, "catalogue.manage")
    code = (code or "").strip().lower()
    if not code or len(code) > 30 or not all(c.isascii() and (c.isalnum() or c == "_") for c in code):
        raise UserError(_("A service code is 1 to 30 letters, digits or “_” (e.g. zalo_oa)."))
    texts = {}
    for key, value, limit in (("name_vi", name_vi, 200), ("short_vi", short_vi, 60), ("name_en", name_en, 200),
                              ("short_en", short_en, 60)):
        if value is not None:
            texts[key] = " ".join(clean_free_text(value, limit).split())
    with db.write() as session:
        row = session.get(Service, code)
        if indicator_code is not None:
            indicator_code = indicator_code.strip().upper()
            if session.get(Indicator, indicator_code) is None:
                known = ", ".join(session.scalars(select(Indicator.code).order_by(Indicator.sort_order)))
                raise UserError(_("Unknown indicator '{code}'. Known indicators: {known}.").format(
                    code=indicator_code, known=known))
        if row is None:
            if not indicator_code or not texts.get("name_vi") or not texts.get("short_vi"):
                raise UserError(_("A new service needs an indicator, a Vietnamese name and a short name."))
            order = (session.scalar(select(func.max(Service.sort_order))) or 0) + 1
            row = Service(code=code, indicator_code=indicator_code, name_vi=texts["name_vi"],
                          name_en=texts.get("name_en", ""), short_vi=texts["short_vi"], short_en=texts.get("short_en", ""),
                          icon="", sort_order=order, active=True if active is None else active)
            session.add(row)
            before = None
        else:
            before = {"indicator": row.indicator_code, "name_vi": row.name_vi, "active": row.active}
            if indicator_code and indicator_code != row.indicator_code:
                if service_has_records(session, code):
                    raise UserError(_("Service {code} already has records under indicator {old}: it cannot move to "
                                      "{new} (past tallies would change). Add a new service instead.").format(
                        code=code, old=row.indicator_code, new=indicator_code))
                row.indicator_code = indicator_code
            for key, value in texts.items():
                if key in ("name_vi", "short_vi") and not value:
                    raise UserError(_("The Vietnamese name of a service cannot be empty."))
                setattr(row, key, value)
            if active is not None:
                row.active = active
        audit.record(session, actor, "catalogue.service", "service", code, before=before,
                     after={"indicator": row.indicator_code, "name_vi": row.name_vi, "active": row.active})
        return ServiceInfo(row.code, row.indicator_code, localized(row, "name"), localized(row, "short"), row.icon,
                           row.sort_order, row.active)
