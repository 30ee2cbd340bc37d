"""Commands of this area are registered here (see dxdesk.cli.COMMAND_MODULES)."""


def register(sub) -> None:
    """No shift commands yet."""


def register_report(kinds) -> None:
    """`report roster` and `report hours` register here."""
