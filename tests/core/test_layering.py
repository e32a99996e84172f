"""The layering of DESIGN.md: an app imports only the apps below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = {
    "core",
    "accounts",
    "notifications",
    "markets",
    "watchlists",
    "episodes",
    "discussions",
    "alerts",
    "curation",
    "aicrash_site",
}
# What each app may import (besides itself).
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "notifications": {"core", "accounts"},
    "markets": {"core"},
    "watchlists": {"core", "accounts", "markets"},
    "episodes": {"core", "accounts", "markets", "notifications"},
    "discussions": {"core", "accounts", "markets", "notifications", "episodes"},
    "alerts": {"core", "accounts", "markets", "watchlists", "notifications", "episodes"},
    "curation": {"core", "accounts", "markets"},
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & PROJECT_APPS


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_the_app_imports_only_apps_below_it(app):
    folder = ROOT / app
    if not folder.exists():
        pytest.skip(f"{app} does not exist yet")
    offending = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) - ALLOWED[app] - {app})
        for path in folder.rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: apps for path, apps in offending.items() if apps} == {}
