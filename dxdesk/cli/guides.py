"""Commands of this area are registered here (see dxdesk.cli.COMMAND_MODULES)."""


def register(sub) -> None:
    """No commands in this area yet."""
