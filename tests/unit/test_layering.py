"""The layers, and the arrows allowed between them, checked on the source (imports and signatures, read with ast).

    core       dxdesk/            the rules (counting, records, schedules …), no Qt
    storage    dxdesk/db/         tables, engine, migrations (SQLAlchemy, Alembic)
    cli        dxdesk/cli/        the command line
    ui         ui/  = dxdesk.ui   widgets (PySide6)
    renderers  reports/ = dxdesk.reports   plain data in, bytes out (PDF, Word, PNG, XLSX)

The UI asks the core, never the tables; the renderers get plain data objects from the core, never a database or a
session; storage knows nothing of the rules above it. A few small modules without rules or tables (errors, i18n,
paths …) are the foundation every layer may use."""

import ast
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The one map of the layers: source folder -> (import name, layer). The longest folder that holds a file wins.
FOLDERS = {"dxdesk": ("dxdesk", "core"), "dxdesk/db": ("dxdesk.db", "storage"), "dxdesk/cli": ("dxdesk.cli", "cli"),
           "ui": ("dxdesk.ui", "ui"), "reports": ("dxdesk.reports", "renderers")}
# Third-party packages that belong to a layer (importing them is an arrow into that layer).
THIRD_PARTY = {"sqlalchemy": "storage", "alembic": "storage", "PySide6": "qt", "shiboken6": "qt"}
# No rules, no tables, no Qt: every layer may import these.
FOUNDATION = {"dxdesk", "dxdesk.errors", "dxdesk.i18n", "dxdesk.paths", "dxdesk.inuse", "dxdesk.text", "dxdesk.clock",
              "dxdesk.vnformat", "dxdesk.logsetup"}
# Arrows that are not allowed: (from layer, to layer).
FORBIDDEN = {
    ("core", "qt"), ("storage", "qt"), ("cli", "qt"), ("renderers", "qt"),
    ("core", "ui"), ("storage", "ui"), ("renderers", "ui"), ("cli", "ui"),
    ("core", "cli"), ("storage", "cli"), ("renderers", "cli"), ("ui", "cli"),
    ("ui", "storage"), ("renderers", "storage"),
    ("storage", "core"), ("storage", "renderers"),
}
# The one door from the command line to the GUI: the `gui` command starts it (lazily, inside the function); and
# `python -m dxdesk`, which is the command line.
ALLOWED = {("dxdesk/cli/core.py", "dxdesk.ui.app"), ("dxdesk/__main__.py", "dxdesk.cli")}
# In renderers: a parameter with one of these names, or annotated with one of these types, is a database handed in.
STORAGE_PARAMETERS = {"db", "session", "engine", "conn", "connection"}
STORAGE_TYPES = {"Database", "Session", "Engine", "Connection", "sessionmaker"}


def layer_of_file(rel: str) -> tuple[str, str] | None:
    """(module name, layer) of a source file given by its path inside the repository."""
    best = None
    for folder, (package, layer) in FOLDERS.items():
        if rel.startswith(folder + "/") and (best is None or len(folder) > len(best[0])):
            best = (folder, package, layer)
    if best is None:
        return None
    folder, package, layer = best
    inner = rel[len(folder) + 1:].removesuffix(".py").replace("/", ".").removesuffix("__init__").rstrip(".")
    return (f"{package}.{inner}" if inner else package), layer


def layer_of_module(module: str) -> str | None:
    top = module.split(".")[0]
    if top in THIRD_PARTY:
        return THIRD_PARTY[top]
    if module == "dxdesk" or any(module == f or module.startswith(f + ".") for f in FOUNDATION - {"dxdesk"}):
        return None
    best = None
    for package, layer in FOLDERS.values():
        if (module == package or module.startswith(package + ".")) and (best is None or len(package) > len(best[0])):
            best = (package, layer)
    return best[1] if best else None


@dataclass(frozen=True)
class Breach:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")[: -node.level] if node.level else []
    return ".".join(base + ([node.module] if node.module else []))


def check_source(rel: str, source: str) -> list[Breach]:
    """Every arrow out of the file REL (path inside the repository) that the layers do not allow."""
    where = layer_of_file(rel)
    if where is None:
        return []
    module, layer = where
    tree = ast.parse(source)
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module + (".__init__" if rel.endswith("__init__.py") else ""), node)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]  # `from dxdesk import db` is dxdesk.db
            names = [n for n in names if layer_of_module(n) is not None] or [base]
        for name in names:
            target = layer_of_module(name)
            allowed = any((rel, name.rsplit(".", cut)[0]) in ALLOWED for cut in range(name.count(".") + 1))
            if target and target != layer and (layer, target) in FORBIDDEN and not allowed:
                out.append(Breach(rel, node.lineno, f"{layer} imports {target}: {name}"))
                break
        if layer == "renderers" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is None:
                    continue
                annotation = ast.unparse(arg.annotation) if getattr(arg, "annotation", None) else ""
                typed = any(word in STORAGE_TYPES for word in re.findall(r"\w+", annotation))
                if arg.arg in STORAGE_PARAMETERS or typed:
                    name = getattr(node, "name", "lambda")
                    out.append(Breach(rel, node.lineno, f"renderer takes the database: {name}({arg.arg})"))
    return out


def check_tree(root: Path) -> list[Breach]:
    out = []
    for folder in FOLDERS:
        if folder.count("/"):
            continue  # inside a top folder, walked with it
        for path in sorted((root / folder).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if "/migrations/" in rel:
                continue  # Alembic's scripts: storage, run by storage
            out.append(check_source(rel, path.read_text(encoding="utf-8")))
    return [b for found in out for b in found]


def test_the_tree_keeps_its_layers():
    assert [str(b) for b in check_tree(ROOT)] == []


# --- the checker itself: each forbidden arrow is caught, the allowed ones are not ---------------------------------

CASES = [
    # (file, source, what the breach says, or None when the arrow is allowed)
    ("ui/pages/counter/page.py", "from dxdesk.db.models import Volunteer\n", "ui imports storage"),
    ("ui/pages/journal/page.py", "from sqlalchemy import select\n", "ui imports storage"),
    ("ui/pages/exchange/upload_sender.py", "import sqlalchemy.exc\n", "ui imports storage"),
    ("ui/pages/settings/users.py", "def f():\n    from dxdesk.db.engine import migrate\n", "ui imports storage"),
    ("ui/pages/settings/backup.py", "from dxdesk import db\n", "ui imports storage"),
    ("reports/tally_pdf.py", "from dxdesk.db.models import ServiceRecord\n", "renderers imports storage"),
    ("reports/roster.py", "def roster_pdf(db, start, end):\n    pass\n", "renderer takes the database"),
    ("reports/guides.py", "def render(rows, *, session=None):\n    pass\n", "renderer takes the database"),
    ("reports/guides.py", "def render(rows, store: 'Database'):\n    pass\n", "renderer takes the database"),
    ("reports/zalo.py", "from PySide6.QtGui import QImage\n", "renderers imports qt"),
    ("dxdesk/db/engine.py", "from dxdesk.counting.catalogue import ensure_catalogue\n", "storage imports core"),
    ("dxdesk/db/models.py", "from .. import records\n", "storage imports core"),
    ("dxdesk/counter/records.py", "from PySide6.QtCore import QObject\n", "core imports qt"),
    ("dxdesk/counter/records.py", "from dxdesk.ui import messages\n", "core imports ui"),
    ("dxdesk/cli/core.py", "from dxdesk.ui.main_window import MainWindow\n", "cli imports ui"),
    # allowed
    ("ui/pages/counter/page.py", "from dxdesk.counter.records import log_record\nfrom dxdesk.errors import UserError\n", None),
    ("reports/tally_pdf.py", "from dxdesk.reporting.tally_report import TallyReport\ndef render(report): pass\n", None),
    ("dxdesk/db/engine.py", "from dxdesk.errors import UserError\nfrom dxdesk.i18n import _\n", None),
    ("dxdesk/counter/records.py", "from dxdesk.db.models import ServiceRecord\nfrom sqlalchemy import select\n", None),
    ("dxdesk/cli/core.py", "def gui():\n    from dxdesk.ui.app import run\n", None),
    ("ui/pages/reports/page.py", "from dxdesk.reports import tally_pdf\n", None),
]


@pytest.mark.parametrize(("rel", "source", "expected"), CASES, ids=[f"{c[0]}:{c[2] or 'allowed'}" for c in CASES])
def test_checker_catches_forbidden_arrows(rel, source, expected):
    found = check_source(rel, source)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0].what, found


def test_a_forbidden_import_added_to_a_copy_of_the_tree_fails(tmp_path):
    """The whole walk, on a small tree laid out like the repository: clean, then one forbidden import added."""
    for rel, text in {"dxdesk/__init__.py": "", "dxdesk/counter/records.py": "from dxdesk.db.models import X\n",
                      "dxdesk/db/__init__.py": "", "dxdesk/db/models.py": "from sqlalchemy import Column\n",
                      "ui/__init__.py": "", "ui/pages/counter/page.py": "from dxdesk.counter.records import log\n",
                      "reports/__init__.py": "", "reports/tally_pdf.py": "def render(report):\n    pass\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert check_tree(tmp_path) == []
    page = tmp_path / "ui/pages/counter/page.py"
    page.write_text(page.read_text() + "from sqlalchemy import select\n", encoding="utf-8")
    assert [str(b) for b in check_tree(tmp_path)] == ["ui/pages/counter/page.py:2: ui imports storage: sqlalchemy"]


def test_only_the_dxdesk_namespace_is_installed():
    for generic in ("ui", "reports", "resources"):
        assert importlib.util.find_spec(generic) is None, generic
    assert importlib.util.find_spec("dxdesk.ui.main_window") is not None
    assert importlib.util.find_spec("dxdesk.reports") is not None


def test_importing_does_nothing():
    """No engine, application or settings object is created at import time."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import dxdesk.cli, dxdesk.db.engine, dxdesk.counting, sys;"
                          "print(any(m.startswith('PySide6') for m in sys.modules))"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
