"""`guide-links list|allow`: the official addresses QR guide links may point to (issue #14)."""

from __future__ import annotations

from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("guide-links", help=_("the official addresses QR guide links may point to"))
    gsub = p.add_subparsers(dest="links_command", metavar="ACTION", required=True)
    gl = gsub.add_parser("list", help=_("the allowed addresses, and guide links outside them"))
    gl.set_defaults(handler=cmd_list)
    ga = gsub.add_parser("allow", help=_("allow one more official address (administrator, audited)"))
    ga.add_argument("domain", metavar="DOMAIN", help=_("e.g. dichvucong.dongthap.gov.vn"))
    ga.set_defaults(handler=cmd_allow)


def cmd_list(ctx, args) -> int:
    from dxdesk.guides.sheets import allowed_domains, list_guides, off_list_links

    domains = allowed_domains(ctx.db)
    for domain in domains:
        ctx.out(domain)
    off = [(g, link) for g in list_guides(ctx.db) for link in off_list_links(g, domains)]
    for guide, link in off:
        ctx.out(_("Outside the list: guide {code}, link “{label}”: {url}").format(code=guide.code, label=link.label_vi,
                                                                              url=link.url))
    return 1 if off else 0


def cmd_allow(ctx, args) -> int:
    from dxdesk.guides.sheets import allow_domain

    host = allow_domain(ctx.db, ctx.actor, args.domain)
    ctx.out(_("Allowed: {domain}. Guide links may now point to it and to the addresses under it.").format(domain=host))
    return 0
