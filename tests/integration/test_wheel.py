"""The wheel holds the complete app under the dxdesk namespace: code, migrations, data, fonts, compiled
translations; and a fresh venv with only `pip install <wheel>` runs it."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    (path,) = out.glob("dxdesk-*.whl")
    return path


def test_wheel_file_list(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    top = {n.split("/")[0] for n in names if not n.startswith("dxdesk-")}
    assert top == {"dxdesk"}, top
    for must in [
        "dxdesk/cli/__init__.py", "dxdesk/ui/main_window.py", "dxdesk/reports/__init__.py",
        "dxdesk/db/migrations/env.py", "dxdesk/db/migrations/script.py.mako",
        "dxdesk/db/migrations/versions/0001_initial.py", "dxdesk/db/migrations/versions/0002_guides_holidays_exchange.py",
        "dxdesk/resources/units/vn-units-2025.csv", "dxdesk/resources/catalogue/dong-thap.json",
        "dxdesk/resources/fonts/LiberationSerif-Regular.ttf", "dxdesk/resources/fonts/LICENSE-LiberationFonts.txt",
        "dxdesk/resources/locale/vi/LC_MESSAGES/dxdesk.mo", "dxdesk/resources/icons/dxdesk.png",
    ]:
        assert must in names, must
    assert not any(n.endswith(".pyc") or "/tests/" in n for n in names)


@pytest.mark.slow
def test_fresh_venv_runs_the_installed_wheel(wheel, tmp_path):
    """pip install of the wheel alone gives a working app. The dependencies are made visible through a
    .pth line to this venv's site-packages (no network in tests); dxdesk itself comes only from the wheel."""
    import site
    import sysconfig

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    target_site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                      capture_output=True, text=True, check=True).stdout.strip())
    ours = sysconfig.get_paths()["purelib"]
    assert ours in site.getsitepackages()
    (target_site / "deps.pth").write_text(ours + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)], check=True,
                   capture_output=True)
    home = tmp_path / "h"
    run = lambda *a: subprocess.run([str(venv / "bin" / "dxdesk"), "--home", str(home), *a],  # noqa: E731
                                    capture_output=True, text=True, cwd=tmp_path)
    assert run("--version").returncode == 0
    init = run("init", "--province-code", "82", "--unit-code", "28261", "--unit", "Mỹ Tho")
    assert init.returncode == 0, init.stderr
    assert "Phường Mỹ Tho" in init.stdout
    located = subprocess.run([str(py), "-c", "import dxdesk.i18n, dxdesk; print(dxdesk.__file__)"],
                             capture_output=True, text=True, cwd=tmp_path).stdout
    assert str(venv) in located
    bad = run("log", "nosuch")
    assert bad.returncode == 2 and "Không có dịch vụ" in bad.stderr  # compiled Vietnamese catalogue shipped
