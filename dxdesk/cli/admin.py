"""Administration: backup/restore, users, personal-data purge and erase, the audit log, the recovery code.

The command line acts as this machine's built-in local administrator (audited as cli:<login>)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from dxdesk.cli.argtypes import ID, NUMBER
from dxdesk.errors import UserError
from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("backup", help=_("back up the SQLite database to a file (checked after writing)"))
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help=_("replace the database by a backup (checked first; works on a damaged database)"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_restore)

    user = sub.add_parser("user", help=_("local user accounts"))
    usub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    p = usub.add_parser("add", help=_("add a user (the PIN or password is read from the terminal or stdin)"))
    p.add_argument("username")
    p.add_argument("--name", default="", help=_("name shown on screen"))
    p.add_argument("--role", required=True, choices=("volunteer", "clerk", "coordinator", "admin"))
    p.add_argument("--volunteer", type=ID, metavar="ID", help=_("link to this volunteer record"))
    p.set_defaults(handler=cmd_user_add)
    p = usub.add_parser("list", help=_("list users"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_user_list)
    p = usub.add_parser("passwd", help=_("set a new PIN or password (read from the terminal or stdin) and unlock"))
    p.add_argument("username")
    p.set_defaults(handler=cmd_user_passwd)
    p = usub.add_parser("role", help=_("change a user's role"))
    p.add_argument("username")
    p.add_argument("role", choices=("volunteer", "clerk", "coordinator", "admin"))
    p.set_defaults(handler=cmd_user_role)

    priv = sub.add_parser("privacy", help=_("citizens' contact data: retention purge and erase on request"))
    psub = priv.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    p = psub.add_parser("purge", help=_("erase contact fields past the retention period (counts stay)"))
    p.set_defaults(handler=cmd_privacy_purge)
    p = psub.add_parser("erase", help=_("erase a citizen's contact fields on request (name or phone read from stdin)"))
    p.set_defaults(handler=cmd_privacy_erase)
    p = psub.add_parser("retention", help=_("show or set the days kept after the end of the reporting quarter"))
    p.add_argument("days", nargs="?", type=NUMBER)
    p.set_defaults(handler=cmd_privacy_retention)

    aud = sub.add_parser("audit", help=_("the audit log"))
    asub = aud.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = asub.add_parser("export", help=_("write the audit log to a CSV file"))
    p.add_argument("--out", required=True, metavar="FILE.csv")
    p.set_defaults(handler=cmd_audit_export)

    rec = sub.add_parser("recovery", help=_("the recovery code of the contact-data key"))
    rsub = rec.add_subparsers(dest="recovery_command", metavar="ACTION", required=True)
    p = rsub.add_parser("show", help=_("print the recovery code (keep it locked away)"))
    p.set_defaults(handler=cmd_recovery_show)
    p = rsub.add_parser("restore", help=_("put the key back on this PC from the code (read from stdin)"))
    p.set_defaults(handler=cmd_recovery_restore)


def _read_secret(prompt: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass(_("Again: ")) != first:
            raise UserError(_("The two entries differ."))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _read_line(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def cmd_backup(ctx, args) -> int:
    from dxdesk.settings import backup
    from dxdesk.vnformat import fmt_int

    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    info = backup.backup_to(ctx.db, ctx.actor, out)
    ctx.out(_("Backup written to {path} and checked: {n} entries.").format(path=info.path, n=fmt_int(info.records)))
    return 0


def cmd_restore(ctx, args) -> int:
    """Never opens or migrates the live database before the backup is proven good."""
    from dxdesk.settings import backup
    from dxdesk.vnformat import fmt_int

    url = ctx.db_url
    if url and not url.startswith("sqlite"):
        raise UserError(_("This database is on a PostgreSQL server: restore it on the server with pg_restore "
                          "(see the backup chapter of the documentation)."))
    live = Path(url.split(":///", 1)[1]) if url else ctx.paths.database
    info = backup.verify(Path(args.file), schema=True)
    kept = backup.restore_database(ctx.actor, live, Path(args.file), ctx.paths, url=url)  # refused while dxdesk runs
    ctx.out(_("Database restored from {path}: {n} entries. The previous file is kept as {kept}.").format(
        path=args.file, n=fmt_int(info.records), kept=kept))
    return 0


def _user_id(ctx, username: str) -> int:
    from dxdesk.security import auth

    for row in auth.list_users(ctx.db, ctx.actor):
        if row.username == username.strip().lower():
            return row.id
    raise UserError(_("No user named {name}.").format(name=username))


def cmd_user_add(ctx, args) -> int:
    from dxdesk.security import auth

    secret = _read_secret(_("PIN or password: "))
    auth.create_user(ctx.db, ctx.actor, args.username, args.name, args.role, secret, volunteer_id=args.volunteer)
    ctx.out(_("User {name} added.").format(name=args.username.strip().lower()))
    return 0


def cmd_user_list(ctx, args) -> int:
    from dxdesk.security import auth
    from dxdesk.security.permissions import ROLE_LABELS

    rows = auth.list_users(ctx.db, ctx.actor)
    if args.json:
        ctx.out_json([{"id": r.id, "username": r.username, "name": r.display_name, "role": r.role,
                       "active": r.active, "volunteer_id": r.volunteer_id} for r in rows])
        return 0
    for r in rows:
        state = "" if r.active else " " + _("(turned off)")
        ctx.out(f"{r.username}\t{_(ROLE_LABELS[r.role])}\t{r.display_name}{state}")
    return 0


def cmd_user_passwd(ctx, args) -> int:
    from dxdesk.security import auth

    user_id = _user_id(ctx, args.username)
    auth.reset_secret(ctx.db, ctx.actor, user_id, _read_secret(_("New PIN or password: ")))
    ctx.out(_("New PIN or password set for {name}.").format(name=args.username))
    return 0


def cmd_user_role(ctx, args) -> int:
    from dxdesk.security import auth

    auth.set_role(ctx.db, ctx.actor, _user_id(ctx, args.username), args.role)
    ctx.out(_("Role changed."))
    return 0


def cmd_privacy_purge(ctx, args) -> int:
    from dxdesk.security import privacy
    from dxdesk.vnformat import fmt_int

    n = privacy.purge_expired(ctx.db, ctx.actor)
    ctx.out(_("Contact details erased from {n} entries past the retention period; the entries still count.").format(
        n=fmt_int(n)))
    return 0


def cmd_privacy_erase(ctx, args) -> int:
    from dxdesk.security import privacy
    from dxdesk.vnformat import fmt_int

    n = privacy.erase_on_request(ctx.db, ctx.actor, _read_line(_("Citizen's phone or name: ")))
    ctx.out(_("Contact details erased from {n} entries.").format(n=fmt_int(n)))
    return 0


def cmd_privacy_retention(ctx, args) -> int:
    from dxdesk.security import privacy

    if args.days is not None:
        privacy.set_retention_days(ctx.db, ctx.actor, args.days)
    ctx.out(_("Contact details are kept until the end of the reporting quarter plus {n} days.").format(
        n=privacy.retention_days(ctx.db)))
    return 0


def cmd_audit_export(ctx, args) -> int:
    from dxdesk.security import auth as auditlog

    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    n = auditlog.export_csv(ctx.db, ctx.actor, auditlog.AuditFilter(), out)
    ctx.out(_("Wrote {path}: {n} events.").format(path=out, n=n))
    return 0


def cmd_recovery_show(ctx, args) -> int:
    from dxdesk.security import recovery

    ctx.out(recovery.recovery_code(ctx.db, ctx.actor))
    return 0


def cmd_recovery_restore(ctx, args) -> int:
    from dxdesk.security import recovery

    recovery.restore_key(ctx.db, ctx.actor, _read_line(_("Recovery code: ")))
    ctx.out(_("The key is back on this computer: contact details can be read here again."))
    return 0

