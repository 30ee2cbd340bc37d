"""`keys show|export-enrolment|enrol|pin|rotate`: this database's signing key and the keys it trusts
(docs/exchange.md, "Keys and enrolment")."""

from __future__ import annotations

import sys
from pathlib import Path

from dxdesk.errors import UserError
from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("keys", help=_("signing keys: this database's fingerprint, enrolling communes, pinning the province"))
    ksub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    ks = ksub.add_parser("show", help=_("this database's key fingerprint and the keys it trusts"))
    ks.set_defaults(handler=cmd_show)
    ke = ksub.add_parser("export-enrolment", help=_("write this commune's enrolment file for the province"))
    ke.add_argument("--out", required=True, metavar="FILE.json")
    ke.set_defaults(handler=cmd_export_enrolment)
    kn = ksub.add_parser("enrol", help=_("trust a commune's key (after checking its fingerprint by phone)"))
    kn.add_argument("file", metavar="FILE.json")
    kn.add_argument("--fingerprint", metavar="CODE", help=_("the fingerprint the commune read to you"))
    kn.add_argument("--replace", action="store_true", help=_("retire the keys enrolled for that unit before"))
    kn.set_defaults(handler=cmd_enrol)
    kp = ksub.add_parser("pin", help=_("trust the key of the province that signed a settings package"))
    kp.add_argument("file", metavar="FILE.zip")
    kp.add_argument("--fingerprint", metavar="CODE", help=_("the fingerprint the province read to you"))
    kp.add_argument("--replace", action="store_true", help=_("replace the key pinned before (administrator)"))
    kp.set_defaults(handler=cmd_pin)
    kr = ksub.add_parser("rotate", help=_("move to a new signing key, certified by the old one"))
    kr.add_argument("--yes", action="store_true", help=_("confirm"))
    kr.set_defaults(handler=cmd_rotate)


def _confirmed(args, fingerprint: str, who: str) -> str:
    """The fingerprint the user confirms: --fingerprint, or typed at the prompt after seeing it."""
    if args.fingerprint:
        return args.fingerprint
    if sys.stdin is not None and sys.stdin.isatty():
        sys.stderr.write(_("Fingerprint of {who}: {fp}\nAsk them to read their fingerprint to you by phone and type "
                           "it here: ").format(who=who, fp=fingerprint))
        sys.stderr.flush()
        return sys.stdin.readline().strip()
    raise UserError(_("The fingerprint of {who} is {fp}. Check it with them by phone, then run again with --fingerprint "
                      "CODE.").format(who=who, fp=fingerprint))


def cmd_show(ctx, args) -> int:
    from dxdesk.exchange import signing, trust

    own = signing.own_key(ctx.db)
    ctx.out(_("Fingerprint of this database's key: {fp}").format(fp=own.fingerprint))
    views = trust.trusted_keys(ctx.db)
    if not views:
        ctx.out(_("No unit is enrolled and no province key is pinned here."))
    for v in views:
        kind = _("enrolled unit") if v.purpose == trust.UNIT else _("pinned sender")
        last = v.last_package_at.strftime("%d/%m/%Y %H:%M") if v.last_package_at else "—"
        ctx.out(f"{kind}\t{v.subject}\t{v.name}\t{v.fingerprint}\t{v.added_at:%d/%m/%Y} {v.added_by}\t{last}")
    return 0


def cmd_export_enrolment(ctx, args) -> int:
    from dxdesk.exchange import trust

    made = trust.export_enrolment(ctx.db, ctx.actor, Path(args.out))
    ctx.out(_("Enrolment file {file} for {unit} ({code}). Fingerprint: {fp} — read it to the province by phone.").format(
        file=made.path, unit=made.unit_name, code=made.unit_code, fp=made.fingerprint))
    return 0


def cmd_enrol(ctx, args) -> int:
    from dxdesk.exchange import trust

    enrolment = trust.read_enrolment(Path(args.file))
    typed = _confirmed(args, enrolment.fingerprint, f"{enrolment.unit_name} ({enrolment.unit_code})")
    done = trust.enrol(ctx.db, ctx.actor, Path(args.file), typed, replace=args.replace)
    ctx.out(_("Enrolled: {unit} ({code}), key {fp}. Its packages are accepted from now on.").format(
        unit=done.unit_name, code=done.unit_code, fp=done.fingerprint))
    return 0


def cmd_pin(ctx, args) -> int:
    from dxdesk.exchange import trust
    from dxdesk.exchange.settings_package import sender_of

    checked, _issuer_key, issuer_name = sender_of(ctx.db, Path(args.file))
    fingerprint = checked.signer.fingerprint if checked.signer else ""
    typed = _confirmed(args, fingerprint, issuer_name) if fingerprint else ""
    fp = trust.pin(ctx.db, ctx.actor, Path(args.file), typed, replace=args.replace)
    ctx.out(_("Pinned: the key {fp} of {issuer}. Its settings packages are accepted from now on.").format(
        fp=fp, issuer=issuer_name))
    return 0


def cmd_rotate(ctx, args) -> int:
    from dxdesk.exchange import signing
    from dxdesk.security.permissions import require

    require(ctx.actor, "keys.manage")
    if not args.yes:
        raise UserError(_("Rotating the key changes this database's fingerprint (the province accepts the new key "
                          "through a certificate in the next package). Confirm with --yes."))
    old, new = signing.rotate(ctx.db, ctx.actor)
    ctx.out(_("New key {new} (certified by the old key {old}). Tell the province the new fingerprint.").format(
        new=new, old=old))
    return 0
