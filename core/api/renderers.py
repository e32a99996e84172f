"""CSV output of snapshot rows, streamed."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from core.text import cell_formula_guard


class CSVRenderer(BaseRenderer):
    """Lets ``?format=csv`` and ``Accept: text/csv`` through negotiation; the view streams."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("CSV is streamed by the view")  # pragma: no cover


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return cell_formula_guard(value)  # a spreadsheet must not run a cell as a formula
    return "" if value is None else value


def csv_lines(columns: Sequence[tuple[str, str]], rows: Iterable[dict]) -> Iterator[str]:
    """The header (column names), then one line per row (dict keys given by ``columns``)."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow([name for name, _ in columns])
    for row in rows:
        yield writer.writerow([_cell(row[key]) for _, key in columns])


def csv_response(
    columns: Sequence[tuple[str, str]], rows: Iterable[dict], *, filename: str
) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        csv_lines(columns, rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
