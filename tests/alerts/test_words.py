"""How a rule reads on the alerts page: subject, condition and level, in the reader's language."""

from __future__ import annotations

from django.utils import translation

from alerts.words import firing_message, firing_params, firing_text, firing_texts, rule_words


def test_it_puts_a_volume_spike_factor_where_the_condition_says_k():
    words = rule_words(condition="volume_spike", subject="TAO", level=3.0)

    assert words == "TAO: 24 h volume above 3x its 30-day average"


def test_it_writes_a_french_volume_spike_rule_with_its_factor_in_place():
    with translation.override("fr"):
        words = rule_words(condition="volume_spike", subject="TAO", level=3.0)

    assert words == "TAO\u202f: volume 24 h supérieur à 3x sa moyenne sur 30 jours"


def test_it_says_a_price_crossing_in_french_with_franchir():
    with translation.override("fr"):
        words = rule_words(condition="crossing_down", subject="BTC", level=60_000)

    assert words == "BTC\u202f: prix franchissant à la baisse 60\u202f000,00\xa0$"


def test_other_rules_keep_their_label_then_level():
    assert rule_words(condition="crossing_down", subject="BTC", level=60_000) == (
        "BTC: price crossing down $60,000.00"
    )


def test_it_writes_a_fractional_volume_spike_factor_with_a_french_decimal_comma():
    """A French reader saw "volume 24 h supérieur à 1.5x" on the alerts page and in the
    notification: a decimal point among decimal commas."""
    with translation.override("fr"):
        words = rule_words(condition="volume_spike", subject="TAO", level=1.5)
        fired = firing_text(condition="volume_spike", subject="TAO", level=2.25, value=3.3e8)

    assert words == "TAO\u202f: volume 24 h supérieur à 1,5x sa moyenne sur 30 jours"
    assert fired.startswith("TAO volume 24 h au-dessus de 2,25x sa moyenne")


def test_it_keeps_a_decimal_point_in_an_english_volume_spike_factor():
    assert "above 1.5x its" in rule_words(condition="volume_spike", subject="TAO", level=1.5)


def test_it_says_one_member_not_one_members_when_a_single_list_member_is_20_below():
    one = firing_text(condition="list_members_down_20", subject="AI tokens", level=1, value=1)
    two = firing_text(condition="list_members_down_20", subject="AI tokens", level=1, value=2)

    assert one == "AI tokens: 1 member 20 % below its ATH (alert at 1)"
    assert two == "AI tokens: 2 members 20 % below their ATH (alert at 1)"


def test_it_says_one_member_in_french_too():
    with translation.override("fr"):
        one = firing_text(condition="list_members_down_20", subject="Tokens IA", level=1, value=1)
        two = firing_text(condition="list_members_down_20", subject="Tokens IA", level=1, value=2)

    assert one == "Tokens IA\u202f: 1 membre à 20\u00a0% sous son plus haut historique (alerte à 1)"
    assert two == (
        "Tokens IA\u202f: 2 membres à 20\u00a0% sous leur plus haut historique (alerte à 1)"
    )


def test_a_firing_message_is_written_in_the_readers_language_with_the_lists_french_name():
    """The notification stores the params; each reader gets their language's words and the
    list's name in it."""
    params = firing_params(
        condition="list_members_down_20",
        subject="AI tokens",
        subject_fr="Jetons IA",
        level=2,
        value=3,
    )

    english = firing_message(params)
    with translation.override("fr"):
        french = firing_message(params)

    assert english == "AI tokens: 3 members 20 % below their ATH (alert at 2)"
    assert french == (
        "Jetons IA\u202f: 3 membres à 20\u00a0% sous leur plus haut historique (alerte à 2)"
    )


def test_firing_params_store_a_figure_that_is_not_a_number_as_null_shown_as_a_dash():
    params = firing_params(
        condition="less_than", subject="BTC", subject_fr="", level=60_000, value=float("nan")
    )

    assert params["value"] is None and params["level"] == 60_000.0
    assert firing_message(params) == "BTC is less than $60,000.00 at \u2014"


def test_every_french_firing_puts_a_narrow_no_break_space_before_its_colon():
    """French typography, as elsewhere in the app: "TAO variation 24 h sous -10,00 % :" with a
    plain space could break the line before the colon."""
    with translation.override("fr"):
        texts = {
            condition: firing_text(condition=condition, subject="TAO", level=-0.1, value=-0.2)
            for condition in firing_texts()
        }

    with_colon = {condition: text for condition, text in texts.items() if ":" in text}
    assert len(with_colon) == 11
    for condition, text in with_colon.items():
        assert " :" not in text and "\u202f:" in text, condition
