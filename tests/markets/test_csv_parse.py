"""The bulk CSV parser agrees with the row-by-row rules, cell shape by cell shape."""

import numpy as np
import pytest

from markets.services import csv_parse as csv_parse_module
from markets.services.csv_parse import (
    CsvImportError,
    _plain_body,
    csv_parse,
    csv_parse_arrow,
    row_parse,
)

HEADER = "symbol,timestamp,price_usd,market_cap_usd,volume_24h_usd"
GOOD = "TAO,2026-02-06T10:00:00Z,170.5,1636800000,200000000"

TIMESTAMPS = [
    "2026-02-06T10:00:00Z", "2026-02-06 10:00:00Z", "2026-02-06T10:00:00+01:00",
    "2026-02-06T10:00:00-05:30", "2026-02-06T10:00:00+0100", "2026-02-06T10:00:00.5Z",
    "2026-02-06T10:00:00.999999+02:00", "2026-02-06T10:00:00.1234567Z", "2024-02-29T00:00:00Z",
    "1990-01-01T00:00:00Z", "2099-12-31T23:59:59Z", " 2026-02-06T10:00:00Z ",
    "2026-02-06T10:00Z", "2026-02-06T00:30:00+01:00", "2026-02-06T10:00:00+10:00",
    "2024-01-01T00:00:00-11:00", "2026-02-06T10:00:00+14:00", "2026-02-06T10:00:00-1200",
    "2026-02-06T10:00:00+09:30", "2026-02-06T10:00:00z", "2026-02-06t10:00:00Z",
    "2026-02-06 10:00:00+00", "2026-02-06T10:00:00.123-05", "2026-02-06T10:00:00+14",
    "2026-02-06T10:00:00+24", "2026-02-06T10:00:00+5", "2026-02-06T10:00:00+0", "2026-02-06T10-05",
    # refused ones
    "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-06T24:00:00Z",
    "2026-02-06T10:60:00Z", "2026-02-06T10:00:60Z", "2026-02-06T10:00:00", "2026-02-06",
    "2026-02-06T10:00:00+24:00", "1989-12-31T23:59:59Z", "2100-01-01T00:00:00Z",
    "2026-02-06T10:00:00.Z", "yesterday", "", "2026-02-06T10:00:00ZZ", "\uff12026-02-06T10:00:00Z",
]  # fmt: skip
AMOUNTS = ["1", "0", "-1", "1e3", " 5 ", "", " ", "nan", "inf", "-0", "1_000", "abc", "1e20",
           "+5", ".5", "\u0661\u0662", "1e400"]  # fmt: skip


def reference(cells):
    try:
        return row_parse(2, cells)
    except CsvImportError as exc:
        return exc.reason


def bulk(cells):
    try:
        parsed = csv_parse(f"{HEADER}\n{','.join(cells)}\n")
    except CsvImportError as exc:
        return exc.reason
    cap, vol = parsed.cap[0], parsed.volume[0]
    cap, vol = (None if np.isnan(x) else float(x) for x in (cap, vol))
    return (parsed.symbols[0], int(parsed.ts[0]), float(parsed.price[0]), cap, vol)


@pytest.mark.parametrize("timestamp", TIMESTAMPS)
def test_timestamps_are_read_as_the_row_rules_read_them(timestamp):
    cells = ["TAO", timestamp, "1", "", ""]
    assert bulk(cells) == reference(cells)


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("column", [2, 3, 4])
def test_amounts_are_read_as_the_row_rules_read_them(amount, column):
    cells = ["TAO", "2026-02-06T10:00:00Z", "1", "2", "3"]
    cells[column] = amount
    assert bulk(cells) == reference(cells)


def test_the_first_bad_line_is_named_whichever_column_is_wrong():
    rows = [GOOD] * 50 + ["TAO,2026-02-06T10:00:00Z,1,-5,"] + ["TAO,soon,1,,"] + [GOOD] * 5
    with pytest.raises(CsvImportError) as excinfo:
        csv_parse("\n".join([HEADER, *rows]) + "\n")
    assert excinfo.value.line == 52
    assert "market_cap_usd" in excinfo.value.reason


def test_a_quoted_file_is_split_by_the_csv_rules_with_the_same_line_numbers():
    text = f'{HEADER}\n"TAO","2026-02-06T10:00:00Z","1",,\n\n"NEAR","2026-02-06T10:00:00Z","x",,\n'
    with pytest.raises(CsvImportError) as excinfo:
        csv_parse(text)
    assert (excinfo.value.line, excinfo.value.reason) == (4, "price_usd 'x' is not a number")


def test_crlf_line_ends_and_blank_rows_are_accepted():
    parsed = csv_parse(f"{HEADER}\r\n{GOOD}\r\n,,,,\r\n\r\nNEAR,2026-02-06T10:00:00Z,1,,\r\n")
    assert parsed.symbols == ["TAO", "NEAR"]
    assert parsed.lines.tolist() == [2, 5]


def test_a_row_with_the_wrong_number_of_columns_is_named():
    with pytest.raises(CsvImportError) as excinfo:
        csv_parse(f"{HEADER}\n{GOOD}\nTAO,2026-02-06T10:00:00Z,1,\n")
    assert (excinfo.value.line, excinfo.value.reason) == (3, "expected 5 columns, found 4")


def test_rows_of_blank_cells_are_skipped_in_a_plain_file():
    parsed = csv_parse(f"{HEADER}\n{GOOD}\n , , ,,\nNEAR,2026-02-06T10:00:00Z,1,,\n")
    assert parsed.symbols == ["TAO", "NEAR"]
    assert parsed.lines.tolist() == [2, 4]


def test_a_plain_file_and_its_quoted_twin_parse_alike():
    rows = [GOOD, "NEAR,2026-02-06T11:00:00+01:00,1.5,,7", "ICP,2026-02-06T12:00:00.5Z,2,3,"]
    plain = csv_parse("\n".join([HEADER, *rows]) + "\n")
    quoted = csv_parse("\n".join([HEADER, *rows]).replace("NEAR", '"NEAR"') + "\n")
    for name in ("lines", "ts", "price", "cap", "volume"):
        np.testing.assert_array_equal(getattr(plain, name), getattr(quoted, name))
    assert plain.symbols == quoted.symbols


def _random_file(rows: int, seed: int) -> str:
    """Valid rows of varied shapes: offsets, fractions, empty amounts, lower-case symbols."""
    rng = np.random.default_rng(seed)
    shapes = [
        "2026-02-06T{h:02d}:{m:02d}:00Z",
        "2026-02-06 {h:02d}:{m:02d}:07.25+01:00",
        "2025-12-31T{h:02d}:{m:02d}:59-0530",
        "2024-02-29T{h:02d}:{m:02d}:00.123456Z",
    ]
    lines = [HEADER]
    for i in range(rows):
        stamp = shapes[i % len(shapes)].format(h=int(rng.integers(24)), m=int(rng.integers(60)))
        price = repr(float(rng.lognormal(0, 5)))
        cap = "" if i % 7 == 0 else repr(float(rng.uniform(0, 1e12)))
        vol = "" if i % 5 == 0 else f"{rng.uniform(0, 1e9):.3f}"
        lines.append(f"{['TAO', 'near', 'Icp'][i % 3]},{stamp},{price},{cap},{vol}")
    return "\n".join(lines) + "\n"


def _columns(parsed):
    return (parsed.lines.tolist(), parsed.symbols, parsed.ts.tolist(), parsed.price.tolist(),
            np.isnan(parsed.cap).tolist(), np.nan_to_num(parsed.cap).tolist(),
            np.isnan(parsed.volume).tolist(), np.nan_to_num(parsed.volume).tolist())  # fmt: skip


def test_the_arrow_reader_gives_exactly_what_the_general_path_gives(monkeypatch):
    text = _random_file(3_000, seed=3)
    assert csv_parse_arrow(_plain_body(text)) is not None  # the fast path is the one tested
    fast = csv_parse(text)
    monkeypatch.setattr(csv_parse_module, "csv_parse_arrow", lambda body: None)
    assert _columns(fast) == _columns(csv_parse(text))


def test_numbers_the_arrow_reader_refuses_go_to_the_general_path():
    text = f"{HEADER}\n{GOOD}\nTAO,2026-02-06T11:00:00Z, 12 ,,\n"
    assert csv_parse_arrow(_plain_body(text)) is None
    assert csv_parse(text).price.tolist() == [170.5, 12.0]


@pytest.mark.parametrize("cell", ["1_000", "\u0661\u0662"])
def test_numbers_only_pythons_float_would_read_are_refused(cell):
    text = f"{HEADER}\n{GOOD}\nTAO,2026-02-06T11:00:00Z,{cell},,\n"
    with pytest.raises(CsvImportError) as excinfo:
        csv_parse(text)
    assert (excinfo.value.line, excinfo.value.reason) == (3, f"price_usd {cell!r} is not a number")


def test_a_bad_cell_deep_in_a_clean_file_names_its_line():
    rows = [GOOD.replace("10:00", f"{h % 24:02d}:{h % 60:02d}") for h in range(20_000)]
    rows[14_321] = "TAO,2026-02-06T10:00:00Z,1,2,-3"
    with pytest.raises(CsvImportError) as excinfo:
        csv_parse("\n".join([HEADER, *rows]) + "\n")
    assert excinfo.value.line == 14_323
    assert "volume_24h_usd '-3'" in excinfo.value.reason


@pytest.mark.parametrize(
    ("stamp", "epoch"),
    [
        ("2024-01-01T10:00:00+10:00", 1_704_067_200),  # 2024-01-01T00:00Z
        ("2024-01-01T00:00:00-11:00", 1_704_106_800),  # 2024-01-01T11:00Z
        ("2024-01-01T14:00:00+1400", 1_704_067_200),
    ],
)
def test_offsets_of_ten_hours_and_more_are_applied_exactly(stamp, epoch):
    rows = [f"TAO,{stamp},1,," for _ in range(3)]
    assert csv_parse("\n".join([HEADER, *rows]) + "\n").ts.tolist() == [epoch] * 3


def refusal(text: str) -> tuple[int, str]:
    """(line, reason) of the CsvImportError the text raises."""
    with pytest.raises(CsvImportError) as excinfo:
        csv_parse(text)
    return excinfo.value.line, excinfo.value.reason


def test_a_quoted_row_spanning_lines_is_named_by_the_line_it_starts_on():
    line, reason = refusal(f'{HEADER}\n{GOOD}\n"TAO\n",2026-02-06T11:00:00Z,x,,\n{GOOD}\n')
    assert line == 3
    assert "price_usd 'x'" in reason


def test_an_unclosed_quote_is_named_by_the_line_it_opens_on():
    line, _ = refusal(f'{HEADER}\n{GOOD}\n"TAO,2026-02-06T11:00:00Z,1,,\n{GOOD}\n{GOOD}\n')
    assert line == 3


def test_a_cell_too_long_for_the_csv_module_is_a_line_error_not_a_crash():
    line, reason = refusal(f'{HEADER}\n{GOOD}\nTAO,2026-02-06T11:00:00Z,"{"1" * 200_000}",,\n')
    assert line == 3
    assert "cannot be read as CSV" in reason


def test_a_huge_bad_cell_is_quoted_shortened_in_the_message():
    line, reason = refusal(f"{HEADER}\n{GOOD}\nTAO,2026-02-06T11:00:00Z,{'9' * 50_000},,\n")
    assert line == 3
    assert reason.startswith("price_usd '9999")
    assert len(reason) < 120


def test_a_byte_order_mark_inside_the_file_is_refused_as_the_rules_refuse_it():
    line, reason = refusal(f"{HEADER}\n\ufeff{GOOD}\n")
    assert line == 2
    assert "is not a token symbol" in reason


def test_parsed_columns_are_writable_on_the_fast_path_too():
    parsed = csv_parse(f"{HEADER}\n{GOOD}\n")
    for column in (parsed.price, parsed.cap, parsed.volume, parsed.ts):
        column[0] = column[0]  # would raise on a read-only view


@pytest.mark.parametrize("symbol", ["\u017fol", "\u0131cp", "\ufb01l"])  # long s, dotless i, fi
@pytest.mark.parametrize("quoted", [False, True])
def test_a_symbol_that_is_only_ascii_once_upper_cased_is_refused(symbol, quoted):
    # str.upper() made "SOL", "ICP" and "FIL" of these: the prices went to another token.
    cell = f'"{symbol}"' if quoted else symbol
    line, reason = refusal(f"{HEADER}\n{GOOD}\n{cell},2026-02-06T11:00:00Z,1,,\n")
    assert (line, reason) == (3, f"symbol {symbol!r} is not a token symbol")


@pytest.mark.parametrize(
    "timestamp",
    ["2026-02-06x10:00:00Z", "2026-02-06\u00e910:00:00Z", "2026-02-06T10:00:00\x00Z",
     "2026-02-06T10:00:00\t+01:00", "2026-02-06\x0010:00:00Z",
     # trailing NULs (padded exports): numpy's strings drop them, the row rules must not
     "2026-02-06T10:00:00Z\x00", "2026-02-06T10:00:00+01:00\x00\x00"],
)  # fmt: skip
def test_a_timestamp_with_a_character_iso_8601_does_not_have_is_refused(timestamp):
    # datetime.fromisoformat() took any character between the date and the time.
    line, reason = refusal(f"{HEADER}\n{GOOD}\nTAO,{timestamp},1,,\n")
    assert line == 3
    assert reason == f"timestamp {timestamp!r} is not ISO 8601"


@pytest.mark.parametrize(
    ("stamp", "epoch"),
    [
        ("2026-02-06 09:00:00+00", 1_770_368_400),  # psql's own timestamptz output
        ("2026-02-06 14:00:00.25+05", 1_770_368_400),
        ("2026-02-06T00:00:00-09", 1_770_368_400),
    ],
)
def test_an_offset_of_whole_hours_written_without_minutes_is_an_offset(stamp, epoch):
    # ISO 8601 writes a whole-hour offset as +hh too, and so does PostgreSQL's text output:
    # a \copy export of a timestamptz column was refused as "needs a time zone".
    rows = [f"TAO,{stamp},1,," for _ in range(3)]
    assert csv_parse("\n".join([HEADER, *rows]) + "\n").ts.tolist() == [epoch] * 3
    assert row_parse(2, ["TAO", stamp, "1", "", ""])[1] == epoch
