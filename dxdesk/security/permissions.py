"""The permission matrix, enforced in the domain layer (the UI only hides what this refuses)."""

from __future__ import annotations

from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.security.actor import Actor

# action -> (description msgid, lowest role that may do it)
ROLE_ORDER = ("volunteer", "clerk", "coordinator", "admin")
ROLE_LABELS = {
    "volunteer": N_("Volunteer"),
    "clerk": N_("One-stop clerk"),
    "coordinator": N_("Coordinator"),
    "admin": N_("Administrator"),
}
ACTIONS: dict[str, tuple[str, str]] = {
    "record.log": (N_("log citizens served"), "volunteer"),
    "record.edit_own_today": (N_("correct or void own entries of the day"), "volunteer"),
    "shift.check_in": (N_("check in and out of a shift"), "volunteer"),
    "tally.check": (N_("check the daily tallies against the records"), "volunteer"),
    "record.view_all": (N_("browse all records"), "clerk"),
    "report.print": (N_("print reports"), "clerk"),
    "guide.print": (N_("print QR guides"), "clerk"),
    "data.export": (N_("export data"), "clerk"),
    "record.edit_any": (N_("correct or void any entry"), "coordinator"),
    "volunteer.manage": (N_("manage volunteers"), "coordinator"),
    "shift.manage": (N_("manage shifts"), "coordinator"),
    "target.manage": (N_("set targets"), "coordinator"),
    "guide.edit": (N_("edit QR guides"), "coordinator"),
    "data.import": (N_("import packages"), "coordinator"),
    "data.export_personal": (N_("export with personal data"), "coordinator"),
    "catalogue.manage": (N_("change the service catalogue"), "coordinator"),
    "settings.send": (N_("make settings packages for the communes"), "coordinator"),
    "settings.receive": (N_("apply settings packages from the province"), "coordinator"),
    "audit.view": (N_("view the audit log"), "coordinator"),
    "user.manage": (N_("manage users"), "admin"),
    "settings.manage": (N_("change settings"), "admin"),
    "backup.manage": (N_("back up and restore"), "admin"),
    "personal.purge": (N_("purge or erase personal data"), "admin"),
    "keys.manage": (N_("enrol units, re-pin and rotate signing keys, accept unsigned packages"), "admin"),
}


def allowed(actor: Actor, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(action)
    if actor.role not in ROLE_ORDER:
        return False
    return ROLE_ORDER.index(actor.role) >= ROLE_ORDER.index(ACTIONS[action][1])


def require(actor: Actor, action: str) -> None:
    """Raise a UserError unless ACTOR may do ACTION."""
    if not allowed(actor, action):
        raise UserError(
            _("Your role ({role}) may not {action}. Ask a coordinator or administrator.").format(
                role=_(ROLE_LABELS.get(actor.role, actor.role)), action=_(ACTIONS[action][0])
            )
        )
