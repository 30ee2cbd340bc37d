"""Who issues and signs the tally report, and who receives it: stored in the `settings` table, with defaults
taken from the unit profile. Two sets: the state layout (ND 30/2020) and the Youth Union (Đoàn) layout."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from dxdesk.i18n import _
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import store as settings
from dxdesk.settings.profile import get_profile
from dxdesk.text import clean_free_text, nfc


@dataclass
class ReportSettings:
    parent_agency: str  # "UBND PHƯỜNG MỸ THO" (upper case, top left)
    issuing_body: str  # "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG" (bold, under the parent)
    symbol: str  # "BC-TCNSCĐ" -> "Số: 12/BC-TCNSCĐ"
    signer_authority: str  # "TM. TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG" or "KT. CHỦ TỊCH" (may be empty)
    signer_position: str  # "TỔ TRƯỞNG"
    signer_name: str  # "Nguyễn Văn A"
    recipients: list[str] = field(default_factory=list)  # Nơi nhận, one per line, without the leading "- "


def defaults(db, doan: bool = False) -> ReportSettings:
    profile = get_profile(db)
    unit = (profile.unit_name or profile.province_name) if profile else ""
    province = profile.province_name if profile else ""
    if doan:
        return ReportSettings(
            parent_agency=nfc(f"BCH Đoàn {province}").upper() if province else "",
            issuing_body=nfc(f"BCH Đoàn {unit}").upper() if unit else "",
            symbol="BC/ĐTN",
            signer_authority="TM. BAN THƯỜNG VỤ",
            signer_position="BÍ THƯ",
            signer_name="",
            recipients=[_("Standing Committee of the provincial Youth Union (to report)"),
                        _("People's Committee of {unit} (to report)").format(unit=unit), _("Filed: Youth Union office")],
        )
    return ReportSettings(
        parent_agency=nfc(f"UBND {unit}").upper() if unit else "",
        issuing_body="TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG",
        symbol="BC-TCNSCĐ",
        signer_authority="TM. TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG",
        signer_position="TỔ TRƯỞNG",
        signer_name="",
        recipients=[_("People's Committee of {unit} (to report)").format(unit=unit),
                    _("Department of Science and Technology (to report)"), _("Filed: office, team")],
    )


def _setting(doan: bool) -> settings.Setting:
    return settings.REPORT_TALLY_DOAN if doan else settings.REPORT_TALLY


def load(db, doan: bool = False) -> ReportSettings:
    base = asdict(defaults(db, doan))
    with db.session() as session:
        stored = settings.get(session, _setting(doan)) or {}
    names = {f.name for f in fields(ReportSettings)}
    base.update({k: v for k, v in stored.items() if k in names})
    return ReportSettings(**base)


def save(db, actor: Actor, value: ReportSettings, doan: bool = False) -> ReportSettings:
    """Store the signer and recipients (free text checked: no CCCD numbers, NFC)."""
    require(actor, "report.print")
    clean = ReportSettings(
        parent_agency=clean_free_text(value.parent_agency, max_length=200),
        issuing_body=clean_free_text(value.issuing_body, max_length=200),
        symbol=clean_free_text(value.symbol, max_length=40).replace(" ", ""),
        signer_authority=clean_free_text(value.signer_authority, max_length=200),
        signer_position=clean_free_text(value.signer_position, max_length=200),
        signer_name=clean_free_text(value.signer_name, max_length=120),
        recipients=[r for r in (clean_free_text(x, max_length=200) for x in value.recipients) if r],
    )
    with db.write() as session:
        settings.put(session, _setting(doan), asdict(clean))
        audit.record(session, actor, "settings.report_signer", "settings", _setting(doan).key)
    return clean
