"""The install itself: the site/ import name and the package list in pyproject.toml."""

from __future__ import annotations

import importlib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_PACKAGES = {
    "site": "portal_site",
    "serviceportal": "serviceportal",
    "flows": "flows",
    "shop": "shop",
    "media_archive": "media_archive",
}


def test_site_folder_is_installed_as_portal_site_and_stdlib_site_is_untouched():
    import site

    import portal_site

    assert Path(portal_site.__file__).resolve().parent == ROOT / "site"
    assert Path(site.__file__).resolve().parent != ROOT / "site"
    assert importlib.import_module("portal_site.settings.base").AUTH_USER_MODEL == "accounts.User"
    assert not any(Path(p).resolve() == ROOT / "site" for p in sys.path if p)


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for folder, name in TOP_PACKAGES.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join([name, *relative]))
    assert found - listed == set(), "add these packages to pyproject.toml"
    assert listed - found == set(), "these listed packages do not exist"
