"""The expected kind of failure: bad input or a state the user can fix, with a message to show."""


class UserError(Exception):
    """An expected failure whose message (already translated) is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def os_reason(exc: BaseException) -> str | None:
    """The short reason of a file-system failure ('the disk is full', 'permission denied' …), or None."""
    import errno

    from dxdesk.i18n import _

    if not isinstance(exc, OSError) or exc.errno is None:
        return None
    reasons = {
        errno.ENOSPC: _("the disk is full"),
        errno.EDQUOT: _("the disk is full"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.EROFS: _("the disk is read-only"),
        errno.ENOTDIR: _("a part of the path is a file, not a folder"),
        errno.ENOENT: _("it does not exist"),
        errno.EISDIR: _("it is a folder, not a file"),
        errno.EEXIST: _("a file of that name is in the way"),
        errno.EINVAL: _("this place cannot hold files"),
        errno.EIO: _("the disk reported an error"),
        errno.ENAMETOOLONG: _("the name is too long"),
    }
    return reasons.get(exc.errno)


def explain(exc: BaseException) -> str | None:
    """One line for the user about a failure of the machine rather than of dxdesk (a full disk, a read-only or
    missing folder, a path that is not a folder, no permission), or None for anything else (a bug). The same
    words for the command line and the windows; the cause of a database error is looked at through `.orig`."""
    from dxdesk.i18n import _

    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError):
        reason = os_reason(cause)
        if reason is None:
            return None
        if cause.filename:
            return _("Cannot use {path}: {reason}. Nothing was changed.").format(path=cause.filename, reason=reason)
        return _("A file could not be read or written: {reason}. Nothing was changed.").format(reason=reason)
    text = str(cause).lower()
    if "disk is full" in text:
        return _("The disk is full: nothing was saved. Free some space and try again.")
    if "readonly database" in text:
        return _("The database file cannot be written (read-only): nothing was saved.")
    if "unable to open database file" in text:
        return _("The database file cannot be opened: check that its folder exists and can be written.")
    if "disk i/o error" in text:  # what SQLite in WAL mode says when the disk fills up under it
        return _("The database could not be written: the disk is full or failing. Nothing was saved; free some "
                 "space and try again.")
    return None
