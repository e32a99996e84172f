"""`manage.py import_prices`: the CSV format, atomic failures with line numbers, idempotence."""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from markets.models import PriceHourly, RefreshRun, Snapshot, Token, TokenMetrics
from markets.services.csv_import import CsvImportError, prices_import_csv

pytestmark = pytest.mark.django_db

HEADER = "symbol,timestamp,price_usd,market_cap_usd,volume_24h_usd"
GOOD_ROW = "TAO,2026-02-06T10:00:00Z,170.5,1636800000,200000000"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def write_csv(tmp_path):
    """Write a CSV (header + rows) into tmp_path and return its path."""

    def write(*rows: str, header: str = HEADER, name: str = "prices.csv") -> object:
        path = tmp_path / name
        path.write_text("".join(line + "\n" for line in (header, *rows)), encoding="utf-8")
        return path

    return write


def run_import(path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_prices", str(path), *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Snapshot.objects.count(),
        Token.objects.count(),
        TokenMetrics.objects.count(),
        RefreshRun.objects.count(),
    )


def assert_import_fails(path, *fragments: str, args: tuple[str, ...] = ()) -> str:
    """The command fails naming every fragment, and the database is left as it was."""
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        run_import(path, *args)
    message = str(excinfo.value)
    for fragment in fragments:
        assert fragment in message, message
    assert counts() == before
    return message


# --- Good files -------------------------------------------------------------------------


def test_it_imports_rows_with_z_and_offset_timestamps_stored_in_utc(tao, write_csv):
    path = write_csv(
        "TAO,2026-02-06T12:00:00Z,164,1574400000,330000000",
        "TAO,2026-02-06T12:00:00+01:00,160,1536000000,310000000",
    )

    output = run_import(path)

    assert "2 rows read, 2 stored" in output
    rows = dict(Snapshot.objects.filter(token=tao).values_list("ts", "price_usd"))
    assert rows == {at("2026-02-06T12:00:00Z"): 164.0, at("2026-02-06T11:00:00Z"): 160.0}
    assert set(Snapshot.objects.values_list("source", flat=True)) == {"csv"}


def test_it_stores_empty_cap_and_volume_as_null(tao, write_csv):
    run_import(write_csv("TAO,2026-02-06T12:00:00Z,164,,"))

    snapshot = Snapshot.objects.get(token=tao)
    assert snapshot.price_usd == 164.0
    assert snapshot.market_cap_usd is None
    assert snapshot.volume_24h_usd is None


def test_a_cap_or_volume_of_minus_zero_is_stored_as_zero(tao, write_csv):
    run_import(write_csv("TAO,2026-02-06T12:00:00Z,164,-0,-0.0"))

    snapshot = Snapshot.objects.get(token=tao)
    assert snapshot.market_cap_usd == 0.0 and math.copysign(1, snapshot.market_cap_usd) == 1
    assert snapshot.volume_24h_usd == 0.0 and math.copysign(1, snapshot.volume_24h_usd) == 1


def test_it_computes_the_metrics_of_the_tokens_it_touched(tao, btc, write_csv):
    run_import(
        write_csv(
            "TAO,2026-02-05T12:00:00Z,183.6,,",
            "TAO,2026-02-06T12:00:00Z,164,1574400000,330000000",
        )
    )

    metrics = TokenMetrics.objects.get(token=tao)
    assert metrics.price_usd == 164.0
    assert metrics.as_of == at("2026-02-06T12:00:00Z")
    assert metrics.market_cap_usd == 1574400000.0
    assert metrics.change_24h == pytest.approx(164 / 183.6 - 1)
    assert not TokenMetrics.objects.filter(token=btc).exists()


def test_importing_btc_history_updates_every_tokens_beta_and_correlation(tao, btc, write_csv):
    days = [datetime(2026, 1, 20, 23, tzinfo=UTC) + timedelta(days=d) for d in range(16)]
    tao_prices = [100 * (1 + 0.03 * ((d * 7) % 5 - 2)) for d in range(16)]
    btc_prices = [60000 * (1 + 0.02 * ((d * 3) % 4 - 1.5)) for d in range(16)]
    rows = [f"TAO,{day.isoformat()},{price},," for day, price in zip(days, tao_prices, strict=True)]
    rows += [
        f"BTC,{day.isoformat()},{price},," for day, price in zip(days, btc_prices, strict=True)
    ]
    run_import(write_csv(*rows))
    before = TokenMetrics.objects.get(token=tao).beta_btc_30d
    assert before is not None

    # A correction of BTC's closes only: TAO is not in the file, its beta changes all the same.
    run_import(
        write_csv(*(f"BTC,{day.isoformat()},{60000 + 500 * i},," for i, day in enumerate(days))),
        "--source", "zz-corrected",  # sorts after "csv": its quotes win
    )  # fmt: skip

    imported = TokenMetrics.objects.get(token=tao)
    call_command("compute_metrics", stdout=io.StringIO())
    recomputed = TokenMetrics.objects.get(token=tao)
    assert recomputed.beta_btc_30d != pytest.approx(before)
    assert (imported.beta_btc_30d, imported.corr_btc_30d) == (
        recomputed.beta_btc_30d,
        recomputed.corr_btc_30d,
    )


def test_it_stores_nothing_new_when_the_same_file_is_imported_again(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,164,,")
    run_import(path)
    stored = list(Snapshot.objects.order_by("ts").values_list("ts", "price_usd"))

    output = run_import(path)

    assert "2 rows read, 0 stored" in output
    assert list(Snapshot.objects.order_by("ts").values_list("ts", "price_usd")) == stored


def test_a_second_import_of_the_same_file_leaves_closes_and_metrics_untouched(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,164,,")
    run_import(path)
    computed_at = TokenMetrics.objects.get(token=tao).computed_at
    closes = list(PriceHourly.objects.values_list("hour", "close_usd"))

    with time_machine.travel(computed_at + timedelta(hours=1)):
        run_import(path)

    assert TokenMetrics.objects.get(token=tao).computed_at == computed_at  # not recomputed
    assert list(PriceHourly.objects.values_list("hour", "close_usd")) == closes


def test_it_updates_the_one_row_whose_price_changed_on_a_second_import(tao, write_csv):
    run_import(write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,164,,", name="first.csv"))

    output = run_import(write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,165.5,,", name="second.csv"))

    assert "2 rows read, 1 stored" in output
    assert Snapshot.objects.count() == 2
    assert Snapshot.objects.get(ts=at("2026-02-06T12:00:00Z")).price_usd == 165.5
    assert Snapshot.objects.get(ts=at("2026-02-06T10:00:00Z")).price_usd == 170.5
    assert TokenMetrics.objects.get(token=tao).price_usd == 165.5


def test_it_creates_unknown_tokens_upper_cased_with_create_tokens(tao, write_csv):
    path = write_csv(GOOD_ROW, "near,2026-02-06T12:00:00Z,1.12,1433600000,")

    output = run_import(path, "--create-tokens")

    assert "created token NEAR" in output
    near = Token.objects.get(symbol="NEAR")
    assert near.is_active
    assert list(near.snapshots.values_list("price_usd", flat=True)) == [1.12]
    assert TokenMetrics.objects.get(token=near).price_usd == 1.12
    assert not Token.objects.filter(symbol="near").exists()


def test_it_stores_the_source_given_on_every_row(tao, write_csv):
    run_import(write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,164,,"), "--source", "kaiko")

    assert set(Snapshot.objects.values_list("source", flat=True)) == {"kaiko"}
    run = RefreshRun.objects.get()
    assert (run.provider, run.kind, run.quotes_stored) == ("kaiko", RefreshRun.Kind.IMPORT, 2)


def test_it_accepts_a_byte_order_mark_at_the_start_of_the_file(tao, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(f"{HEADER}\n{GOOD_ROW}\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    output = run_import(path)

    assert "1 row read, 1 stored" in output
    assert Snapshot.objects.get().price_usd == 170.5


# --- Bad files: one bad row fails the whole file, with its line and reason ---------------


def test_it_rejects_a_wrong_header(tao, write_csv):
    path = write_csv(GOOD_ROW, header="symbol,time,price,cap,volume")
    assert_import_fails(path, "line 1", f"the header must be {HEADER}", "nothing was imported")


def test_it_rejects_a_malformed_timestamp(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-31T12:00:00Z,164,,")
    assert_import_fails(path, "line 3", "is not ISO 8601")


def test_it_rejects_a_timestamp_without_a_time_zone(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00,164,,")
    assert_import_fails(path, "line 3", "needs a time zone")


def test_it_rejects_a_negative_price(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,-164,,")
    assert_import_fails(path, "line 3", "price_usd '-164' must be positive")


def test_it_rejects_a_nan_price(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,NaN,,")
    assert_import_fails(path, "line 3", "price_usd 'NaN' is not a finite number")


def test_it_rejects_an_empty_price(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,,1574400000,")
    assert_import_fails(path, "line 3", "price_usd is empty")


def test_it_rejects_a_zero_price(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,0,,")
    assert_import_fails(path, "line 3", "price_usd '0' must be positive")


def test_it_rejects_an_absurd_price(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,1e12,,")
    assert_import_fails(path, "line 3", "price_usd '1e12' is absurdly large")


def test_it_rejects_a_negative_volume(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,164,,-5")
    assert_import_fails(path, "line 3", "volume_24h_usd '-5' must be zero or more")


def test_it_rejects_a_row_with_the_wrong_number_of_columns(tao, write_csv):
    path = write_csv(GOOD_ROW, "TAO,2026-02-06T12:00:00Z,164,")
    assert_import_fails(path, "line 3", "expected 5 columns, found 4")


def test_it_rejects_an_unknown_symbol_at_the_line_of_its_first_row(tao, write_csv):
    path = write_csv(
        GOOD_ROW,
        "TAO,2026-02-06T11:00:00Z,168,,",
        "NEAR,2026-02-06T11:00:00Z,1.2,,",
        "NEAR,2026-02-06T12:00:00Z,1.12,,",
    )
    assert_import_fails(path, "line 4", "unknown symbol NEAR", "--create-tokens")
    assert not Token.objects.filter(symbol="NEAR").exists()


def test_it_rejects_an_empty_file(tao, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert_import_fails(path, "line 1", "the file is empty")


def test_it_rejects_a_file_with_only_a_header(tao, write_csv):
    assert_import_fails(write_csv(), "line 2", "the file has a header but no rows")


def test_it_rejects_a_path_it_cannot_read(tao, tmp_path):
    path = tmp_path / "missing.csv"
    assert_import_fails(path, "cannot read", str(path))


def test_a_file_that_is_not_utf8_is_refused_at_the_line_of_its_first_foreign_byte(tao, tmp_path):
    # It said "cannot read …: 'utf-8' codec can't decode byte 0xe9 in position 113", which
    # a user cannot find in a file of a million rows.
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\n{GOOD_ROW}\n".encode() + b"TAO,\xe9t\xe9,1,,\n")
    assert_import_fails(
        path, "line 3: byte 0xE9 (character 5) is not UTF-8; save the file as UTF-8"
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_a_utf16_file_with_its_byte_order_mark_is_imported(tao, tmp_path, encoding):
    # Excel and Windows tools save "Unicode" text as UTF-16 with a byte-order mark.
    path = tmp_path / "excel-unicode.csv"
    text = f"{HEADER}\r\n{GOOD_ROW}\r\n"
    data = text.encode(encoding)
    path.write_bytes(data if encoding == "utf-16" else "\ufeff".encode(encoding) + data)

    output = run_import(path)

    assert "1 row read, 1 stored" in output
    assert Snapshot.objects.get().price_usd == 170.5


def test_it_stores_nothing_when_a_bad_row_follows_many_good_rows(tao, write_csv):
    start = int(at("2026-01-01T00:00:00Z").timestamp())
    good = [
        f"TAO,{datetime.fromtimestamp(start + h * 3600, UTC).isoformat()},{100 + h},,"
        for h in range(500)
    ]
    path = write_csv(*good, "TAO,2026-02-06T12:00:00Z,-1,,")

    assert_import_fails(path, "line 502", "must be positive")
    assert not Snapshot.objects.exists()
    assert not TokenMetrics.objects.exists()


def test_it_rejects_an_empty_source(tao, write_csv):
    assert_import_fails(write_csv(GOOD_ROW), "--source", args=("--source", " "))


@pytest.mark.parametrize("source", ["kai\x1bko", "line\nbreak", " kaiko", "demo"])
def test_it_rejects_a_source_with_control_characters_spaces_around_or_the_demos(
    tao, write_csv, source
):
    assert_import_fails(write_csv(GOOD_ROW), "--source", args=("--source", source))


@pytest.mark.parametrize(
    "timestamp", ["1989-12-31T23:59:59Z", "2150-02-06T12:00:00Z"], ids=["before 1990", "after 2100"]
)
def test_it_rejects_an_out_of_range_timestamp_instead_of_dropping_it(tao, write_csv, timestamp):
    path = write_csv(GOOD_ROW, f"TAO,{timestamp},164,,")
    assert_import_fails(path, "line 3", "timestamp")


# --- The service ------------------------------------------------------------------------


def test_the_service_raises_csv_import_error_with_the_line_and_the_reason(tao):
    text = f"{HEADER}\n{GOOD_ROW}\n\nTAO,2026-02-06T12:00:00Z,164,-1,\n"

    with pytest.raises(CsvImportError) as excinfo:
        prices_import_csv(text=text)

    assert excinfo.value.line == 4  # the blank line 3 still counts
    assert excinfo.value.reason == "market_cap_usd '-1' must be zero or more"
    assert str(excinfo.value) == "line 4: market_cap_usd '-1' must be zero or more"
    assert not Snapshot.objects.exists()


def test_rows_sharing_a_symbol_and_second_keep_the_last_and_the_summary_says_so(tao, write_csv):
    path = write_csv(
        "TAO,2026-02-06T12:00:00Z,160,,",
        "TAO,2026-02-06T12:00:00.250Z,161,,",  # the same second
        "TAO,2026-02-06T13:00:00+01:00,162,,",  # the same instant with an offset
        "TAO,2026-02-06T13:00:00Z,170,,",
        "TAO,2026-02-06T12:00:00.900Z,163,,",  # the last one of 12:00:00 wins
    )

    output = run_import(path)

    assert "5 rows read, 2 stored" in output
    assert "3 rows shared a timestamp with a later row: the later one was kept" in output
    rows = dict(Snapshot.objects.values_list("ts", "price_usd"))
    assert rows == {at("2026-02-06T12:00:00Z"): 163.0, at("2026-02-06T13:00:00Z"): 170.0}


def test_one_superseded_row_is_counted_in_the_singular(tao, write_csv):
    output = run_import(write_csv(GOOD_ROW, GOOD_ROW))

    assert "1 row shared a timestamp with a later row: the later one was kept" in output


def test_the_summary_says_nothing_of_shared_timestamps_when_there_are_none(tao, write_csv):
    assert "shared a timestamp" not in run_import(write_csv(GOOD_ROW))


def test_it_accepts_timestamps_from_1990_on(tao, write_csv):
    run_import(write_csv("TAO,1990-01-01T00:00:00Z,1,,", GOOD_ROW))
    assert Snapshot.objects.order_by("ts").first().ts == at("1990-01-01T00:00:00Z")


def test_it_waits_for_a_running_refresh_then_gives_up_storing_nothing(tao, write_csv, settings):
    from markets.services.locks import MARKET_DATA_LOCK, lock_held

    settings.MARKET_DATA_LEASE_WAIT_SECONDS = 0.2
    with lock_held(name=MARKET_DATA_LOCK, ttl_seconds=60) as acquired:
        assert acquired
        assert_import_fails(write_csv(GOOD_ROW), "a refresh, backfill or import is running")
    run_import(write_csv(GOOD_ROW))  # the lease is free again
    assert Snapshot.objects.count() == 1


def _estimated_rows(token_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT * FROM markets_snapshot WHERE token_id = %s", [token_id])
        plan = cursor.fetchone()[0]
    return int(plan.split("rows=")[1].split()[0])


def test_it_refreshes_the_planner_statistics_after_a_big_import(write_csv):
    """A big history for a new token must not leave PostgreSQL believing the token has about
    one snapshot: with that estimate the snapshots API's 1h / 1d buckets of the token were
    planned as a nested loop over the whole range (30,000 rows: over a minute; more: hours)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    other = Token.objects.create(symbol="OLD", name="Old")
    start = at("2024-01-01T00:00:00Z")
    Snapshot.objects.bulk_create(
        Snapshot(token=other, ts=start + timedelta(minutes=i), source="csv", price_usd=1.0)
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE markets_snapshot")  # what autovacuum knew before the import
    rows = [
        f"NEW,{(start + timedelta(minutes=i)).strftime('%Y-%m-%dT%H:%M:%SZ')},{1 + i % 7},,"
        for i in range(10_000)
    ]
    run_import(write_csv(*rows), "--create-tokens")
    new = Token.objects.get(symbol="NEW")
    assert _estimated_rows(new.pk) > 5_000


def test_it_rejects_a_file_with_carriage_return_line_ends_naming_them(tao, tmp_path):
    """Old Mac exports end lines with a lone CR: the message says so in plain words, not
    the csv module's 'do you need to open the file in universal-newline mode?'."""
    path = tmp_path / "mac.csv"
    path.write_bytes(f"{HEADER}\r{GOOD_ROW}\r".encode())
    message = assert_import_fails(path, "line 1: lines end with a lone carriage return (CR)")
    assert "universal-newline" not in message


# --- The summary's plurals, in English and French -----------------------------------------


def test_the_summary_of_a_one_row_file_says_one_row_read(tao, write_csv):
    # It said "1 rows read, 1 stored or changed".
    output = run_import(write_csv(GOOD_ROW))

    assert "1 row read, 1 stored or changed." in output
    assert "rows read" not in output


def test_the_summary_names_one_created_token_in_the_singular(write_csv):
    output = run_import(write_csv(GOOD_ROW), "--create-tokens")

    assert "1 row read, 1 stored or changed, created token TAO." in output


def test_the_summary_is_in_french_with_french_plurals(tao, write_csv):
    from django.utils import translation

    with translation.override("fr"):
        one = run_import(write_csv(GOOD_ROW, name="one.csv"))
        two = run_import(
            write_csv(GOOD_ROW, GOOD_ROW, "TAO,2026-02-06T11:00:00Z,171,,", name="two.csv")
        )

    assert "1 ligne lue, 1 enregistrée ou modifiée." in one
    assert "3 lignes lues, 1 enregistrée ou modifiée." in two
    assert (
        "1 ligne partageait un horodatage avec une ligne suivante\u202f: la suivante a été gardée."
        in two
    )


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("TAO,2026-02-06T12:00:00Z,1e-320,,", "price_usd '1e-320' is absurdly small"),
        ("TAO,2026-02-06T12:00:00Z,1e-300,,", "price_usd '1e-300' is absurdly small"),
        ("TAO,2026-02-06T12:00:00Z,164,1e-300,", "market_cap_usd '1e-300' is absurdly small"),
        ("TAO,2026-02-06T12:00:00Z,164,,5e-324", "volume_24h_usd '5e-324' is absurdly small"),
    ],
    ids=["subnormal price", "tiny price", "tiny cap", "tiny volume"],
)
def test_it_rejects_an_absurdly_small_amount_that_would_make_a_ratio_infinite(
    tao, write_csv, row, fragment
):
    # A price of 1e-320 was stored: the next quote's change_1h became inf, and the token's
    # API answer a 500 ("Out of range float values are not JSON compliant").
    assert_import_fails(write_csv(GOOD_ROW, row), "line 3", fragment)


def test_a_very_small_but_believable_price_is_imported(tao, write_csv):
    output = run_import(write_csv("TAO,2026-02-06T12:00:00Z,1e-12,0,1e-9"))

    assert "1 row read, 1 stored" in output
    assert Snapshot.objects.get().price_usd == 1e-12
