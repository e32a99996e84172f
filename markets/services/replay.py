"""Replay: the metrics as they were at a past hour (``?at=`` on market pages and the read API).

The figures come from ``metrics_compute`` (markets/services/metrics.py), the same code that
fills TokenMetrics / ListMetrics, run over the history up to ``at`` and never saved. Results
are cached by hour, ids and data version: a recompute (new data) makes them unreachable.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.cache import data_version
from core.times import utc_designator_upper
from markets.models import ListMetrics, Token, TokenList, TokenMetrics
from markets.selectors import (
    list_metrics_payload,
    metrics_report_subjects,
    token_metrics_payload,
)
from markets.services.metrics import list_members_load, list_metrics_build, metrics_compute
from markets.services.metrics_store import token_metrics_build

REPLAY_CACHE_SECONDS = 3_600


class BadAt(ValueError):
    """An ``at`` value that is not an ISO 8601 time with an offset."""


# A date-time, one space, then what an offset is after its sign ("01:00", "0100", "01").
_SIGN_AS_SPACE_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)"
)


def query_offset_restore(value: str) -> str:
    """A time from a query string with the "+" of its offset put back: typed unencoded in a
    URL ("?at=2026-02-05T15:00+01:00"), a "+" is decoded as a space. Anything else as is."""
    match = _SIGN_AS_SPACE_RE.fullmatch(value.strip())
    return f"{match[1]}+{match[2]}" if match else value


def replay_at_parse(value: str | None, *, now: datetime | None = None) -> datetime | None:
    """The replayed hour for an ``at`` query value, or None for no replay.

    ISO 8601 with ``Z`` or an offset, floored to the hour (UTC). Empty or in the future: None
    (the present is not a replay). Raises BadAt for anything else, naive times included.
    """
    if value is None or value == "":
        return None
    text = utc_designator_upper(query_offset_restore(value).strip())
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        message = _("Not a date-time: “%(value)s”; use ISO 8601, e.g. 2026-02-05T14:00Z.")
        raise BadAt(message % {"value": value[:40]})
    if parsed.tzinfo is None:
        raise BadAt(_("Give a time zone: end the time with Z or an offset such as +01:00."))
    try:
        at = parsed.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    except OverflowError:
        raise BadAt(_("Out of range: “%(value)s”.") % {"value": value[:40]}) from None
    return None if at > (now or timezone.now()) else at


def at_param(at: datetime) -> str:
    """The canonical ``at`` query value of an hour: 2026-02-05T14:00Z (a 4-digit year, 0999
    too: strftime's %Y does not pad it on Linux and the parser refuses 999)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="minutes") + "Z"


@dataclass
class Replay:
    """Unsaved metrics at ``at``, by token id and list id (missing: no data by then)."""

    at: datetime
    tokens: dict[int, TokenMetrics] = field(default_factory=dict)
    lists: dict[int, ListMetrics] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.tokens


def _cache_key(at: datetime, token_ids: Sequence[int], list_ids: Sequence[int]) -> str:
    ids = ",".join(map(str, token_ids)) + "|" + ",".join(map(str, list_ids))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:32]
    return f"replay:{data_version()}:{int(at.timestamp())}:{digest}"


def metrics_at(
    *, at: datetime, token_ids: Iterable[int] = (), list_ids: Iterable[int] = ()
) -> Replay:
    """The metrics of these tokens and lists (and of the lists' active members) at ``at``.

    A fixed number of queries whatever the number of tokens (none when cached).
    """
    token_ids, list_ids = sorted(set(token_ids)), sorted(set(list_ids))
    key = _cache_key(at, token_ids, list_ids)
    cached = cache.get(key)
    if cached is None:
        lists = list_members_load(list_ids) if list_ids else {}
        lists.update({lid: [] for lid in list_ids if lid not in lists})
        ids = sorted(set(token_ids).union(*lists.values()))
        cached = metrics_compute(token_ids=ids, lists=lists, until=int(at.timestamp()))
        cache.set(key, cached, REPLAY_CACHE_SECONDS)
    tokens, lists = cached
    now = timezone.now()
    return Replay(
        at=at,
        tokens={tid: token_metrics_build(tid, values, now) for tid, values in tokens.items()},
        lists={lid: list_metrics_build(lid, values, now) for lid, values in lists.items()},
    )


def _attach(instance, accessor: str, metrics) -> None:
    """Make ``instance.<accessor>`` the replayed metrics (or None), as select_related would."""
    descriptor = getattr(type(instance), accessor)
    descriptor.related.set_cached_value(instance, metrics)


def tokens_attach(tokens: Iterable[Token], replay: Replay) -> None:
    """Give each token its replayed metrics in place of the current ones."""
    for token in tokens:
        _attach(token, "metrics", replay.tokens.get(token.pk))


def lists_attach(token_lists: Iterable[TokenList], replay: Replay) -> None:
    for token_list in token_lists:
        _attach(token_list, "metrics", replay.lists.get(token_list.pk))


def tokens_by(tokens: list, *, name: str, descending: bool = False) -> list:
    """Replayed tokens ordered as the live query orders them: by a token field (symbol,
    name), or by a metric with missing values last either way (ties keep their order)."""
    if name in ("symbol", "name"):
        return sorted(tokens, key=lambda t: getattr(t, name), reverse=descending)

    def value(token):
        metrics = getattr(token, "metrics", None)
        return None if metrics is None else getattr(metrics, name, None)

    known = [token for token in tokens if value(token) is not None]
    missing = [token for token in tokens if value(token) is None]
    return sorted(known, key=value, reverse=descending) + missing


def replay_window(*, end: datetime | None, days: int = 14) -> tuple[datetime, datetime] | None:
    """(start, end) hours of a replay control ending at ``end`` (the latest data)."""
    if end is None:
        return None
    last = end.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return last - timedelta(days=days), last


def metrics_report_at(
    *, at: datetime, symbols: Iterable[str] | None = None, list_slugs: Iterable[str] = ()
) -> dict:
    """``metrics_report`` (markets/selectors.py) as it was at ``at``: the same shape.

    Raises Token.DoesNotExist / TokenList.DoesNotExist naming what is unknown.
    """
    tokens, token_lists = metrics_report_subjects(symbols=symbols, list_slugs=list_slugs)
    replay = metrics_at(
        at=at, token_ids=[t.pk for t in tokens], list_ids=[x.pk for x in token_lists.values()]
    )
    return {
        "tokens": {t.symbol: token_metrics_payload(replay.tokens.get(t.pk)) for t in tokens},
        "lists": {
            slug: list_metrics_payload(replay.lists.get(x.pk)) for slug, x in token_lists.items()
        },
    }
