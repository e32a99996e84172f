"""Token symbols must be what the URLs route (markets.symbols): a check constraint.

A symbol stored before the rule that breaks it (``A/B``, ``USD₮0``, ``..``) made every page
linking to its token fail, so no working site depends on it. Each such token is renamed before
the constraint is added: the characters the rule refuses become hyphens (letters lose their
accents first), a leading dot or hyphen goes, and a clash with another symbol (or nothing
left) takes the token's id as a suffix. Each rename is printed, for staff to review in the
admin. Symbols that follow the rule (every demo and bundled symbol) are untouched.
"""

import re
import unicodedata

from django.db import migrations, models

import markets.symbols

ROUTABLE = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,19}")


def _routable(symbol: str, pk: int, taken: set[str]) -> str:
    ascii_form = unicodedata.normalize("NFKD", symbol).encode("ascii", "ignore").decode()
    fixed = re.sub(r"[^A-Z0-9.\-]", "-", ascii_form.upper()).lstrip(".-")[:20]
    candidate, n = fixed, 0
    while not candidate or candidate in taken:
        n += 1
        suffix = f"-{pk}" if n == 1 else f"-{pk}-{n}"
        candidate = (fixed[: 20 - len(suffix)] or "T") + suffix
    return candidate


def symbols_make_routable(apps, schema_editor):
    Token = apps.get_model("markets", "Token")
    rows = list(Token.objects.order_by("pk").values_list("pk", "symbol"))
    taken = {symbol for _pk, symbol in rows if ROUTABLE.fullmatch(symbol)}
    for pk, symbol in rows:
        if ROUTABLE.fullmatch(symbol):
            continue
        new = _routable(symbol, pk, taken)
        taken.add(new)
        Token.objects.filter(pk=pk).update(symbol=new)
        print(f"\n  markets: token {pk} symbol {symbol!r} renamed {new!r} (not routable)")


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0010_snapshot_demo_clock_index"),
    ]

    operations = [
        migrations.RunPython(symbols_make_routable, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="token",
            name="symbol",
            field=models.CharField(
                help_text="Upper case letters, digits, dots or hyphens, e.g. TAO",
                max_length=20,
                unique=True,
                validators=[markets.symbols.symbol_validate],
            ),
        ),
        migrations.AddConstraint(
            model_name="token",
            constraint=models.CheckConstraint(
                condition=models.Q(("symbol__regex", "^[A-Z0-9][A-Z0-9.-]{0,19}$")),
                name="token_symbol_routable",
                violation_error_message=(
                    "A token symbol is 1 to 20 upper-case letters (A-Z), digits, dots or "
                    "hyphens, starting with a letter or a digit."
                ),
            ),
        ),
    ]
