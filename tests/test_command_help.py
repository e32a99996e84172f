"""Every management command of the project says, in ``--help``, what each argument takes."""

from __future__ import annotations

import pytest
from django.core.management import get_commands, load_command_class

APPS = {"core", "accounts", "markets", "notifications", "watchlists", "episodes"}
APPS |= {"discussions", "alerts", "curation"}
OURS = sorted((name, app) for name, app in get_commands().items() if app in APPS)
# What BaseCommand adds to every parser (and argparse's --help).
STANDARD = {"help", "version", "verbosity", "settings", "pythonpath", "traceback"}
STANDARD |= {"no_color", "force_color", "skip_checks"}


def test_the_project_has_its_documented_commands():
    assert {"backfill", "import_prices", "refresh_equities", "seed_demo"} <= dict(OURS).keys()


@pytest.mark.parametrize(("name", "app"), OURS, ids=[name for name, _ in OURS])
def test_every_argument_of_the_command_has_a_help_text(name, app):
    parser = load_command_class(app, name).create_parser("manage.py", name)

    silent = [
        action.option_strings[0] if action.option_strings else action.dest
        for action in parser._actions
        if action.dest not in STANDARD and not (action.help or "").strip()
    ]

    assert silent == []
