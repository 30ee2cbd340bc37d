"""`volunteer add` / `volunteer list` / `volunteer import` (the roster, issue #4)."""

from __future__ import annotations

from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("volunteer", help=_("manage the volunteer roster"))
    cmds = p.add_subparsers(dest="volunteer_cmd", metavar="COMMAND", required=True)
    add = cmds.add_parser("add", help=_("add a volunteer; prints its id"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--phone", metavar="P")
    add.add_argument("--role", choices=("leader", "deputy", "member"), default="member")
    add.add_argument("--weekdays", default="", metavar="mon,fri",
                     help=_("weekdays available (empty: every day)"))
    add.add_argument("--skills", default="", metavar="CODE,CODE", help=_("services they can help with"))
    add.add_argument("--youth-union", action="store_true", help=_("a Youth Union member"))
    add.set_defaults(handler=cmd_add)
    ls = cmds.add_parser("list", help=_("list volunteers"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    imp = cmds.add_parser("import", help=_("import the roster from an Excel/CSV sheet"))
    imp.add_argument("file", metavar="FILE.xlsx")
    imp.add_argument("--dry-run", action="store_true", help=_("only show what would be imported"))
    imp.set_defaults(handler=cmd_import)


def cmd_add(ctx, args) -> int:
    from dxdesk.volunteers.members import add_volunteer

    vid = add_volunteer(ctx.db, ctx.actor, args.name, phone=args.phone, role=args.role, weekdays=args.weekdays,
                        skills=args.skills, youth_union=args.youth_union)
    ctx.out(vid)
    return 0


def cmd_list(ctx, args) -> int:
    from dxdesk.volunteers.members import ROLE_LABELS, list_volunteers, weekdays_label

    rows = list_volunteers(ctx.db)
    if args.json:
        ctx.out_json([{"id": r.id, "name": r.name, "phone": r.phone, "team": r.team, "role": r.role,
                       "youth_union": r.youth_union, "skills": [s for s in r.skills.split(",") if s],
                       "weekdays": [d for d in r.weekdays.split(",") if d], "active": r.active,
                       "pseudonym": r.pseudonym} for r in rows])
        return 0
    for r in rows:
        state = "" if r.active else " " + _("(inactive)")
        ctx.out(f"{r.id:>4}  {r.name:<28} {r.phone:<11} {_(ROLE_LABELS[r.role]):<12} "
                f"{weekdays_label(r.weekdays)}{state}")
    ctx.out(_("{n} volunteers ({active} active).").format(n=len(rows), active=sum(r.active for r in rows)))
    return 0


def cmd_import(ctx, args) -> int:
    from dxdesk.volunteers.members import apply_import, preview_import

    preview = preview_import(ctx.db, args.file)
    for r in preview.invalid:
        ctx.out(_("Row {line}: {errors}").format(line=r.line, errors=" ".join(r.errors)))
    adds = sum(1 for r in preview.valid if r.action == "add")
    updates = sum(1 for r in preview.valid if r.action == "update")
    if args.dry_run:
        ctx.out(_("Would add {added}, update {updated}; {skipped} rows with errors.").format(
            added=adds, updated=updates, skipped=len(preview.invalid)))
        return 0
    counts = apply_import(ctx.db, ctx.actor, preview)
    ctx.out(_("Added {added}, updated {updated}; {skipped} rows with errors left out.").format(**counts))
    return 0
