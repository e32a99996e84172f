"""`manage.py import_prices` given a compressed file: named for what it is, not as a text
file whose second byte "is not UTF-8" (which sent the user to re-save a .gz as UTF-8)."""

import gzip
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from markets.models import Snapshot

pytestmark = pytest.mark.django_db

CSV = "symbol,timestamp,price_usd,market_cap_usd,volume_24h_usd\nTAO,2026-02-06T10:00:00Z,1,,\n"


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("prices.csv", date_time=(2026, 2, 6, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("prices.csv.gz", gzip.compress(CSV.encode(), mtime=0), "the file is compressed with gzip"),
        ("prices.zip", _zip(CSV), "the file is a ZIP archive"),
    ],
    ids=["gzip", "zip"],  # the same on every xdist worker (the bytes carried a timestamp)
)
def test_it_refuses_a_compressed_file_naming_what_it_is(tao, tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)

    with pytest.raises(CommandError) as raised:
        call_command("import_prices", str(path), stdout=io.StringIO())

    message = str(raised.value)
    assert f"line 1: {reason}" in message and "nothing was imported" in message
    assert "is not UTF-8" not in message
    assert not Snapshot.objects.exists()
