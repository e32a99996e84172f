"""Retention settings that would make metrics read compacted hours are refused at startup."""

from markets.checks import interval_check, provider_check, replay_limit_check, retention_check


def _ids(settings, raw: int, hourly: int) -> list[str]:
    settings.RAW_RETENTION_DAYS, settings.HOURLY_RETENTION_DAYS = raw, hourly
    return [error.id for error in retention_check(None)]


def test_the_defaults_pass(settings):
    assert _ids(settings, 100, 730) == []


def test_raw_retention_within_the_longest_metric_window_is_an_error(settings):
    assert _ids(settings, 90, 730) == ["markets.E001"]
    assert _ids(settings, 0, 730) == ["markets.E001"]


def test_hourly_retention_below_raw_retention_is_an_error(settings):
    assert _ids(settings, 100, 99) == ["markets.E002"]
    assert _ids(settings, 91, 91) == []


def test_a_periodic_task_every_0_seconds_is_an_error(settings):
    settings.REFRESH_INTERVAL_SECONDS, settings.COMPACT_INTERVAL_SECONDS = 300, 86_400
    assert interval_check(None) == []

    settings.REFRESH_INTERVAL_SECONDS, settings.COMPACT_INTERVAL_SECONDS = 0, -5

    errors = interval_check(None)
    assert [e.id for e in errors] == ["markets.E003", "markets.E003"]
    assert "COMPACT_INTERVAL_SECONDS is -5" in errors[1].msg


def test_a_misspelt_price_provider_is_an_error_naming_the_choices(settings):
    settings.PRICE_PROVIDER, settings.COINGECKO_API_PLAN = "coingeko", "demo"

    errors = provider_check(None)

    assert [e.id for e in errors] == ["markets.E004"]
    assert "'coingeko'" in errors[0].msg and "demo" in errors[0].msg
    assert "coingecko" in errors[0].msg


def test_a_coingecko_plan_other_than_demo_or_pro_is_an_error(settings):
    settings.PRICE_PROVIDER, settings.COINGECKO_API_PLAN = "coingecko", "Pro"

    errors = provider_check(None)

    assert [e.id for e in errors] == ["markets.E005"]
    assert "'Pro'" in errors[0].msg


def test_the_known_providers_and_a_factory_path_pass(settings):
    settings.COINGECKO_API_PLAN = "pro"
    for name in ("demo", "coingecko", "markets.providers.demo.DemoProvider"):
        settings.PRICE_PROVIDER = name
        assert provider_check(None) == []


def test_a_replay_limit_below_one_is_an_error_since_every_replay_would_be_refused(settings):
    settings.REPLAY_CONCURRENCY_PER_CLIENT = 2
    assert replay_limit_check(None) == []

    settings.REPLAY_CONCURRENCY_PER_CLIENT = 0

    errors = replay_limit_check(None)
    assert [e.id for e in errors] == ["markets.E006"]
    assert "REPLAY_CONCURRENCY_PER_CLIENT is 0" in errors[0].msg


def test_a_refresh_batch_larger_than_a_coingecko_page_is_warned_about(settings):
    """The provider splits such a batch into pages of 250 ids; a page that failed for a
    transient reason while the others answered was then never retried."""
    from markets.checks import batch_size_check

    settings.PRICE_PROVIDER, settings.REFRESH_BATCH_SIZE = "coingecko", 250
    assert batch_size_check(None) == []
    settings.PRICE_PROVIDER, settings.REFRESH_BATCH_SIZE = "demo", 1000
    assert batch_size_check(None) == []

    settings.PRICE_PROVIDER = "coingecko"
    warnings = batch_size_check(None)

    assert [w.id for w in warnings] == ["markets.W001"]
    assert "REFRESH_BATCH_SIZE is 1000" in warnings[0].msg
