"""One conftest: offscreen Qt before any Qt import, Vietnamese forced, a fresh data folder and database per
test, an in-memory keyring, and PostgreSQL databases made per test when DXDESK_TEST_PG_URL is set."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # without it Qt aborts with no display
os.environ["DXDESK_LANG"] = "vi"
os.environ.pop("DXDESK_HOME", None)
os.environ.pop("DXDESK_DB", None)

import subprocess  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.errors import PasswordDeleteError  # noqa: E402

from dxdesk.i18n import set_language  # noqa: E402
from dxdesk.paths import AppPaths  # noqa: E402
from dxdesk.security.actor import Actor, cli_actor  # noqa: E402

PG_URL = os.environ.get("DXDESK_TEST_PG_URL")
REQUIRE_PG = os.environ.get("DXDESK_REQUIRE_PG") == "1"


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


# module- and session-scoped fixtures (made before any test's own keyring) sign packages with this one
keyring.set_keyring(MemoryKeyring())


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


REQUIRE_KEYRING = os.environ.get("DXDESK_REQUIRE_KEYRING") == "1"


@pytest.fixture
def secret_service(memory_keyring):
    """The real Secret Service of this session (GNOME Keyring started by scripts/with-keyring, as scripts/test
    and CI do) instead of the in-memory stand-in, for the tests about keys. Skipped where there is none, unless
    DXDESK_REQUIRE_KEYRING=1 (scripts/test sets it): then its absence fails the test."""
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        usable = os.environ.get("DBUS_SESSION_BUS_ADDRESS") and backend.priority > 0
        if usable:
            backend.get_password("dxdesk-probe", "probe")
    except Exception as exc:  # noqa: BLE001 - any failure means there is no usable Secret Service here
        usable, why = False, f"{type(exc).__name__}: {exc}"
    else:
        why = "no D-Bus session bus (run the tests through scripts/with-keyring)"
    if not usable:
        if REQUIRE_KEYRING:
            pytest.fail(f"DXDESK_REQUIRE_KEYRING=1 but no Secret Service: {why}")
        pytest.skip(f"no Secret Service: {why}")
    keyring.set_keyring(backend)
    yield backend


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def home(tmp_path) -> AppPaths:
    return AppPaths(tmp_path / "home").ensure()


@pytest.fixture
def admin() -> Actor:
    return cli_actor()


@pytest.fixture
def db(home):
    from dxdesk.database import open_database

    database = open_database(None, home)
    yield database
    database.dispose()


def _pg_admin_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False)


def _require_pg() -> None:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("DXDESK_TEST_PG_URL is not set but DXDESK_REQUIRE_PG=1")
        pytest.skip("no PostgreSQL server (set DXDESK_TEST_PG_URL)")


def _pg_database(template: str | None = None):
    """Make a PostgreSQL database (empty, or a copy of TEMPLATE); yield its URL; drop it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dxt_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for this test (dropped afterwards)."""
    _require_pg()
    yield from _pg_database()


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory):
    """A PostgreSQL database opened once by `open_database` (every migration, the catalogue), with no connection
    left open: `any_db` copies it (CREATE DATABASE … TEMPLATE) instead of migrating a new database for every test
    (~1,5 s each). The migrations themselves are tested on empty databases (`pg_url`, test_storage)."""
    _require_pg()
    from sqlalchemy.engine import make_url

    from dxdesk.database import open_database
    from dxdesk.settings import store as settings

    for url in _pg_database():
        template = open_database(url, AppPaths(tmp_path_factory.mktemp("pg-template")).ensure())
        with template.session() as session:  # each copy must make its own id (its keys in the keyring are named by it)
            assert settings.get(session, settings.DB_UUID) is None
        template.dispose()
        yield make_url(url).database


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request, home):
    """The same test on SQLite and on PostgreSQL (a copy of `pg_template`: migrated, with the catalogue)."""
    from dxdesk.database import open_database

    if request.param == "sqlite":
        database = open_database(None, home)
        yield database
        database.dispose()
        return
    for url in _pg_database(request.getfixturevalue("pg_template")):
        database = open_database(url, home)
        yield database
        database.dispose()


@pytest.fixture
def cli(capsys, home):
    """Run the CLI in-process: cli("log", "vneid") -> (exit code, stdout, stderr). --home is added."""
    from dxdesk.cli import main

    def run(*args, db_url=None):
        argv = ["--home", str(home.home)]
        if db_url:
            argv += ["--db", db_url]
        code = main(argv + [str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def run_cli_process(home: Path, *args, db_url=None, **kwargs) -> subprocess.CompletedProcess:
    """The CLI in a real process (the installed console script's module)."""
    argv = [sys.executable, "-m", "dxdesk", "--home", str(home)]
    if db_url:
        argv += ["--db", db_url]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(argv + [str(a) for a in args], capture_output=True, text=True, env=env, **kwargs)


@pytest.fixture
def cli_process():
    """Run the CLI in a separate process: cli_process(home_dir, *args) -> CompletedProcess."""
    return run_cli_process


@pytest.fixture
def captured_messages():
    """Message boxes are recorded instead of shown: list of (kind, title, text)."""
    from dxdesk.ui import messages

    messages.captured = []
    messages.answers = []
    yield messages.captured
    messages.captured = None
    messages.answers = []
