"""`report tally` (issue #6) registers here."""


def register_report(kinds) -> None:
    """No tally report yet."""
