"""No English in the Vietnamese command line either: argparse's own texts (usage, option groups, "the following
arguments are required", "invalid choice") go through the app's catalogue, like every other message.

Needs, in dxdesk/cli/__init__.py (the lead's file): `argparse._ = _` and `argparse.ngettext = ngettext` (argparse
looks its messages up through its module-level `_`); the Vietnamese texts are in resources/locale/vi/ship.po.
"""

import re

ARGPARSE_ENGLISH = re.compile(
    r"usage:|positional arguments|options:|show this help message|the following arguments are required"
    r"|invalid choice|unrecognized arguments|expected one argument|error:"
)


def test_vietnamese_cli_help_and_errors_have_no_argparse_english(cli_process, tmp_path):
    home = tmp_path / "h"
    helps = cli_process(home, "--help")
    assert helps.returncode == 0
    assert "cách dùng: dxdesk" in helps.stdout
    missing = cli_process(home, "init")
    assert missing.returncode == 2
    assert "thiếu các tham số bắt buộc: --province-code" in missing.stderr
    wrong = cli_process(home, "stats", "--period", "2026", "--json", "--lang", "xx")
    assert wrong.returncode == 2
    for text in (helps.stdout, missing.stderr, wrong.stderr, cli_process(home, "init", "--help").stdout):
        assert not ARGPARSE_ENGLISH.search(text), text


def test_english_cli_keeps_english(cli_process, tmp_path):
    result = cli_process(tmp_path / "h", "--lang", "en", "init")
    assert result.returncode == 2
    assert "the following arguments are required: --province-code" in result.stderr
