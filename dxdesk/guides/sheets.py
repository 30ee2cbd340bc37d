"""QR guide sheets for citizens: the shipped guides (resources/guides/guides.json), a coordinator's edits stored
in the `guide_overrides` table (they override the shipped default until "restore default"), and validation.

A guide has a bilingual title, 3–6 numbered steps, up to four links (each https:// or tel:, with `verified`:
an unverified link prints no QR code but a box the clerk must fill in), a hotline, a free-text note printed as
text (e.g. the SIM-owner SMS instruction, for the citizen's own phone: dxdesk never stores an ID number),
`source` and `verified_on`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

from dxdesk import clock
from dxdesk.errors import UserError
from dxdesk.i18n import _, language
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.text import clean_free_text, nfc

# The sheet layouts a set of guides prints in (rendered by dxdesk.reports.guides). Here, in the core, so the command
# line offers them without loading the PDF and QR renderers. This module loads the database layer only when a
# function needs it, for the same reason.
LAYOUTS = ("poster", "handout", "cards", "counter")

MIN_STEPS = 3
MAX_STEPS = 6
MAX_LINKS = 4
PORTAL = "portal"

_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_TEL = re.compile(r"^\+?[0-9]{3,15}$")
_HOTLINE = re.compile(r"^[0-9+][0-9 .]{1,18}[0-9]$|^[0-9]{3,4}$")


@dataclass(frozen=True)
class Link:
    label_vi: str
    label_en: str
    url: str
    verified: bool
    evidence: str = ""

    def label(self) -> str:
        return self.label_en if language() == "en" and self.label_en else self.label_vi

    @property
    def printable(self) -> bool:
        """True when the sheet may carry a QR code for this link."""
        return self.verified and bool(self.url)


@dataclass(frozen=True)
class Guide:
    code: str
    title_vi: str
    title_en: str
    steps_vi: tuple[str, ...]
    steps_en: tuple[str, ...]
    links: tuple[Link, ...] = ()
    note_vi: str = ""
    note_en: str = ""
    hotline: str = ""
    source: str = ""
    verified_on: str = ""
    overridden: bool = field(default=False, compare=False)

    def title(self) -> str:
        return self.title_en if language() == "en" and self.title_en else self.title_vi

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("overridden")
        data["steps_vi"] = list(self.steps_vi)
        data["steps_en"] = list(self.steps_en)
        data["links"] = [asdict(link) for link in self.links]
        return data

    @classmethod
    def from_json(cls, data: dict, overridden: bool = False) -> Guide:
        return cls(
            code=data["code"], title_vi=data["title_vi"], title_en=data.get("title_en", ""),
            steps_vi=tuple(data["steps_vi"]), steps_en=tuple(data.get("steps_en", ())),
            links=tuple(Link(**link) for link in data.get("links", ())),
            note_vi=data.get("note_vi", ""), note_en=data.get("note_en", ""), hotline=data.get("hotline", ""),
            source=data.get("source", ""), verified_on=data.get("verified_on", ""), overridden=overridden,
        )


def _from_resource(entry: dict) -> Guide:
    return Guide(
        code=entry["code"], title_vi=nfc(entry["title"]["vi"]), title_en=nfc(entry["title"].get("en", "")),
        steps_vi=tuple(nfc(s) for s in entry["steps"]["vi"]), steps_en=tuple(nfc(s) for s in entry["steps"].get("en", ())),
        links=tuple(
            Link(nfc(link["label"]["vi"]), nfc(link["label"].get("en", "")), link["url"], bool(link["verified"]),
                 link.get("evidence", ""))
            for link in entry.get("links", ())
        ),
        note_vi=nfc(entry.get("note", {}).get("vi", "")), note_en=nfc(entry.get("note", {}).get("en", "")),
        hotline=entry.get("hotline", ""), source=nfc(entry.get("source", "")), verified_on=entry.get("verified_on", ""),
    )


@lru_cache(maxsize=1)
def default_guides() -> tuple[Guide, ...]:
    """The shipped guides, in print order (the portal first, then the catalogue's services)."""
    with (files("dxdesk.resources") / "guides" / "guides.json").open("r", encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple(_from_resource(entry) for entry in data["guides"])


def default_guide(code: str) -> Guide:
    for guide in default_guides():
        if guide.code == code:
            return guide
    raise UserError(_("Unknown guide '{code}'. Known: {codes}.").format(
        code=code, codes=", ".join(g.code for g in default_guides())))


def _overrides(db) -> dict[str, Guide]:
    if db is None:
        return {}
    from sqlalchemy import select

    from dxdesk.db.models import GuideOverride

    with db.session() as session:
        rows = session.scalars(select(GuideOverride)).all()
        result = {}
        for row in rows:
            try:
                result[row.guide_code] = Guide.from_json(json.loads(row.data), overridden=True)
            except (ValueError, KeyError, TypeError):
                continue  # an unreadable edit never hides the shipped guide
        return result


def list_guides(db) -> list[Guide]:
    """Every guide as it prints now: the coordinator's edit where there is one, else the shipped default."""
    edits = _overrides(db)
    return [edits.get(guide.code, guide) for guide in default_guides()]


def get_guide(db, code: str) -> Guide:
    default = default_guide(code)
    return _overrides(db).get(code, default)


def select_guides(db, codes: list[str] | None) -> list[Guide]:
    """Guides for the given codes in the order given (all of them when codes is empty); unknown code → UserError."""
    guides = list_guides(db)
    if not codes:
        return guides
    by_code = {g.code: g for g in guides}
    chosen = []
    for code in codes:
        if code not in by_code:
            raise UserError(_("Unknown guide '{code}'. Known: {codes}.").format(code=code, codes=", ".join(by_code)))
        if by_code[code] not in chosen:
            chosen.append(by_code[code])
    return chosen


# --- validation ------------------------------------------------------------------------------------------------




@lru_cache(maxsize=1)
def _domain_resource() -> dict:
    with (files("dxdesk.resources") / "guides" / "link_domains.json").open("r", encoding="utf-8") as fh:
        return json.load(fh)


def allowed_domains(db=None) -> tuple[str, ...]:
    """The hosts a guide link may point to here: the shipped national list, this province's own portal, and
    what an administrator added (audited). DB None: the national list only."""
    data = _domain_resource()
    domains = list(data["domains"])
    if db is not None:
        from dxdesk.settings import store as settings
        from dxdesk.settings.profile import get_profile

        profile = get_profile(db)
        if profile is not None:
            domains += data["provinces"].get(profile.province_code, [])
        with db.session() as session:
            domains += settings.get(session, settings.GUIDE_LINK_DOMAINS)
    return tuple(dict.fromkeys(domains))


def _on_list(host: str, domains) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_shortener(host: str) -> bool:
    return _on_list(host, _domain_resource()["shorteners"])


def validate_url(url: str, domains=None) -> str:
    """An https:// web address or a tel: number, cleaned; anything else raises UserError with the reason.

    A web address must be plain: no user name or password before the host, no port, no punycode or
    non-Latin letters in the host (a look-alike), no URL shortener; an upper-case host is written in lower case.
    DOMAINS (allowed_domains(db)): the host must be one of them or a name under one of them — an allowed name
    at the start of, or inside, another name (vneid.gov.vn.dang-nhap.info) is not."""
    value = nfc(url).strip()
    if not value:
        raise UserError(_("The link is empty."))
    if any(ch.isspace() for ch in value):
        raise UserError(_("The link “{url}” contains spaces.").format(url=value))
    lowered = value.lower()
    if lowered.startswith("tel:"):
        number = value[4:]
        if not _TEL.match(number):
            raise UserError(_("The phone link “{url}” must be tel: followed by digits only, e.g. tel:1022.").format(url=value))
        return "tel:" + number
    parts = urlsplit(value)
    if parts.scheme.lower() != "https" or not lowered.startswith("https://"):
        raise UserError(_("The link “{url}” must start with https:// (or tel: for a phone number). "
                          "Store links like market:// do not open on every phone.").format(url=value))
    netloc = value[len("https://"):].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in netloc or parts.username or parts.password:
        raise UserError(_("The link “{url}” has a name before “@”: that hides the real address. Write the address "
                          "itself.").format(url=value))
    if ":" in netloc:
        raise UserError(_("The link “{url}” names a port (“:…” after the address): official sites do not need "
                          "one.").format(url=value))
    if not netloc.isascii() or "xn--" in netloc.lower() or "%" in netloc or "\\" in value:
        raise UserError(_("The link “{url}” has letters in its address that only look Latin (a look-alike of an "
                          "official address): type the address in plain Latin letters.").format(url=value))
    host = netloc.lower()
    if not _HOST.match(host):
        raise UserError(_("The link “{url}” has no valid web address after https://.").format(url=value))
    if _is_shortener(host):
        raise UserError(_("The link “{url}” is a shortened link: it hides where it goes. Use the full official "
                          "address.").format(url=value))
    if domains is not None and not _on_list(host, domains):
        raise UserError(_("The address {host} is not on the list of official addresses (such as vneid.gov.vn, "
                          "dichvucong.gov.vn, the app stores). An administrator can add an official address of "
                          "the province.").format(host=host))
    return "https://" + host + value[len("https://") + len(netloc):]


def off_list_links(guide: Guide, domains) -> list[Link]:
    """The web links of GUIDE whose address is not (or no longer) on the allow-list: the guide list marks them."""
    result = []
    for link in guide.links:
        if link.url and not link.url.startswith("tel:"):
            try:
                validate_url(link.url, domains)
            except UserError:
                result.append(link)
    return result


def allow_domain(db, actor: Actor, domain: str) -> str:
    """Add DOMAIN (e.g. the province's portal) to the hosts guide links may point to. Administrator, audited."""
    from dxdesk.security import audit
    from dxdesk.settings import store as settings

    require(actor, "settings.manage")
    host = nfc(domain).strip().lower().rstrip("/")
    if host.startswith("https://"):
        host = host[len("https://"):]
    if not host.isascii() or "xn--" in host or not _HOST.match(host):
        raise UserError(_("“{domain}” is not a plain web address such as dongthap.gov.vn.").format(domain=domain.strip()[:60]))
    if _is_shortener(host):
        raise UserError(_("“{domain}” is a link shortener: it can never be allowed.").format(domain=host))
    if host.count(".") < 1 or host in ("gov.vn", "com.vn", "vn", "com"):
        raise UserError(_("“{domain}” is too wide: add the address of one site.").format(domain=host))
    with db.write() as session:
        extra = settings.get(session, settings.GUIDE_LINK_DOMAINS)
        if host in extra or host in _domain_resource()["domains"]:
            raise UserError(_("{domain} is already allowed.").format(domain=host))
        settings.put(session, settings.GUIDE_LINK_DOMAINS, [*extra, host])
        audit.record(session, actor, "guide.allow_domain", "setting", settings.GUIDE_LINK_DOMAINS.key, domain=host)
    return host


def _clean(text: str, what: str, max_length: int, required: bool = True) -> str:
    value = " ".join(clean_free_text(text, max_length, phones=True).split())  # public hotlines may be named
    if required and not value:
        raise UserError(_("{what} is empty.").format(what=what))
    return value


def validate_guide(guide: Guide, domains=None) -> Guide:
    """The guide cleaned (NFC, trimmed) or a UserError naming the first problem. DOMAINS: the allow-list of
    link hosts (allowed_domains(db)); None checks the form of the links only."""
    title_vi = _clean(guide.title_vi, _("The Vietnamese title"), 120)
    title_en = _clean(guide.title_en, _("The English title"), 120, required=False)
    steps_vi = tuple(s for s in (_clean(s, _("A step"), 300, required=False) for s in guide.steps_vi) if s)
    if not MIN_STEPS <= len(steps_vi) <= MAX_STEPS:
        raise UserError(_("A guide has {low} to {high} steps in Vietnamese; this one has {n}.").format(
            low=MIN_STEPS, high=MAX_STEPS, n=len(steps_vi)))
    steps_en = tuple(s for s in (_clean(s, _("A step"), 300, required=False) for s in guide.steps_en) if s)
    if len(steps_en) > MAX_STEPS:
        raise UserError(_("A guide has at most {high} steps in English.").format(high=MAX_STEPS))
    if len(guide.links) > MAX_LINKS:
        raise UserError(_("A guide has at most {n} links.").format(n=MAX_LINKS))
    links = []
    for number, link in enumerate(guide.links, start=1):
        label_vi = _clean(link.label_vi, _("The name of link {n}").format(n=number), 80)
        label_en = _clean(link.label_en, _("The name of link {n}").format(n=number), 80, required=False)
        url = (link.url or "").strip()
        if url:
            try:
                url = validate_url(url, domains)
            except UserError as exc:
                raise UserError(_("Link {n} ({label}): {reason}").format(n=number, label=label_vi, reason=exc.message)) from None
        elif link.verified:
            raise UserError(_("Link {n} ({label}) is marked checked but has no address: fill it in or untick "
                              "“checked”.").format(n=number, label=label_vi))
        links.append(Link(label_vi, label_en, url, bool(link.verified) and bool(url), link.evidence))
    hotline = nfc(guide.hotline).strip()
    if hotline and not _HOTLINE.match(hotline):
        raise UserError(_("The hotline “{value}” must be a phone number (digits, spaces, dots).").format(value=hotline))
    note_vi = _clean(guide.note_vi, _("The note"), 200, required=False)
    note_en = _clean(guide.note_en, _("The note"), 200, required=False)
    return replace(guide, title_vi=title_vi, title_en=title_en, steps_vi=steps_vi, steps_en=steps_en,
                   links=tuple(links), hotline=hotline, note_vi=note_vi, note_en=note_en)


# --- changes ---------------------------------------------------------------------------------------------------


def save_guide(db, actor: Actor, guide: Guide) -> Guide:
    """Store the coordinator's edit of a guide (validated first; nothing is stored on a problem)."""
    from dxdesk.db.models import GuideOverride
    from dxdesk.security import audit

    require(actor, "guide.edit")
    default = default_guide(guide.code)
    clean = validate_guide(guide, allowed_domains(db))
    clean = replace(clean, source=default.source if not clean.source else nfc(clean.source),
                    verified_on=clean.verified_on or default.verified_on, overridden=True)
    payload = json.dumps(clean.to_json(), ensure_ascii=False, sort_keys=True)
    with db.write() as session:
        row = session.get(GuideOverride, guide.code)
        if row is None:
            row = GuideOverride(guide_code=guide.code, data=payload, updated_at=clock.now(), updated_by=actor.username)
            session.add(row)
        else:
            row.data, row.updated_at, row.updated_by = payload, clock.now(), actor.username
        audit.record(session, actor, "guide.edit", "guide", guide.code,
                     links=[link.url for link in clean.links], steps=len(clean.steps_vi))
    return clean


def restore_default(db, actor: Actor, code: str) -> Guide:
    """Drop the edit of one guide: the shipped default prints again."""
    from dxdesk.db.models import GuideOverride
    from dxdesk.security import audit

    require(actor, "guide.edit")
    default = default_guide(code)
    with db.write() as session:
        row = session.get(GuideOverride, code)
        if row is not None:
            session.delete(row)
            audit.record(session, actor, "guide.restore", "guide", code)
    return default


# --- what goes on paper: chosen here, drawn by dxdesk.reports.guides ---------------------------------------------


@dataclass(frozen=True)
class SheetInfo:
    unit_name: str | None  # None before `init`: the footer then carries the date only
    day: dt.date


@dataclass(frozen=True)
class LeftOut:
    """What a citizen's sheet leaves out of one guide: its unfilled links, or (whole=True) the guide itself."""
    guide: Guide
    links: tuple[Link, ...]
    whole: bool

    def describe(self) -> str:
        if self.whole:
            return _("{guide} (its link is not filled in yet)").format(guide=self.guide.title())
        return _("{guide}: the link “{links}” (not filled in yet)").format(
            guide=self.guide.title(), links="”, “".join(link.label() for link in self.links))


def for_citizens(guides) -> tuple[list[Guide], list[LeftOut]]:
    """The guides as they may be put in front of a citizen: links not filled in and checked are left out, and so
    is a guide that had links but has none left (its sheet would carry no code). Guides without links (an SMS
    instruction) stay. Returns (the guides to print, what was left out)."""
    kept, left_out = [], []
    for guide in guides:
        missing = tuple(link for link in guide.links if not link.printable)
        if not missing:
            kept.append(guide)
            continue
        links = tuple(link for link in guide.links if link.printable)
        left_out.append(LeftOut(guide, missing, whole=not links))
        if links:
            kept.append(replace(guide, links=links))
    return kept, left_out


def sheet_info(db) -> SheetInfo:
    """Footer data: the unit's name from its profile (None before `init`) and today's date."""
    from dxdesk.settings.profile import get_profile

    profile = get_profile(db) if db is not None else None
    return SheetInfo(unit_name=profile.display_name if profile else None, day=clock.today())


@dataclass(frozen=True)
class GuidesToPrint:
    guides: list[Guide]  # as a citizen may be handed them (`for_citizens`)
    left_out: list[LeftOut]  # said to the clerk, never printed on a citizen's sheet
    layout: str
    info: SheetInfo


def guides_to_print(db, actor: Actor, codes, layout: str) -> GuidesToPrint:
    """The chosen guides (all when CODES is empty) as they stand in this database, ready for a layout, and what was
    left out because a link is not filled in. Nothing printable at all is a UserError saying why."""
    require(actor, "guide.print")
    if layout not in LAYOUTS:
        raise UserError(_("Unknown layout '{layout}': use one of {layouts}.").format(
            layout=layout, layouts=", ".join(LAYOUTS)))
    guides, left_out = for_citizens(select_guides(db, list(codes or ())))
    if not guides:
        raise UserError(_("Nothing to print: {guides}. Fill in and check the link in QR guides first.").format(
            guides="; ".join(item.describe() for item in left_out)))
    return GuidesToPrint(guides, left_out, layout, sheet_info(db))
