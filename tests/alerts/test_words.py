"""How a rule reads on the alerts page: subject, condition and level, in the reader's language."""

from __future__ import annotations

from django.utils import translation

from alerts.words import rule_words


def test_it_puts_a_volume_spike_factor_where_the_condition_says_k():
    words = rule_words(condition="volume_spike", subject="TAO", level=3.0)

    assert words == "TAO: 24 h volume above 3x its 30-day average"


def test_it_writes_a_french_volume_spike_rule_with_its_factor_in_place():
    with translation.override("fr"):
        words = rule_words(condition="volume_spike", subject="TAO", level=3.0)

    assert words == "TAO : volume 24 h supérieur à 3x sa moyenne sur 30 jours"


def test_it_says_a_price_crossing_in_french_with_franchir():
    with translation.override("fr"):
        words = rule_words(condition="crossing_down", subject="BTC", level=60_000)

    assert words == "BTC : prix franchissant à la baisse 60\xa0000,00\xa0$"


def test_other_rules_keep_their_label_then_level():
    assert rule_words(condition="crossing_down", subject="BTC", level=60_000) == (
        "BTC: price crossing down $60,000.00"
    )
