"""import_prices of a 500,000-row CSV against PostgreSQL's own COPY of that file into a table."""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from django.core.management import call_command
from django.db import connection

from bench.common import END_TS, HOUR, Result, best_of, sql, tokens_create
from markets.models import PriceDayCloses, PriceHourly, Snapshot, TokenMetrics

TOKENS, HOURS, TARGET = 500, 1_000, 2.0
PLAIN = "bench_csv_plain"
LOGGED = "bench_csv_logged"  # the same, WAL-logged like the app's tables: printed, not judged


def csv_write(path: Path, symbols: list[str]) -> int:
    """Hourly random walks as the CSV import reads them (ISO 8601 with Z, every column)."""
    rng = np.random.default_rng(7)
    ts = END_TS - HOUR * np.arange(HOURS - 1, -1, -1, dtype=np.int64)
    stamps = [datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for t in ts]
    with path.open("w", encoding="utf-8") as out:
        out.write("symbol,timestamp,price_usd,market_cap_usd,volume_24h_usd\n")
        for symbol in symbols:
            price = rng.uniform(0.01, 1000) * np.exp(np.cumsum(rng.normal(0, 0.01, HOURS)))
            cap = price * rng.uniform(1e6, 1e10)
            vol = cap * rng.lognormal(np.log(0.05), 0.5, HOURS)
            values = zip(stamps, price.tolist(), cap.tolist(), vol.tolist(), strict=True)
            out.writelines(f"{symbol},{s},{p!r},{c!r},{v!r}\n" for s, p, c, v in values)
    return len(symbols) * HOURS


def run() -> Result:
    ids = tokens_create(TOKENS)
    from markets.models import Token

    symbols = list(Token.objects.filter(pk__in=ids).order_by("pk").values_list("symbol", flat=True))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prices.csv"
        rows = csv_write(path, symbols)
        size = path.stat().st_size
        print(f"csv_import: {rows:,} rows ({size / 1e6:.1f} MB), best of 3, interleaved")
        for table, kind in ((PLAIN, "UNLOGGED "), (LOGGED, "")):
            sql(f"DROP TABLE IF EXISTS {table}")
            sql(f"CREATE {kind}TABLE {table} (symbol text, ts timestamptz, price_usd float8,"
                " market_cap_usd float8, volume_24h_usd float8)")  # fmt: skip

        def empty() -> None:
            tables = (Snapshot, PriceHourly, PriceDayCloses, TokenMetrics)
            sql(f"TRUNCATE {', '.join(m._meta.db_table for m in tables)}, {PLAIN}, {LOGGED}")
            sql("CHECKPOINT")

        def import_prices() -> None:
            call_command("import_prices", str(path), "--source", "bench", stdout=io.StringIO())

        def copy_into(table: str) -> None:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy,
                path.open("rb") as source,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)

        def pg_copy() -> None:
            copy_into(PLAIN)

        def pg_copy_wal() -> None:
            copy_into(LOGGED)

        measured, baseline, logged = best_of(import_prices, pg_copy, pg_copy_wal, prepare=empty)
        assert Snapshot.objects.count() == 0  # the last runs were the plain COPYs
        sql(f"DROP TABLE {PLAIN}, {LOGGED}")
    ratio = measured / baseline
    print(f"  import_prices {measured:.3f} s ({rows / measured:,.0f} rows/s),"
          f" COPY into a plain table {baseline:.3f} s, ratio {ratio:.2f}"
          f" (WAL-logged table {logged:.3f} s, ratio {measured / logged:.2f})")  # fmt: skip
    return Result("csv_import", measured, baseline, f"ratio <= {TARGET:g}", ratio <= TARGET)
