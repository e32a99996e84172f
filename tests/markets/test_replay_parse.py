"""Reading ``?at=``: ISO 8601 with an offset, floored to the hour; the future is now."""

from datetime import UTC, datetime

import pytest

from markets.services.replay import BadAt, at_param, replay_at_parse, replay_window
from markets.templatetags.replay import replay_steps

NOW = datetime(2026, 2, 6, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "hour"),
    [
        ("2026-02-05T14:00Z", datetime(2026, 2, 5, 14, tzinfo=UTC)),
        ("2026-02-05T14:59:59.999Z", datetime(2026, 2, 5, 14, tzinfo=UTC)),
        ("2026-02-05T15:30+01:00", datetime(2026, 2, 5, 14, tzinfo=UTC)),
        ("2026-02-05T09:00:00-05:00", datetime(2026, 2, 5, 14, tzinfo=UTC)),
        (" 2026-02-05T14:00Z ", datetime(2026, 2, 5, 14, tzinfo=UTC)),
        ("2026-02-06T12:29Z", datetime(2026, 2, 6, 12, tzinfo=UTC)),  # this very hour
    ],
)
def test_an_aware_time_is_floored_to_its_utc_hour(value, hour):
    assert replay_at_parse(value, now=NOW) == hour


@pytest.mark.parametrize("value", [None, "", "2026-02-06T13:00Z", "2999-01-01T00:00Z"])
def test_nothing_or_a_time_after_now_is_no_replay(value):
    assert replay_at_parse(value, now=NOW) is None


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2026-02-05T14:00", "time zone"),
        ("2026-02-05", "time zone"),
        ("yesterday", "ISO 8601"),
        ("2026-02-30T00:00Z", "ISO 8601"),
        ("2026-02-05T14:00+25:00", "ISO 8601"),
        ("0001-01-01T00:00+01:00", "range"),
        ("x" * 500, "ISO 8601"),
    ],
)
def test_a_naive_or_unreadable_time_is_refused_with_a_reason(value, says):
    with pytest.raises(BadAt, match=says):
        replay_at_parse(value, now=NOW)


def test_the_canonical_value_is_short_and_in_utc():
    assert at_param(datetime(2026, 2, 5, 14, tzinfo=UTC)) == "2026-02-05T14:00Z"


def test_the_canonical_value_of_a_year_before_1000_has_four_digits_and_parses_back():
    at = datetime(999, 1, 1, tzinfo=UTC)

    assert at_param(at) == "0999-01-01T00:00Z"
    assert replay_at_parse(at_param(at), now=NOW) == at


def test_the_dashboards_window_is_the_14_days_up_to_the_latest_hour():
    start, end = replay_window(end=datetime(2026, 2, 6, 12, 5, tzinfo=UTC))
    assert (start, end) == (
        datetime(2026, 1, 23, 12, tzinfo=UTC),
        datetime(2026, 2, 6, 12, tzinfo=UTC),
    )
    assert replay_window(end=None) is None


def test_the_control_steps_stay_inside_the_window():
    start, end = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 2, 2, tzinfo=UTC)

    first = replay_steps(start, end, datetime(2026, 1, 1, tzinfo=UTC), "/")
    assert (first["index"], first["hours"]) == (0, 24)
    assert first["prev_url"] == "/?at=2026-02-01T00:00Z"
    assert first["next_url"] == "/?at=2026-02-01T01:00Z"

    now = replay_steps(start, end, "", "/episodes/feb-2026/")
    assert now["index"] == 24 and now["next_url"] == "/episodes/feb-2026/?at=2026-02-02T00:00Z"


@pytest.mark.parametrize(
    "value", ["2026-02-05T15:30 01:00", "2026-02-05 15:30:00 0100", "2026-02-05T15:30:00.5 01"]
)
def test_an_offset_whose_plus_sign_arrived_as_a_space_is_still_that_offset(value):
    # "?at=2026-02-05T15:30+01:00" typed in the address bar: the query string decodes "+"
    # as a space. It was a 400 "Not a date-time" for every offset east of UTC.
    assert replay_at_parse(value, now=NOW) == datetime(2026, 2, 5, 14, tzinfo=UTC)
