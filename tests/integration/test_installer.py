"""Packaging: the PyInstaller spec, the Linux desktop entry, the Inno Setup script and its Vietnamese messages
agree with each other and with the files they name. (The Windows parts cannot be built here: these checks are
what can be verified on Linux. The Linux build itself is run by scripts/build-linux.sh + smoke-frozen.sh.)"""

import configparser
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def _spec() -> str:
    return (INSTALLER / "dxdesk.spec").read_text(encoding="utf-8")


def _iss() -> str:
    raw = (INSTALLER / "dxdesk.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads non-ASCII scripts as UTF-8 only with a BOM"
    return raw[3:].decode("utf-8")


def _sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith((";", "#", "//")):  # comments, preprocessor lines
            continue
        m = re.fullmatch(r"\[(\w+)\]", stripped)
        if m:
            current = m.group(1)
            out.setdefault(current, [])
        elif current:
            out[current].append(stripped)
    return out


def test_spec_builds_two_programs_into_one_folder_with_the_resources():
    spec = _spec()
    assert re.search(r'EXE\(.*name="dxdesk", console=True', spec)
    assert re.search(r'EXE\(.*name="dxdesk-gui", console=False', spec)
    assert 'COLLECT(' in spec and 'name="dxdesk"' in spec.split("COLLECT(")[1]
    assert 'collect_data_files("dxdesk.resources"' in spec
    assert 'collect_data_files("dxdesk.db.migrations", include_py_files=True)' in spec
    assert 'collect_submodules("dxdesk")' in spec
    entry = re.search(r'\[str\(HERE / "([^"]+)"\)\]', spec).group(1)
    assert (INSTALLER / entry).is_file()
    # The resources the spec insists on are in the source tree (the .mo is compiled by the build).
    for name in re.findall(r'"((?:locale|fonts|units|icons)/[^"]+)"', spec):
        source = ROOT / "resources" / name
        if name.endswith(".mo"):
            source = ROOT / "resources" / "locale" / "vi" / "core.po"
        assert source.exists(), name
    for icon in ("dxdesk.ico", "dxdesk.png"):
        assert (ROOT / "resources" / "icons" / icon).stat().st_size > 0


def test_entry_script_picks_the_gui_for_the_windowed_program():
    text = (INSTALLER / "dxdesk_entry.py").read_text(encoding="utf-8")
    assert "gui_main() if name.endswith(\"-gui\") else main()" in text
    assert "freeze_support" in text


def test_linux_build_script_and_desktop_entry_match():
    build = (ROOT / "scripts" / "build-linux.sh").read_text(encoding="utf-8")
    assert "--distpath dist installer/dxdesk.spec" in build
    assert "DXDESK_STAGE" in build and "--target" in build  # non-editable staging for PyInstaller
    smoke = (ROOT / "scripts" / "smoke-frozen.sh").read_text(encoding="utf-8")
    assert 'mktemp -d /tmp/' in smoke and "--version" in smoke and "guides" in smoke and "offscreen" in smoke
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(INSTALLER / "linux" / "dxdesk.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Exec"].split()[0].endswith("/dxdesk-gui")
    assert entry["Icon"].endswith("/dxdesk.png")
    assert "Office" in entry["Categories"].split(";")
    assert "Quầy hỗ trợ chuyển đổi số" in entry["GenericName[vi]"]


def test_inno_script_installs_the_build_output_per_user_and_keeps_user_data():
    iss = _iss()
    sections = _sections(iss)
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    # Per user without an administrator; an administrator may still choose all users (dialog or /ALLUSERS).
    assert setup["PrivilegesRequired"] == "lowest"
    assert set(setup["PrivilegesRequiredOverridesAllowed"].split()) == {"dialog", "commandline"}
    assert setup["DefaultDirName"] == "{code:DefaultInstallDir}"
    code = "\n".join(sections["Code"])
    assert "{localappdata}\\Programs\\{#AppName}" in code and "{commonpf}\\{#AppName}" in code
    assert "IsAdminInstallMode" in code
    assert re.search(r"#if VER < EncodeVer\(6, 4, 1\)", iss)  # the Inno Setup version CI compiles with
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    assert setup["MinVersion"] == "10.0.17763"  # Windows 10 1809, Qt 6's floor
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setup["AppId"])
    for key in ("SetupIconFile", "LicenseFile"):
        assert (INSTALLER / setup[key].replace("\\", "/")).is_file(), key
    build_dir = re.search(r'#define BuildDir "([^"]+)"', iss).group(1).replace("\\", "/")
    assert (INSTALLER / build_dir).resolve() == ROOT / "dist" / "dxdesk"  # where build-linux/CI put the build
    sources = [re.search(r'Source: "([^"]+)"', line).group(1) for line in sections["Files"]]
    exes = {s.split("\\")[-1].replace("{#AppExe}", "dxdesk-gui.exe") for s in sources if s.endswith(".exe")
            or "{#AppExe}" in s}
    assert exes == {"dxdesk.exe", "dxdesk-gui.exe"}  # the spec's two EXE names
    assert any(s.endswith("\\_internal\\*") for s in sources)
    icons = sections["Icons"]
    assert any(line.startswith('Name: "{autoprograms}') for line in icons)
    assert all('WorkingDir: "{userdocs}"' in line for line in icons)  # reports are saved to Documents
    assert any(line.startswith('Name: "{autodesktop}') and "Tasks: desktopicon" in line for line in icons)
    tasks = sections["Tasks"]
    assert any('Name: "desktopicon"' in t and "unchecked" not in t for t in tasks)  # ticked by default
    # The uninstaller touches nothing outside the program folder: the user's data (%LOCALAPPDATA%) stays.
    for line in sections.get("UninstallDelete", []) + sections["InstallDelete"]:
        assert '"{app}' in line, line
    # An upgrade removes the old version's libraries before copying the new ones.
    assert 'Type: filesandordirs; Name: "{app}\\_internal"' in sections["InstallDelete"]
    assert "{localappdata}\\dxdesk" not in iss and "{userappdata}" not in iss and "{commonappdata}" not in iss
    languages = sections["Languages"]
    assert languages[0].startswith('Name: "vi"') and 'Vietnamese.isl"' in languages[0]
    assert "compiler:Default.isl,Vietnamese.isl" in languages[0]  # messages missing in ours fall back to English
    assert any(line.startswith('Name: "en"') for line in languages)


def test_vietnamese_inno_messages_are_complete_and_well_formed():
    raw = (INSTALLER / "Vietnamese.isl").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    sections = _sections(text)
    options = dict(line.split("=", 1) for line in sections["LangOptions"])
    assert options["LanguageName"] == "Tiếng Việt" and options["LanguageID"] == "$042A"
    messages = dict(line.split("=", 1) for line in sections["Messages"])
    custom = dict(line.split("=", 1) for line in sections["CustomMessages"])
    may_be_empty = {"HelpTextNote", "BeveledLabel", "AboutSetupNote"}
    assert [k for k, v in messages.items() if not v and k not in may_be_empty] == []
    for key in ("ButtonNext", "ButtonBack", "ButtonCancel", "ButtonInstall", "ButtonFinish", "WelcomeLabel1",
                "WelcomeLabel2", "SelectDirLabel3", "ReadyLabel1", "FinishedLabel", "ConfirmUninstall",
                "UninstalledAll", "ExitSetupMessage", "SelectLanguageLabel", "WizardLicense", "LicenseAccepted",
                "PrivilegesRequiredOverrideAllUsers", "AdminPrivilegesRequired", "StatusExtractFiles"):
        assert key in messages, key
    assert messages["ButtonCancel"] == "Hủy" and messages["ButtonNext"] == "&Tiếp >"
    for key in ("CreateDesktopIcon", "AdditionalIcons", "LaunchProgram"):
        assert key in custom, key
    # Placeholders Inno Setup fills in must survive translation.
    assert "[name]" in messages["WelcomeLabel1"] and "[name/ver]" in messages["WelcomeLabel2"]
    assert "%1" in messages["ConfirmUninstall"] and "%1" in custom["LaunchProgram"]
    assert "%1" in messages["DiskSpaceWarning"] and "%2" in messages["DiskSpaceWarning"]
    # Each mnemonic (&) marks one letter: at most one per message.
    assert [k for k, v in {**messages, **custom}.items() if v.count("&") > 1] == []


def test_english_catalogue_exists_and_compiles():
    from babel.messages.pofile import read_po

    po = ROOT / "resources" / "locale" / "en" / "dxdesk.po"
    with po.open("rb") as fh:
        catalogue = read_po(fh, locale="en")
    entries = [m for m in catalogue if m.id]
    assert len(entries) > 100
    assert catalogue["Counter"].string == "Counter"
    from dxdesk.i18n import _, set_language

    set_language("en")
    assert _("Help — dxdesk") == "Help — dxdesk"
    set_language("vi")
    assert _("Help — dxdesk") == "Trợ giúp — dxdesk"
