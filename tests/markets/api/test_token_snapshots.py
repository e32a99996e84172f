"""GET /api/v1/tokens/<SYMBOL>/snapshots/: raw rows, OHLC buckets, CSV, and bad parameters."""

import base64
import csv
import io
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from markets.selectors import snapshot_buckets
from tests.markets.api.conftest import DAY, HOUR, T, store

pytestmark = pytest.mark.django_db

URL = reverse("api:token-snapshots", kwargs={"symbol": "TAO"})
SINCE = "2026-02-06T00:00:00Z"
UNTIL = "2026-02-08T00:00:00Z"
# Four snapshots within 12:00-13:00 on 2026-02-06, one at 13:30, one the next day.
POINTS = [
    (T + 0, 170.0, 1.70e9, 3.0e8),
    (T + 900, 175.0, 1.75e9, 3.1e8),
    (T + 1800, 160.0, 1.60e9, 3.2e8),
    (T + 2700, 164.0, 1.64e9, 3.3e8),
    (T + HOUR + 1800, 150.0, None, None),
    (T + DAY, 147.0, 1.47e9, 4.0e8),
]


def at(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def tao_history(tao):
    store(tao, POINTS)
    return tao


def get(api_client, **params):
    return api_client.get(URL, {"since": SINCE, "until": UNTIL, **params})


def test_raw_rows_are_every_snapshot_of_the_range_oldest_first(api_client, tao_history):
    body = get(api_client).json()
    assert body["previous"] is None and body["next"] is None
    assert body["results"][0] == {
        "ts": "2026-02-06T12:00:00Z",
        "price_usd": 170.0,
        "market_cap_usd": 1.70e9,
        "volume_24h_usd": 3.0e8,
        "source": "test",
    }
    assert [row["ts"] for row in body["results"]] == [at(p[0]) for p in POINTS]
    assert body["results"][4]["market_cap_usd"] is None


def test_raw_rows_come_in_cursor_pages_that_chain_without_gaps_or_repeats(api_client, tao_history):
    page = get(api_client, page_size=2).json()
    seen = []
    while True:
        assert len(page["results"]) <= 2
        seen += [row["ts"] for row in page["results"]]
        if page["next"] is None:
            break
        page = api_client.get(page["next"]).json()
    assert seen == [at(p[0]) for p in POINTS]
    back = api_client.get(page["previous"]).json()
    assert [row["ts"] for row in back["results"]] == seen[2:4]


def test_since_and_until_are_inclusive(api_client, tao_history):
    rows = get(api_client, since=at(T + 900), until=at(T + 2700)).json()["results"]
    assert [row["price_usd"] for row in rows] == [175.0, 160.0, 164.0]


def test_a_date_until_covers_its_whole_day_and_a_naive_time_is_utc(api_client, tao_history):
    rows = get(api_client, since="2026-02-06T12:10:00", until="2026-02-06").json()["results"]
    assert [row["price_usd"] for row in rows] == [175.0, 160.0, 164.0, 150.0]


def test_an_offset_is_converted_to_utc(api_client, tao_history):
    # 14:00+02:00 is 12:00Z: the first snapshot and no later one.
    rows = get(api_client, since="2026-02-06T14:00:00+02:00", until=at(T)).json()["results"]
    assert [row["ts"] for row in rows] == ["2026-02-06T12:00:00Z"]


def test_a_lower_case_z_is_utc_as_in_rfc_3339_and_the_csv_import(api_client, tao_history):
    rows = get(api_client, since="2026-02-06t12:00:00z", until="2026-02-06T12:00:00z")

    assert rows.status_code == 200
    assert [row["ts"] for row in rows.json()["results"]] == ["2026-02-06T12:00:00Z"]


def test_by_default_the_range_is_the_last_7_days(api_client, tao, settings):
    """With live data; demo data: the last 7 demo days (tests/markets/test_demo_clock.py)."""
    settings.PRICE_PROVIDER = "coingecko"
    store(tao, [(T - 8 * DAY, 1.0, None, None), (T - 6 * DAY, 2.0, None, None)])
    store(tao, [(T, 3.0, None, None)])
    with time_machine.travel(datetime.fromtimestamp(T + 60, UTC), tick=False):
        rows = api_client.get(URL).json()["results"]
    assert [row["price_usd"] for row in rows] == [2.0, 3.0]


def test_hourly_buckets_hold_open_high_low_close_and_the_last_cap_and_volume(
    api_client, tao_history
):
    buckets = get(api_client, interval="1h").json()["results"]
    assert buckets[0] == {
        "ts": "2026-02-06T12:00:00Z",
        "open": 170.0,  # first
        "high": 175.0,
        "low": 160.0,
        "close": 164.0,  # last
        "market_cap_usd": 1.64e9,  # of the last snapshot
        "volume_24h_usd": 3.3e8,
        "count": 4,
    }
    assert buckets[1] == {
        "ts": "2026-02-06T13:00:00Z",
        "open": 150.0,
        "high": 150.0,
        "low": 150.0,
        "close": 150.0,
        "market_cap_usd": None,
        "volume_24h_usd": None,
        "count": 1,
    }
    assert [b["ts"] for b in buckets] == [
        "2026-02-06T12:00:00Z", "2026-02-06T13:00:00Z", "2026-02-07T12:00:00Z",
    ]  # fmt: skip


def test_daily_buckets_are_utc_days(api_client, tao_history):
    buckets = get(api_client, interval="1d").json()["results"]
    assert [(b["ts"], b["open"], b["high"], b["low"], b["close"], b["count"]) for b in buckets] == [
        ("2026-02-06T00:00:00Z", 170.0, 175.0, 150.0, 150.0, 5),
        ("2026-02-07T00:00:00Z", 147.0, 147.0, 147.0, 147.0, 1),
    ]
    assert (buckets[0]["market_cap_usd"], buckets[0]["volume_24h_usd"]) == (None, None)


def test_a_bucket_only_counts_the_snapshots_inside_the_range(api_client, tao_history):
    buckets = get(api_client, interval="1h", since=at(T + 900), until=at(T + 1800)).json()
    assert [(b["open"], b["close"], b["count"]) for b in buckets["results"]] == [(175.0, 160.0, 2)]


def test_buckets_come_in_cursor_pages(api_client, tao_history):
    first = get(api_client, interval="1h", page_size=2).json()
    assert [b["ts"] for b in first["results"]] == ["2026-02-06T12:00:00Z", "2026-02-06T13:00:00Z"]
    second = api_client.get(first["next"]).json()
    assert [b["ts"] for b in second["results"]] == ["2026-02-07T12:00:00Z"]
    assert second["next"] is None


def test_buckets_are_one_query_however_many_there_are(tao):
    since, until = datetime.fromtimestamp(T - 30 * DAY, UTC), datetime.fromtimestamp(T, UTC)

    def hourly_buckets() -> list:
        return list(snapshot_buckets(token=tao, since=since, until=until, interval="1h"))

    store(tao, [(T - n * HOUR, 100.0 + n, None, None) for n in range(2)])
    with CaptureQueriesContext(connection) as few:
        assert len(hourly_buckets()) == 2
    store(tao, [(T - n * HOUR, 100.0 + n, None, None) for n in range(500)])
    with CaptureQueriesContext(connection) as many:
        assert len(hourly_buckets()) == 500
    assert len(few) == len(many) == 1


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_raw_rows_stream_as_csv_with_a_header_row(api_client, tao_history):
    response = get(api_client, format="csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="TAO-snapshots-raw.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["ts", "price_usd", "market_cap_usd", "volume_24h_usd", "source"]
    assert rows[1] == ["2026-02-06T12:00:00Z", "170.0", "1700000000.0", "300000000.0", "test"]
    assert rows[5] == ["2026-02-06T13:30:00Z", "150.0", "", "", "test"]
    assert len(rows) == 1 + len(POINTS)


def test_buckets_stream_as_csv_too_and_accept_text_csv_works_like_format_csv(
    api_client, tao_history
):
    response = api_client.get(
        URL, {"since": SINCE, "until": UNTIL, "interval": "1h"}, HTTP_ACCEPT="text/csv"
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "ts", "open", "high", "low", "close", "market_cap_usd", "volume_24h_usd", "count",
    ]  # fmt: skip
    assert rows[1] == [
        "2026-02-06T12:00:00Z", "170.0", "175.0", "160.0", "164.0",
        "1640000000.0", "330000000.0", "4",
    ]  # fmt: skip
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"since": "2026-02-07", "until": "2026-02-06T23:00:00Z"}, "since"),
        ({"interval": "5m"}, "interval"),
        ({"page_size": 1001}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        # Decode to no cursor at all (DRF read them as the first page: a client holding a
        # corrupted or truncated cursor silently started over).
        ({"cursor": ""}, "cursor"),
        ({"cursor": "!!!"}, "cursor"),
        ({"cursor": "===="}, "cursor"),
        ({"format": "xml"}, "format"),
        ({"since": "0001-01-01T00:00:00+05:00"}, "since"),
    ],
)
def test_a_bad_parameter_is_a_json_400_naming_it(api_client, tao_history, params, name):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == [name]


def test_a_time_with_no_utc_equivalent_is_called_out_of_range_not_malformed(
    api_client, tao_history
):
    response = api_client.get(URL, {"until": "9999-12-31T23:00:00-05:00"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "until": ["Out of range once converted to UTC: '9999-12-31T23:00:00-05:00'."]
    }


def test_a_since_after_the_default_until_names_the_time_it_is_compared_with(
    api_client, tao_history
):
    with time_machine.travel(datetime(2026, 2, 10, 12, 30, tzinfo=UTC), tick=False):
        response = api_client.get(URL, {"since": "2030-01-01"})

    assert response.status_code == 400
    [message] = response.json()["errors"]["since"]
    assert "by default the latest data" in message and "Z)" in message


def test_a_bad_parameter_with_csv_requested_is_still_a_json_400(api_client, tao_history):
    response = api_client.get(URL, {"format": "csv", "interval": "5m"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"interval": ['"5m" is not a valid choice.']}


def test_a_forged_cursor_position_is_a_400_not_a_crash(api_client, tao_history):
    for position in ["garbage", "0001-01-01 00:00:00+05:00", "2026-02-06 12:00:00"]:
        cursor = base64.b64encode(f"p={position}".encode()).decode()
        response = get(api_client, cursor=cursor)
        assert response.status_code == 400, position
        assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("offset", ["-20:00", "+23:59", "+16:00"])
def test_a_cursor_position_with_an_offset_postgresql_refuses_still_pages(
    api_client, tao_history, offset
):
    # 12:30 UTC written with an offset Python accepts and PostgreSQL does not.
    position = datetime.fromtimestamp(T + 1800, UTC).astimezone(
        datetime.strptime(offset, "%z").tzinfo
    )
    query = urlencode({"p": position.isoformat()})  # as DRF encodes its own cursors
    cursor = base64.b64encode(query.encode()).decode()

    response = get(api_client, cursor=cursor)

    assert response.status_code == 200
    times = [row["ts"] for row in response.json()["results"]]
    assert times and all(ts > "2026-02-06T12:30:00Z" for ts in times), times


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_unknown_symbol_is_a_json_404(api_client, db, fmt):
    response = api_client.get(
        reverse("api:token-snapshots", kwargs={"symbol": "NOPE"}), {"format": fmt}
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "NOPE" in response.json()["detail"]


@pytest.mark.parametrize(
    ("accept", "served"),
    [
        ("text/csv, application/json;q=0.5", "text/csv"),
        ("application/json;q=0.5, text/csv", "text/csv"),
        ("application/json;q=0, text/csv", "text/csv"),
        ("text/csv;q=0.2, application/json;q=0.9", "application/json"),
        ("application/json;q=0, */*;q=0.1", "text/csv"),
        ("text/csv;q=0.5, */*;q=0.5", "text/csv"),
        ("*/*", "application/json"),
    ],
)
def test_the_accept_headers_quality_values_choose_json_or_csv(
    api_client, tao_history, accept, served
):
    # DRF ignored q: every one of these got JSON, even one refusing JSON with q=0.
    response = api_client.get(URL, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == served


@pytest.mark.parametrize("accept", ["application/json;q=0", "text/csv;q=0, application/json;q=0"])
def test_an_accept_header_refusing_every_served_type_is_a_406(api_client, tao_history, accept):
    response = api_client.get(URL, HTTP_ACCEPT=accept)
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"


def test_an_options_request_asking_for_csv_gets_json_metadata(api_client, tao_history):
    response = api_client.options(URL + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["renders"] == ["application/json", "text/csv"]


@pytest.mark.parametrize(
    ("params", "french"),
    [
        ({"since": "junk"}, "Pas une date ou date-heure ISO 8601\u202f: 'junk'."),
        (
            {"since": "2026-02-06", "until": "2026-02-05"},
            "Ne doit pas être après until.",
        ),
        (
            {"since": "2999-01-01"},
            "Ne doit pas être après until (par défaut les dernières données, ",
        ),
    ],
)
def test_a_bad_range_is_refused_in_the_clients_language(api_client, tao, params, french):
    response = api_client.get(URL, params, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert response.json()["errors"]["since"][0].startswith(french)


def test_an_offset_typed_with_a_plain_plus_in_the_url_is_that_offset(api_client, tao_history):
    # "+02:00" left unencoded in the query string arrives as " 02:00": still 12:00Z.
    response = api_client.get(f"{URL}?since=2026-02-06T14:00:00+02:00&until=2026-02-06T12:00+00")
    assert response.status_code == 200, response.json()
    assert [row["ts"] for row in response.json()["results"]] == ["2026-02-06T12:00:00Z"]


@pytest.mark.parametrize(
    ("fmt", "accept", "served"),
    [
        ("csv", "application/json", "text/csv"),
        ("json", "text/csv", "application/json"),
        ("csv", "text/csv", "text/csv"),
    ],
)
def test_an_explicit_format_wins_over_the_accept_header(
    api_client, tao_history, fmt, accept, served
):
    """A client sending Accept: application/json on every call got a 406 for ?format=csv."""
    response = api_client.get(
        URL, {"since": SINCE, "until": UNTIL, "format": fmt}, HTTP_ACCEPT=accept
    )

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == served
