"""The reads of an alert evaluation: live rules (those already true found by the database),
their targets, the metrics, the prices seen last time, volume averages and states."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Case, Exists, F, FloatField, OuterRef, Q, When

from alerts.models import LIST_CONDITIONS, AlertRule, AlertState, PriceSeen, rules_unexpired
from markets.models import ListMetrics, Snapshot, TokenListMembership, TokenMetrics
from watchlists.models import WatchlistItem

RULE_FIELDS = (
    "id",
    "owner_id",
    "condition",
    "value",
    "target",
    "token_id",
    "watchlist_id",
    "token_list_id",
    "frequency",
    "cooldown_seconds",
    "baseline",
    "created_at",
    "webhook_url",
    "owner__preferred_language",
)
TOKEN_FIELDS = (
    "token_id",
    "token__symbol",
    "as_of",
    "price_usd",
    "change_1h",
    "change_24h",
    "change_7d",
    "drawdown_from_ath",
    "drawdown_7d",
    "volume_24h_usd",
)
# Which column of the token row each token condition reads.
TOKEN_METRIC = {
    "crossing_up": 3,
    "crossing_down": 3,
    "crossing": 3,
    "greater_than": 3,
    "less_than": 3,
    "change_1h_below": 4,
    "change_1h_above": 4,
    "change_24h_below": 5,
    "change_24h_above": 5,
    "change_7d_below": 6,
    "change_7d_above": 6,
    "drawdown_ath_below": 7,
    "drawdown_7d_below": 8,
    "volume_spike": 9,
}
LIST_METRIC = {
    "list_cap_change_24h_below": 4,
    "list_cap_change_7d_below": 5,
    "list_members_down_20": 6,
}
VOLUME_WINDOW = timedelta(days=30)
SQL_METRIC = {
    "price_usd": ["crossing_up", "crossing_down", "crossing", "greater_than", "less_than"],
    "change_1h": ["change_1h_below", "change_1h_above"],
    "change_24h": ["change_24h_below", "change_24h_above"],
    "change_7d": ["change_7d_below", "change_7d_above"],
    "drawdown_from_ath": ["drawdown_ath_below"],
    "drawdown_7d": ["drawdown_7d_below"],
}
SQL_CONDITIONS = [c for conditions in SQL_METRIC.values() for c in conditions]
ABOVE = ["greater_than", "change_1h_above", "change_24h_above", "change_7d_above"]
BELOW = [
    "less_than",
    "change_1h_below",
    "change_24h_below",
    "change_7d_below",
    "drawdown_ath_below",
    "drawdown_7d_below",
]


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def rules_live(now: datetime):
    """Active, not ended, not expired rules of active accounts (a deactivated account is
    neither notified nor its webhook called, as it gets no digest). Rules on a curated list
    staff have unpublished wait until it is published again: such a list is a 404 for its
    users everywhere else, so its members and figures must not reach them by alert."""
    return (
        AlertRule.objects.filter(is_active=True, ended_at__isnull=True, owner__is_active=True)
        .filter(rules_unexpired(now))
        .exclude(target="list", token_list__is_public=False)
    )


def _in_database() -> Q:
    """Rules the database evaluates itself: one token, a condition on its metrics row."""
    return Q(target="token", condition__in=SQL_CONDITIONS)


def _metric() -> Case:
    return Case(
        *[
            When(condition__in=conditions, then=F(f"token__metrics__{column}"))
            for column, conditions in SQL_METRIC.items()
        ],
        output_field=FloatField(),
    )


def _previous_price() -> Case:
    """The price before this metrics version: the last one evaluated, or the rule's own
    baseline (the price when it was created) if that is more recent."""
    seen_as_of, metrics_as_of = F("token__priceseen__as_of"), F("token__metrics__as_of")
    seen_prev_as_of = Case(
        When(token__priceseen__as_of__lt=metrics_as_of, then=seen_as_of),
        default=F("token__priceseen__prev_as_of"),
    )
    seen_prev = Case(
        When(token__priceseen__as_of__lt=metrics_as_of, then=F("token__priceseen__price_usd")),
        default=F("token__priceseen__prev_price_usd"),
        output_field=FloatField(),
    )
    baseline_wins = Q(baseline_as_of__isnull=False, baseline_as_of__lte=metrics_as_of) & (
        Q(token__priceseen__isnull=True)
        | Q(baseline_as_of__gte=seen_prev_as_of)
        | Q(token__priceseen__prev_as_of__isnull=True, token__priceseen__as_of=metrics_as_of)
    )
    return Case(
        When(baseline_wins, then=F("baseline_price")), default=seen_prev, output_field=FloatField()
    )


def _true_in_database() -> Q:
    """Each condition against its own column (no CASE per row, so indexes and the planner
    see plain comparisons)."""
    value, price = F("value"), "token__metrics__price_usd"
    true = Q()
    for column, conditions in SQL_METRIC.items():
        for condition in conditions:
            if condition in ABOVE:
                true |= Q(condition=condition, **{f"token__metrics__{column}__gt": value})
            elif condition in BELOW:
                true |= Q(condition=condition, **{f"token__metrics__{column}__lt": value})
    down = Q(prev__gt=value, **{f"{price}__lte": value})
    up = Q(prev__lt=value, **{f"{price}__gte": value})
    return (
        true
        | Q(condition="crossing_down") & down
        | Q(condition="crossing_up") & up
        | Q(condition="crossing") & (down | up)
    )


def _true_rules_load(now: datetime) -> list[tuple]:
    """One-token rules whose condition holds now, evaluated by the database (so the rules
    that hold nothing new never travel); laid out like RULE_FIELDS, with the metric value,
    metrics time and symbol in the baseline, created_at and last places."""
    rows = (
        rules_live(now)
        .filter(_in_database(), token__is_active=True, token__metrics__isnull=False)
        .annotate(prev=_previous_price())
        .filter(_true_in_database())
        .annotate(metric=_metric())
        .order_by()
        .values_list(
            *RULE_FIELDS[:10],
            "metric",
            "token__metrics__as_of",
            "webhook_url",
            "owner__preferred_language",
            "token__symbol",
        )
    )
    return list(rows)


def _rules_load(now: datetime) -> list[tuple]:
    """The other rules (several subjects, volume spikes, lists), evaluated in memory."""
    return list(rules_live(now).exclude(_in_database()).values_list(*RULE_FIELDS))


def _members_load(rules: list[tuple]) -> dict[tuple[str, int], list[int]]:
    """Token ids of each watchlist and curated list that a rule targets, as they are now."""
    watchlists = {r[6] for r in rules if r[4] == "watchlist"}
    lists = {r[7] for r in rules if r[4] == "list" and r[2] not in LIST_CONDITIONS}
    members: dict[tuple[str, int], list[int]] = defaultdict(list)
    if watchlists:
        for wl, token in WatchlistItem.objects.filter(watchlist_id__in=watchlists).values_list(
            "watchlist_id", "token_id"
        ):
            members["watchlist", wl].append(token)
    if lists:
        for tl, token in TokenListMembership.objects.filter(token_list_id__in=lists).values_list(
            "token_list_id", "token_id"
        ):
            members["list", tl].append(token)
    return members


def _subjects(rule: tuple, members) -> list[int]:
    if rule[2] in LIST_CONDITIONS:
        return [rule[7]]
    if rule[4] == "token":
        return [rule[5]]
    return members.get((rule[4], rule[6] if rule[4] == "watchlist" else rule[7]), [])


def _volume_averages(token_ids: set[int]) -> dict[int, float]:
    """Average 24 h volume over the 30 days up to each token's metrics time (one query), one
    quote per instant: that of the source that sorts last, as every other figure reads."""
    if not token_ids:
        return {}
    as_of = F("token__metrics__as_of")
    # An equality probe of the unique (token, ts, source) index per quote.
    outranked = Snapshot.objects.filter(
        token_id=OuterRef("token_id"), ts=OuterRef("ts"), source__gt=OuterRef("source")
    )
    rows = (
        Snapshot.objects.filter(
            token_id__in=token_ids,
            ts__gt=as_of - VOLUME_WINDOW,
            ts__lte=as_of,
        )
        .exclude(Exists(outranked))
        .filter(volume_24h_usd__isnull=False)
        .values("token_id")
        .annotate(average=Avg("volume_24h_usd"))
        .values_list("token_id", "average")
    )
    return {token: average for token, average in rows if average}


@dataclass
class Inputs:
    true_rules: list[tuple]  # one-token rules true now (see _true_rules_load)
    rules: list[tuple]  # every other live rule
    subjects: dict[int, list[int]]
    tokens: dict[int, tuple]
    lists: dict[int, tuple]
    seen: dict[int, tuple]
    volumes: dict[int, float]
    states: dict[tuple[int, int], tuple[bool, datetime | None, str]]  # armed, fired, condition


def _states_load(now: datetime, true_rules: list[tuple]) -> dict:
    """States that can matter: of the rules true now, of the rules evaluated in memory, and
    every disarmed one (it re-arms when its condition has cleared)."""
    in_database = Q(rule__target="token", rule__condition__in=SQL_CONDITIONS)
    wanted = Q(rule_id__in=[r[0] for r in true_rules]) | ~in_database | Q(armed=False)
    rows = AlertState.objects.filter(
        wanted, rule__is_active=True, rule__ended_at__isnull=True
    ).values_list("rule_id", "subject_id", "armed", "last_fired_at", "rule__condition")
    return {
        (rule, subject): (armed, fired, condition)
        for rule, subject, armed, fired, condition in rows
    }


def inputs_load(now: datetime) -> Inputs:
    true_rules = _true_rules_load(now)
    rules = _rules_load(now)
    members = _members_load(rules)
    subjects = {rule[0]: _subjects(rule, members) for rule in rules}
    list_ids, spike_ids = set(), set()
    for rule in rules:
        if rule[2] in LIST_CONDITIONS:
            list_ids.add(rule[7])
        elif rule[2] == "volume_spike":
            spike_ids.update(subjects[rule[0]])
    # Every active token: the in-memory rules read them, and crossings need each new price.
    tokens = {
        row[0]: row
        for row in TokenMetrics.objects.filter(token__is_active=True).values_list(*TOKEN_FIELDS)
    }
    lists = {}
    if list_ids:
        lists = {
            row[0]: row
            for row in ListMetrics.objects.filter(
                token_list_id__in=list_ids, as_of__isnull=False
            ).values_list(
                "token_list_id",
                "token_list__slug",
                "token_list__name",
                "as_of",
                "cap_change_24h",
                "cap_change_7d",
                "members_down_20_from_ath",
                "token_list__name_fr",  # the firing names the list in its owner's language
            )
        }
    seen = {
        row[0]: row
        for row in PriceSeen.objects.values_list(
            "token_id", "as_of", "price_usd", "prev_as_of", "prev_price_usd"
        )
    }
    volumes = _volume_averages(spike_ids & tokens.keys())
    states = _states_load(now, true_rules)
    return Inputs(true_rules, rules, subjects, tokens, lists, seen, volumes, states)
