"""Build hook: compile the translation catalogues (.po → .mo) into the package at build time."""

import sys
from pathlib import Path

from setuptools import find_namespace_packages, find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "scripts"))


class BuildWithTranslations(build_py):
    def run(self):
        from i18n_compile import compile_locale_dir

        super().run()
        source = HERE / "resources" / "locale"
        if self.editable_mode:
            compile_locale_dir(source)
        else:
            compile_locale_dir(source, Path(self.build_lib) / "dxdesk" / "resources" / "locale")


# Repo folders map into one import namespace (pyproject's package-dir): ui/ -> dxdesk.ui, and so on.
FOLDERS = {"dxdesk": "dxdesk", "dxdesk.ui": "ui", "dxdesk.reports": "reports", "dxdesk.resources": "resources"}


# resources/ holds data folders without __init__.py (fonts, locale/vi/LC_MESSAGES, ...): they are declared as
# (namespace) packages, so setuptools ships them as package data without "Package would be ignored" warnings.
DATA_FOLDERS = {"dxdesk.resources"}


def packages() -> list[str]:
    found = []
    for name, folder in FOLDERS.items():
        found.append(name)
        finder = find_namespace_packages if name in DATA_FOLDERS else find_packages
        found += [f"{name}.{sub}" for sub in finder(str(HERE / folder), exclude=["__pycache__", "*.__pycache__"])
                  if f"{name}.{sub}" not in FOLDERS]
    return found


setup(packages=packages(), cmdclass={"build_py": BuildWithTranslations})
