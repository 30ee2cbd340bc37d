"""One way for each concern (issue #17): background work through ui/background.Job, loggers named by module,
the spreadsheet-formula guard in one place. Each check reads the source, so a new copy fails here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("dxdesk", "ui", "reports") for p in (ROOT / folder).rglob("*.py"))

# Written before the rule and in files other work is changing now; each leaves this list when converted (the
# check below fails on an entry that no longer breaks the rule, so the list only shrinks).
PENDING_WORKERS: set[str] = set()  # the counter's figures, the reports and the upload sender are Jobs now
PENDING_LOGGERS: set[str] = set()


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def own_workers(source: str) -> list[str]:
    """Classes that subclass QRunnable or QThread themselves instead of using Job."""
    return [node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ClassDef)
            and any(getattr(base, "id", getattr(base, "attr", "")) in {"QRunnable", "QThread"} for base in node.bases)]


def named_loggers(source: str) -> list[str]:
    """logging.getLogger("…") with a literal name (the package's root logger in logsetup excepted)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "getLogger" and node.args
                and isinstance(node.args[0], ast.Constant) and node.args[0].value != "dxdesk"):
            found.append(node.args[0].value)
    return found


def formula_guards(source: str) -> list[int]:
    """Lines that spell out the spreadsheet formula characters (= + - @) as a tuple of their own."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple) and {"=", "+", "-", "@"} <= {
                e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}:
            lines.append(node.lineno)
    return lines


def test_background_work_goes_through_job():
    found = {_rel(p): own_workers(p.read_text(encoding="utf-8")) for p in SOURCES}
    breaking = {path for path, names in found.items() if names and path != "ui/background.py"}
    assert breaking - PENDING_WORKERS == set()
    assert PENDING_WORKERS - breaking == set(), "converted: take it off PENDING_WORKERS"


def test_loggers_are_named_by_module():
    breaking = {_rel(p) for p in SOURCES if named_loggers(p.read_text(encoding="utf-8"))}
    assert breaking - PENDING_LOGGERS == set()
    assert PENDING_LOGGERS - breaking == set(), "converted: take it off PENDING_LOGGERS"


def test_the_formula_guard_is_written_once():
    found = {_rel(p): formula_guards(p.read_text(encoding="utf-8")) for p in SOURCES}
    assert {path for path, lines in found.items() if lines} == {"dxdesk/safe_cells.py"}


@pytest.mark.parametrize(("check", "source"), [
    (own_workers, "class W(QRunnable):\n    pass\n"),
    (own_workers, "class T(QtCore.QThread):\n    pass\n"),
    (named_loggers, 'log = logging.getLogger("dxdesk.ui")\n'),
    (formula_guards, '_START = ("=", "+", "-", "@", "\\t")\n'),
])
def test_each_check_catches_a_copy(check, source):
    assert check(source)


def test_qt_warnings_fail_the_tests_with_a_short_commented_ignore_list(request):
    assert request.config.getini("qt_log_level_fail") == "WARNING"
    ignored = request.config.getini("qt_log_ignore")
    assert 0 < len(ignored) <= 3 and all(pattern.startswith("^This plugin does not support") for pattern in ignored)
