"""The command line: the GUI's headless twin (contract in shared/CLI.md). It holds no logic of its own."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dxdesk import __version__
from dxdesk.errors import UserError
from dxdesk.i18n import LANGUAGES, _, ngettext, set_language

# argparse looks its own texts ("usage: ", "the following arguments are required: %s"…) up through its
# module-level gettext functions: route them through the app's catalogue, like every other message.
argparse._ = _
argparse.ngettext = ngettext

log = logging.getLogger(__name__)

# Each module registers its commands: register(subparsers) and sets `handler` defaults.
COMMAND_MODULES = ("core", "volunteers", "shifts", "guides", "reports", "exchange", "opening", "settings_pkg", "keys", "guide_links", "admin")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, exit 2
        self.exit(2, f"dxdesk: {_('error')}: {message} ({_('Run dxdesk --help for the commands.')})\n")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = _Parser(prog="dxdesk", description=_("dxdesk: the digital-transformation help desk of the one-stop counter."))
    parser.add_argument("--version", action="version", version=f"dxdesk {__version__}",
                        help=_("show program's version number and exit"))  # 3.11 does not translate its own
    parser.add_argument("--db", metavar="URL", help=_("SQLAlchemy database URL (default: SQLite file in the data folder)"))
    parser.add_argument("--home", metavar="DIR", help=_("folder for every file the app writes"))
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language: vi (default) or en"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"dxdesk.cli.{name}").register(sub)
    return parser


def _early_language(argv: list[str]) -> None:
    lang = os.environ.get("DXDESK_LANG")
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _early_language(argv)
    if argv in (["--version"], ["-V"]):  # never opens or migrates the database
        print(f"dxdesk {__version__}")
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    from dxdesk import logsetup, paths
    from dxdesk.cli.context import Context

    ctx = log_file = None
    handler = getattr(args, "handler", None)
    if handler is None:
        from dxdesk.cli.core import cmd_gui

        handler = cmd_gui
    try:
        app_paths = paths.resolve(args.home)
        app_paths.logs.mkdir(parents=True, exist_ok=True)  # --home on a file or in /proc: one line, exit 2
        log_file = logsetup.configure(app_paths.logs / "dxdesk.log")
        ctx = Context(args=args, paths=app_paths)
        code = int(handler(ctx, args) or 0)
        if code == 0 and logsetup.problem():  # the work is done; the log file could not take it
            print(f"dxdesk: {logsetup.problem()}", file=sys.stderr)
        return code
    except UserError as exc:
        print(f"dxdesk: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"dxdesk: {_('Interrupted.')}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: one line for the user, the traceback to the log
        from dxdesk.errors import explain

        if reason := explain(exc):  # the machine's fault (full disk, read-only, not a folder): exit 2
            log.warning("%s: %s", getattr(args, "command", "gui"), exc)
            print(f"dxdesk: {reason}", file=sys.stderr)
            return 2
        log.exception("unexpected error in %s", getattr(args, "command", "gui"))
        print(
            f"dxdesk: {_('Unexpected error: {error}. Details are in the log file {path}.').format(error=type(exc).__name__, path=log_file)}",
            file=sys.stderr,
        )
        return 1
    finally:
        if ctx is not None:
            ctx.close()


def gui_main() -> int:
    """Entry point of the windowed build: start the GUI whatever the arguments."""
    return main(sys.argv[1:] or ["gui"])
