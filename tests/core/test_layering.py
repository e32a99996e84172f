"""The layering of DESIGN.md: an app imports only the apps below it."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def _top_level_imports(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


_IN_NEW_PROCESS = (
    "import sys, tests.core.test_layering as t;"
    " print(' '.join(t._top_level_imports(open(sys.argv[1]).read())))"
)


def _imported_apps(path: Path) -> set[str]:
    try:
        names = _top_level_imports(path.read_text())
    except SystemError:
        # CPython 3.11.7's "AST constructor recursion depth mismatch" (gh-106905): after a
        # RecursionError elsewhere in this process its AST state is off; a new one's is not.
        out = subprocess.run(
            [sys.executable, "-c", _IN_NEW_PROCESS, str(path)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout  # fmt: skip
        names = set(out.split())
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


def test_it_reads_a_file_in_a_new_process_when_this_ones_ast_state_is_broken(monkeypatch):
    def broken(*args, **kwargs):
        raise SystemError("AST constructor recursion depth mismatch (before=0, after=2)")

    monkeypatch.setattr(ast, "parse", broken)

    assert _imported_apps(ROOT / "markets" / "admin.py") == {"markets", "core"}
