"""The unit profile: which province and commune this database belongs to (codes per QĐ 19/2025)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from dxdesk import clock
from dxdesk.db.models import Unit, UnitProfile
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import units
from dxdesk.text import nfc


@dataclass(frozen=True)
class Profile:
    province_code: str
    province_name: str
    unit_code: str | None
    unit_name: str | None
    code_list_version: str
    is_demo: bool

    @property
    def is_province_level(self) -> bool:
        return self.unit_code is None

    @property
    def display_name(self) -> str:
        return self.unit_name or self.province_name

    @property
    def codes(self) -> str:
        return f"{self.province_code}·{self.unit_code}" if self.unit_code else self.province_code

    @property
    def place_name(self) -> str:
        """Place in the date line of a report: the commune's short name ('Mỹ Tho')."""
        return units.strip_type_word(self.unit_name or self.province_name)


def get_profile(db) -> Profile | None:
    with db.session() as session:
        row = session.scalar(select(UnitProfile).limit(1))
        if row is None:
            return None
        return Profile(row.province_code, row.province_name, row.unit_code, row.unit_name, row.code_list_version, row.is_demo)


def validate(province_code: str, province_name: str | None, unit_code: str | None, unit_name: str | None):
    """Check the codes and names against the official list; returns (province, UnitEntry | None)."""
    province_code = (province_code or "").strip()
    provinces = units.provinces()
    if province_code not in provinces:
        raise UserError(_("Unknown province code '{code}' (QĐ 19/2025 list).").format(code=province_code))
    official_province = provinces[province_code]
    if province_name and not units.names_match(nfc(province_name), official_province):
        raise UserError(
            _("Province code {code} is '{official}', not '{given}'.").format(
                code=province_code, official=official_province, given=nfc(province_name)
            )
        )
    if bool(unit_code) != bool(unit_name) and unit_code is None:
        raise UserError(_("Give the commune's code (--unit-code) with its name."))
    entry = None
    if unit_code:
        entry = units.find_unit(unit_code.strip())
        if entry is None or entry.province_code != province_code:
            raise UserError(
                _("Unknown commune code '{code}' in province {province}.").format(code=unit_code, province=official_province)
            )
        if unit_name and not units.names_match(nfc(unit_name), entry.unit_name):
            raise UserError(
                _("Commune code {code} is '{official}', not '{given}'.").format(
                    code=unit_code, official=entry.unit_name, given=nfc(unit_name)
                )
            )
    return official_province, entry


def set_profile(db, actor: Actor, province_code: str, province_name: str | None = None,
                unit_code: str | None = None, unit_name: str | None = None, is_demo: bool = False) -> Profile:
    require(actor, "settings.manage")
    official_province, entry = validate(province_code, province_name, unit_code, unit_name)
    with db.write() as session:
        row = session.scalar(select(UnitProfile).limit(1))
        if row is None:
            row = UnitProfile(id=1)
            session.add(row)
        before = (row.province_code, row.unit_code)
        row.province_code = province_code
        row.province_name = official_province
        row.unit_code = entry.unit_code if entry else None
        row.unit_name = entry.unit_name if entry else None
        row.code_list_version = units.CODE_LIST_VERSION
        row.is_demo = is_demo
        row.updated_at = clock.now()
        if entry and session.get(Unit, entry.unit_code) is None:
            session.add(Unit(code=entry.unit_code, province_code=province_code, name=entry.unit_name,
                             code_list_version=units.CODE_LIST_VERSION))
        audit.record(session, actor, "settings.unit_profile", "unit_profile", 1,
                     before=list(before), after=[province_code, row.unit_code])
    return get_profile(db)


def check_unit(db, unit_code: str | None) -> str | None:
    """THE rule for a commune named on a command (--unit) or a chooser: on a commune's database only its own code
    (meaning the whole database, returned as None); on a province database a commune of that province (QĐ 19/2025
    list). Raises UserError otherwise."""
    code = (unit_code or "").strip()
    if not code:
        return None
    entry = units.find_unit(code)
    if entry is None:
        raise UserError(_("Unknown commune code '{code}' (QĐ 19/2025 list).").format(code=code[:20]))
    profile = get_profile(db)
    if profile is not None and not profile.is_province_level:
        if entry.unit_code != profile.unit_code:
            raise UserError(_("This database belongs to {name} ({code}): it holds no other commune's data. Leave "
                              "--unit out.").format(name=profile.unit_name, code=profile.unit_code))
        return None
    if profile is not None and entry.province_code != profile.province_code:
        raise UserError(_("The commune {code} is not in {province}.").format(code=code, province=profile.province_name))
    return entry.unit_code


def rolled_up_units(db) -> dict[str, str]:
    """Communes whose records this database holds (code -> name), in Vietnamese name order: what the province's
    unit choosers list."""
    from dxdesk.text import sort_key

    with db.session() as session:
        rows = session.execute(select(Unit.code, Unit.name)).all()
    return dict(sorted(rows, key=lambda row: sort_key(row[1])))
