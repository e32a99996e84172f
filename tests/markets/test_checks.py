"""Retention settings that would make metrics read compacted hours are refused at startup."""

from markets.checks import retention_check


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
