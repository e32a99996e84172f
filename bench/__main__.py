"""Entry point: prepare the bench database, set Django up, run the chosen benchmarks."""

from __future__ import annotations

import importlib
import os
import sys
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aicrash_bench"
BENCHMARKS = (
    "ingest",
    "refresh",
    "recompute",
    "http",
    "valuation",
    "alerts",
    "csv_import",
    "fanout",
    "replay",
    "load",
    "server_time",
    "scale",
    "day_summary",
)
# Run only when named: they build millions of snapshot rows (minutes, up to a few GB).
OPT_IN = ("scale", "day_summary")


def database_prepare(url: str) -> None:
    """Refuse non-bench databases, create the bench database if it is missing."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres") or "bench" not in name:
        sys.exit(
            f"refusing to run: DATABASE_URL must be PostgreSQL with 'bench' in its name: {url}"
        )
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aicrash_site.settings")
    # Production-like: no query logging (DEBUG), no per-refresh INFO lines.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if "bench" not in connection.settings_dict["NAME"]:  # belt and braces
        sys.exit(f"refusing to run on database {connection.settings_dict['NAME']!r}")
    call_command("migrate", verbosity=0)
    from bench.common import schema_check

    schema_check()


def main(argv: list[str]) -> int:
    names = argv or [n for n in BENCHMARKS if n not in OPT_IN]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    database_prepare(url)
    django_setup(url)
    from bench.common import reset, summary_print

    results = []
    for name in names:
        reset()
        results.append(importlib.import_module(f"bench.{name}").run())
    reset()
    summary_print(results)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
