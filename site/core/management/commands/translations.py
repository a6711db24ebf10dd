"""Keep the German and English catalogues complete: ``--update`` writes, ``--check`` fails.

Each top-level package (site/, serviceportal/, flows/, shop/, media_archive/)
keeps its own catalogue in ``<package>/locale``, so that work on one package
never conflicts with another's catalogue.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PACKAGE_DIRS = ["site", "media_archive", "shop", "serviceportal", "flows"]
LOCALES = ["de", "en"]


def _entries(path: Path) -> set[tuple[str | None, str]]:
    if not path.exists():
        return set()
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}


def _make_messages(package_dir: Path) -> None:
    manage = Path(settings.BASE_DIR) / "manage.py"
    (package_dir / "locale").mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(manage),
            "makemessages",
            *[f"--locale={code}" for code in LOCALES],
            "--no-location",
            "--no-obsolete",
            "--ignore=tests/*",
            "--verbosity=0",
        ],
        cwd=package_dir,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal_site.settings.test"},
    )


class Command(BaseCommand):
    help = "Update (--update) or check (--check) the translation catalogues of every package."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--update", action="store_true")
        group.add_argument("--check", action="store_true")
        group.add_argument(
            "--compile", action="store_true", help="Write the .mo files (no gettext tools needed)."
        )

    def handle(self, *args, update: bool, check: bool, compile: bool, **options):  # noqa: A002
        problems: list[str] = []
        base = Path(settings.BASE_DIR)
        if compile:
            catalogues = [
                *base.glob("*/locale/*/LC_MESSAGES/django.po"),
                *base.glob("*/locale/overrides/*/LC_MESSAGES/django.po"),
            ]
            for po_path in sorted(catalogues):
                _compile(po_path)
            return
        for name in PACKAGE_DIRS:
            package_dir = base / name
            if update:
                _make_messages(package_dir)
                continue
            problems.extend(self._check(package_dir))
        if problems:
            raise CommandError("Translation catalogues are not complete:\n" + "\n".join(problems))
        self.stdout.write("Translation catalogues are complete.")

    def _check(self, package_dir: Path) -> list[str]:
        problems: list[str] = []
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / package_dir.name
            shutil.copytree(package_dir, copy, ignore=shutil.ignore_patterns("__pycache__"))
            _make_messages(copy)
            for code in LOCALES:
                rel = Path("locale", code, "LC_MESSAGES", "django.po")
                current, fresh = _entries(package_dir / rel), _entries(copy / rel)
                for _ctx, msgid in sorted(fresh - current, key=str):
                    problems.append(f"{package_dir.name}/{rel}: missing {msgid!r}")
                for _ctx, msgid in sorted(current - fresh, key=str):
                    problems.append(f"{package_dir.name}/{rel}: no longer used {msgid!r}")
        de = package_dir / "locale" / "de" / "LC_MESSAGES" / "django.po"
        if de.exists():
            for entry in polib.pofile(str(de)):
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    problems.append(f"{package_dir.name}: fuzzy German {entry.msgid!r}")
                elif not entry.translated():
                    problems.append(f"{package_dir.name}: untranslated German {entry.msgid!r}")
        return problems


def _compile(po_path: Path) -> None:
    """Write the .mo beside the .po through a temporary file: a process that reads the
    catalogue meanwhile (a running server, a second test run) sees the old or the new
    file, never half of one."""
    mo_path = po_path.with_suffix(".mo")
    temporary = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
    polib.pofile(str(po_path)).save_as_mofile(str(temporary))
    os.replace(temporary, mo_path)
