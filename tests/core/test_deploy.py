"""The deployment examples (deploy/) work as the README's production steps use them."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "aicrash.env.example"


def _sourced(*names: str) -> list[str]:
    """The values `sh -c 'set -a; . aicrash.env; set +a'` (README, Production) gives."""
    script = 'set -a; . "$1"; set +a; ' + "; ".join(f'printf "%s\\n" "${n}"' for n in names)
    out = subprocess.run(
        ["sh", "-c", script, "sh", str(ENV_EXAMPLE)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_the_env_example_can_be_sourced_by_sh_as_the_readme_does():
    assert _sourced("DEFAULT_FROM_EMAIL", "DJANGO_DEBUG", "NUM_PROXIES") == [
        "aicrash <noreply@aicrash.example.org>",
        "0",
        "1",
    ]


def _required_in_example() -> list[str]:
    text = ENV_EXAMPLE.read_text()
    block = text.split("# Required in production:", 1)[1].split("# Optional:", 1)[0]
    return [
        line.split("=", 1)[0] for line in block.splitlines() if line and not line.startswith("#")
    ]


def test_the_readme_names_every_variable_the_env_example_requires():
    readme = (ROOT / "README.md").read_text()
    paragraph = readme.split("Variables that must be set", 1)[1].split("After each upgrade", 1)[0]

    assert [name for name in _required_in_example() if f"`{name}" not in paragraph] == []


def test_the_nginx_example_serves_static_files_from_the_env_example_var_dir():
    (var_dir,) = _sourced("AICRASH_VAR_DIR")
    nginx = (ROOT / "deploy" / "nginx.conf.example").read_text()

    assert "AICRASH_VAR_DIR" in _required_in_example()
    assert f"alias {var_dir}/staticfiles/;" in nginx
