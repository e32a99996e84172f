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
