"""Set-based evaluation of every live alert rule against the current metrics.

One pass whatever the number of rules: a fixed number of reads (rules, targets, metrics, seen
prices, volume averages, states), the decisions in memory, then bulk writes. Firings are
inserted with ON CONFLICT DO NOTHING on (rule, subject, metrics version) and tagged with this
run's id: only the rows this run really inserted are notified, so two evaluations of the same
metrics, even racing in two workers, notify once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Avg, Case, F, FloatField, Q, When
from django.utils import timezone, translation

from alerts.models import CROSSINGS, LIST_CONDITIONS, AlertFiring, AlertRule, AlertState, PriceSeen
from alerts.words import firing_text, firing_texts
from markets.models import ListMetrics, Snapshot, TokenListMembership, TokenMetrics
from notifications.services import (
    NotificationDraft,
    notifications_bulk_create,
    webhook_deliveries_create,
    webhooks_default_urls,
)
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


@dataclass
class EvaluationResult:
    rules: int = 0
    fired: int = 0  # firings this run inserted (and notified)
    duplicates: int = 0  # firings another evaluation had already recorded
    notification_ids: list[int] = field(default_factory=list)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _true(condition: str, value: float, level: float, prev: float | None) -> bool:
    if condition == "crossing_up":
        return prev is not None and prev < level <= value
    if condition == "crossing_down":
        return prev is not None and prev > level >= value
    if condition == "crossing":
        return prev is not None and (prev < level <= value or prev > level >= value)
    if condition.endswith("_above") or condition in ("greater_than", "volume_spike"):
        return value > level
    if condition == "list_members_down_20":
        return value >= level
    return value < level  # *_below, less_than


def _live(now: datetime):
    return AlertRule.objects.filter(is_active=True, ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
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
        _live(now)
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
    return list(_live(now).exclude(_in_database()).values_list(*RULE_FIELDS))


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
    """Average 24 h volume over the 30 days up to each token's metrics time (one query)."""
    if not token_ids:
        return {}
    as_of = F("token__metrics__as_of")
    rows = (
        Snapshot.objects.filter(
            token_id__in=token_ids,
            volume_24h_usd__isnull=False,
            ts__gt=as_of - VOLUME_WINDOW,
            ts__lte=as_of,
        )
        .values("token_id")
        .annotate(average=Avg("volume_24h_usd"))
        .values_list("token_id", "average")
    )
    return {token: average for token, average in rows if average}


@dataclass
class _Inputs:
    true_rules: list[tuple]  # one-token rules true now (see _true_rules_load)
    rules: list[tuple]  # every other live rule
    subjects: dict[int, list[int]]
    tokens: dict[int, tuple]
    lists: dict[int, tuple]
    seen: dict[int, tuple]
    volumes: dict[int, float]
    states: dict[tuple[int, int], tuple[bool, datetime | None]]


def _states_load(now: datetime, true_rules: list[tuple]) -> dict:
    """States that can matter: of the rules true now, of the rules evaluated in memory, and
    every disarmed one (it re-arms when its condition has cleared)."""
    in_database = Q(rule__target="token", rule__condition__in=SQL_CONDITIONS)
    wanted = Q(rule_id__in=[r[0] for r in true_rules]) | ~in_database | Q(armed=False)
    rows = AlertState.objects.filter(
        wanted, rule__is_active=True, rule__ended_at__isnull=True
    ).values_list("rule_id", "subject_id", "armed", "last_fired_at")
    return {(rule, subject): (armed, fired) for rule, subject, armed, fired in rows}


def _inputs_load(now: datetime) -> _Inputs:
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
    return _Inputs(true_rules, rules, subjects, tokens, lists, seen, volumes, states)


def _previous(rule: tuple, subject: int, row: tuple, seen: tuple | None) -> float | None:
    """The price before this metrics version: the last one evaluated, or the one the rule
    was created with if that is more recent."""
    as_of = _epoch(row[2])
    best: tuple[int, float] | None = None
    if seen is not None:
        if seen[1] < row[2]:
            best = (_epoch(seen[1]), seen[2])
        elif seen[3] is not None:
            best = (_epoch(seen[3]), seen[4])
    base = rule[10].get(str(subject)) if rule[10] else None
    if base and base[1] <= as_of and (best is None or base[1] >= best[0]):
        best = (base[1], base[0])
    return None if best is None else best[1]


@dataclass
class _Candidate:
    rule: tuple
    subject: int
    version: datetime
    value: float
    name: str
    url: str


def _held_back(rule: tuple, state: tuple | None, now: datetime) -> bool:
    """A true condition does not fire while disarmed (re-arm) or within the cooldown."""
    if state is None:
        return False
    if rule[8] == "rearm" and not state[0]:
        return True
    return state[1] is not None and (now - state[1]).total_seconds() < rule[9]


def _decide(inputs: _Inputs, now: datetime) -> tuple[list[_Candidate], list[AlertState]]:
    """Which (rule, subject) pairs fire now; and re-arm rules whose condition cleared."""
    fire: list[_Candidate] = []
    rearm: list[AlertState] = []
    tokens, lists, seen, states, volumes = (
        inputs.tokens,
        inputs.lists,
        inputs.seen,
        inputs.states,
        inputs.volumes,
    )
    true_now = set()
    for rule in inputs.true_rules:
        true_now.add((rule[0], rule[5]))
        state = states.get((rule[0], rule[5]))
        if _held_back(rule, state, now):
            continue
        fire.append(_Candidate(rule, rule[5], rule[11], rule[10], rule[14], f"/tokens/{rule[14]}/"))
    for (rule_id, subject), (armed, fired_at) in states.items():
        # A disarmed one-token rule that is not true any more re-arms.
        if not armed and (rule_id, subject) not in true_now and subject in tokens:
            rearm.append(
                AlertState(rule_id=rule_id, subject_id=subject, armed=True, last_fired_at=fired_at)
            )
    in_memory = {rule[0] for rule in inputs.rules}
    rearm = [s for s in rearm if s.rule_id not in in_memory]
    for rule in inputs.rules:
        condition, level = rule[2], rule[3]
        is_list = condition in LIST_CONDITIONS
        column = LIST_METRIC[condition] if is_list else TOKEN_METRIC[condition]
        for subject in inputs.subjects[rule[0]]:
            row = lists.get(subject) if is_list else tokens.get(subject)
            if row is None or row[column] is None:
                continue
            value = row[column]
            prev = None
            if condition in CROSSINGS:
                prev = _previous(rule, subject, row, seen.get(subject))
            elif condition == "volume_spike":
                average = volumes.get(subject)
                if not average:
                    continue
                value = value / average
            state = states.get((rule[0], subject))
            if not _true(condition, value, level, prev):
                if state is not None and not state[0] and rule[8] == "rearm":
                    rearm.append(
                        AlertState(
                            rule_id=rule[0], subject_id=subject, armed=True, last_fired_at=state[1]
                        )
                    )
                continue
            if _held_back(rule, state, now):
                continue
            if is_list:
                name, url = row[2], f"/lists/{row[1]}/"
            else:
                name, url = row[1], f"/tokens/{row[1]}/"
            shown = row[column] if condition == "volume_spike" else value
            fire.append(_Candidate(rule, subject, row[3] if is_list else row[2], shown, name, url))
            if rule[8] == "once":
                break  # a once-rule ends at its first firing
    return fire, rearm


def _texts(candidates: list[_Candidate]) -> dict[int, str]:
    by_language: dict[str, list[int]] = defaultdict(list)
    for index, candidate in enumerate(candidates):
        by_language[candidate.rule[13] or "en"].append(index)
    texts: dict[int, str] = {}
    for language, indexes in by_language.items():
        with translation.override(language):
            patterns = firing_texts()
            for index in indexes:
                c = candidates[index]
                texts[index] = firing_text(
                    condition=c.rule[2],
                    subject=c.name,
                    level=c.rule[3],
                    value=c.value,
                    patterns=patterns,
                )
    return texts


def alerts_evaluate(*, now: datetime | None = None) -> EvaluationResult:
    """Evaluate every live rule once against the current metrics (see the module doc)."""
    now = now or timezone.now()
    inputs = _inputs_load(now)
    result = EvaluationResult(rules=_live(now).count())
    candidates, rearm = _decide(inputs, now)
    run = uuid.uuid4()
    texts = _texts(candidates)
    with transaction.atomic():
        if candidates:
            AlertFiring.objects.bulk_create(
                [
                    AlertFiring(
                        rule_id=c.rule[0],
                        subject_id=c.subject,
                        version=c.version,
                        value=c.value,
                        text=texts[i][:200],
                        url=c.url,
                        fired_at=now,
                        run=run,
                    )
                    for i, c in enumerate(candidates)
                ],
                ignore_conflicts=True,
                batch_size=10_000,
            )
            inserted = set(AlertFiring.objects.filter(run=run).values_list("rule_id", "subject_id"))
        else:
            inserted = set()
        fired = [c for c in candidates if (c.rule[0], c.subject) in inserted]
        result.fired, result.duplicates = len(fired), len(candidates) - len(fired)
        _states_write(fired, rearm, now)
        _rules_write(fired, now)
        _seen_write(inputs)
        result.notification_ids = _notify(fired, texts, candidates)
    return result


def _states_write(fired: list[_Candidate], rearm: list[AlertState], now: datetime) -> None:
    rows = {(s.rule_id, s.subject_id): s for s in rearm}
    for c in fired:
        rows[c.rule[0], c.subject] = AlertState(
            rule_id=c.rule[0], subject_id=c.subject, armed=c.rule[8] != "rearm", last_fired_at=now
        )
    if rows:
        AlertState.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["rule", "subject_id"],
            update_fields=["armed", "last_fired_at"],
            batch_size=10_000,
        )


def _rules_write(fired: list[_Candidate], now: datetime) -> None:
    rule_ids = {c.rule[0] for c in fired}
    if not rule_ids:
        return
    AlertRule.objects.filter(pk__in=rule_ids).update(last_fired_at=now)
    once = {c.rule[0] for c in fired if c.rule[8] == "once"}
    if once:
        AlertRule.objects.filter(pk__in=once).update(ended_at=now)


def _seen_write(inputs: _Inputs) -> None:
    """Remember each token's price at this version (and the one before) for next crossings."""
    rows = []
    for token, row in inputs.tokens.items():
        seen = inputs.seen.get(token)
        if seen is not None and seen[1] >= row[2]:
            continue
        rows.append(
            PriceSeen(
                token_id=token,
                as_of=row[2],
                price_usd=row[3],
                prev_as_of=seen[1] if seen else None,
                prev_price_usd=seen[2] if seen else None,
            )
        )
    if rows:
        PriceSeen.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["token"],
            update_fields=["as_of", "price_usd", "prev_as_of", "prev_price_usd"],
            batch_size=5000,
        )


def _notify(fired: list[_Candidate], texts: dict[int, str], candidates) -> list[int]:
    if not fired:
        return []
    index = {id(c): i for i, c in enumerate(candidates)}
    drafts = [NotificationDraft(c.rule[1], "alert", texts[index[id(c)]], "", c.url) for c in fired]
    notifications = notifications_bulk_create(drafts=drafts)
    ids = [n.pk for n in notifications if n.pk]
    _webhooks_queue(fired, texts, index)
    from notifications.tasks import send_digests

    transaction.on_commit(lambda: send_digests.delay(ids))
    return ids


def _webhooks_queue(fired: list[_Candidate], texts, index) -> None:
    defaults = webhooks_default_urls(user_ids={c.rule[1] for c in fired})
    deliveries = []
    for c in fired:
        url = c.rule[12] or defaults.get(c.rule[1])
        if not url:
            continue
        payload = {
            "rule": c.rule[0],
            "condition": c.rule[2],
            "level": c.rule[3],
            "subject": c.name,
            "value": c.value,
            "text": texts[index[id(c)]],
            "url": c.url,
            "metrics_as_of": c.version.astimezone(UTC).isoformat(),
        }
        deliveries.append((c.rule[1], url, payload))
    webhook_deliveries_create(deliveries=deliveries)
