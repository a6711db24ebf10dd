"""Lower layers never import higher ones: flows > serviceportal > shop > media_archive > site."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# folder, import name, rank (higher may import lower)
LAYERS = [
    ("site", "portal_site", 0),
    ("media_archive", "media_archive", 1),
    ("shop", "shop", 2),
    ("serviceportal", "serviceportal", 3),
    ("flows", "flows", 4),
]
RANK = {name: rank for _folder, name, rank in LAYERS}


def imported_top_packages(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def violations() -> list[str]:
    found = []
    for folder, _name, rank in LAYERS:
        for path in (ROOT / folder).rglob("*.py"):
            for imported in imported_top_packages(path.read_text()):
                if RANK.get(imported, -1) > rank:
                    found.append(f"{path.relative_to(ROOT)} imports {imported}")
    return found


def test_no_lower_layer_imports_a_higher_one():
    assert violations() == []


def test_checker_sees_an_upward_import():
    assert "flows" in imported_top_packages("from flows.models import X\nimport shop")
    assert "shop" in imported_top_packages("import shop.services")
