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
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from alerts.engine_inputs import (
    LIST_METRIC,
    TOKEN_METRIC,
    Inputs,
    epoch_seconds,
    inputs_load,
    rules_live,
)
from alerts.models import CROSSINGS, LIST_CONDITIONS, AlertFiring, AlertRule, AlertState, PriceSeen
from alerts.words import FIRING_MESSAGE, firing_params, firing_text, firing_texts
from core.language import localized
from notifications.services import (
    NotificationDraft,
    notifications_bulk_create,
    webhook_deliveries_create,
    webhooks_default_urls,
)

__all__ = ["EvaluationResult", "alerts_evaluate"]


@dataclass
class EvaluationResult:
    rules: int = 0
    fired: int = 0  # firings this run inserted (and notified)
    duplicates: int = 0  # firings another evaluation had already recorded
    notification_ids: list[int] = field(default_factory=list)


def condition_true(condition: str, value: float, level: float, prev: float | None) -> bool:
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


def _previous(rule: tuple, subject: int, row: tuple, seen: tuple | None) -> float | None:
    """The price before this metrics version: the last one evaluated, or the one the rule
    was created with if that is more recent."""
    as_of = epoch_seconds(row[2])
    best: tuple[int, float] | None = None
    if seen is not None:
        if seen[1] < row[2]:
            best = (epoch_seconds(seen[1]), seen[2])
        elif seen[3] is not None:
            best = (epoch_seconds(seen[3]), seen[4])
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
    name_fr: str = ""  # a curated list's French name, for French owners


def _held_back(rule: tuple, state: tuple | None, now: datetime) -> bool:
    """A true condition does not fire while disarmed (re-arm) or within the cooldown."""
    if state is None:
        return False
    if rule[8] == "rearm" and not state[0]:
        return True
    return state[1] is not None and (now - state[1]).total_seconds() < rule[9]


def _decide(inputs: Inputs, now: datetime) -> tuple[list[_Candidate], list[AlertState]]:
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
    for (rule_id, subject), (armed, fired_at, condition) in states.items():
        # A disarmed one-token rule that is not true any more re-arms; not while its figure
        # is unknown (a missed refresh), as the rules evaluated in memory below.
        column = TOKEN_METRIC.get(condition)
        if not armed and (rule_id, subject) not in true_now and subject in tokens:
            if column is not None and tokens[subject][column] is None:
                continue
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
            if not condition_true(condition, value, level, prev):
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
                name, url, name_fr = row[2], f"/lists/{row[1]}/", row[7]
            else:
                name, url, name_fr = row[1], f"/tokens/{row[1]}/", ""
            shown = row[column] if condition == "volume_spike" else value
            version = row[3] if is_list else row[2]
            fire.append(_Candidate(rule, subject, version, shown, name, url, name_fr))
            if rule[8] == "once":
                break  # a once-rule ends at its first firing
    return fire, rearm


def _texts(candidates: list[_Candidate]) -> dict[int, str]:
    by_language: dict[str, list[int]] = defaultdict(list)
    for index, candidate in enumerate(candidates):
        # No preference: the site's default, as digests and reply notices (user_language).
        by_language[candidate.rule[13] or settings.LANGUAGE_CODE].append(index)
    texts: dict[int, str] = {}
    for language, indexes in by_language.items():
        with translation.override(language):
            patterns = firing_texts()
            for index in indexes:
                c = candidates[index]
                texts[index] = firing_text(
                    condition=c.rule[2],
                    subject=localized(c.name, c.name_fr),
                    level=c.rule[3],
                    value=c.value,
                    patterns=patterns,
                )
    return texts


# Any 64-bit number the other advisory locks of the database do not use.
EVALUATION_LOCK_KEY = 0x616C65727473  # "alerts"


def _evaluation_lock() -> None:
    """Evaluations run one at a time, each reading what the previous one wrote (states,
    ended once-rules, last prices). Two evaluations of different metrics versions (two
    refreshes, an import) that overlapped both fired: a once-rule twice, a cooldown
    ignored. PostgreSQL: a transaction-level advisory lock; SQLite's write transactions
    (BEGIN IMMEDIATE, see the settings) already serialise."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVALUATION_LOCK_KEY])


def alerts_evaluate(*, now: datetime | None = None) -> EvaluationResult:
    """Evaluate every live rule once against the current metrics (see the module doc)."""
    with transaction.atomic():
        _evaluation_lock()
        return _evaluate(now or timezone.now())  # the time the lock was granted


def _evaluate(now: datetime) -> EvaluationResult:
    inputs = inputs_load(now)
    result = EvaluationResult(rules=rules_live(now).count())
    candidates, rearm = _decide(inputs, now)
    run = uuid.uuid4()
    texts = _texts(candidates)
    params = [_params(c) for c in candidates]
    with transaction.atomic(savepoint=False):  # inside alerts_evaluate's transaction
        if candidates:
            AlertFiring.objects.bulk_create(
                [
                    AlertFiring(
                        rule_id=c.rule[0],
                        subject_id=c.subject,
                        version=c.version,
                        value=c.value,
                        text=texts[i][:200],
                        params=params[i],
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
        result.notification_ids = _notify(fired, texts, params, candidates)
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


def _seen_write(inputs: Inputs) -> None:
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


def _params(c: _Candidate) -> dict:
    """What the firing and its notification are written from again in their reader's
    language (its stored text is in the owner's)."""
    return firing_params(
        condition=c.rule[2], subject=c.name, subject_fr=c.name_fr, level=c.rule[3], value=c.value
    )


def _notify(
    fired: list[_Candidate], texts: dict[int, str], params: list[dict], candidates
) -> list[int]:
    if not fired:
        return []
    index = {id(c): i for i, c in enumerate(candidates)}
    drafts = [
        NotificationDraft(
            c.rule[1],
            "alert",
            texts[index[id(c)]],  # in the owner's language: the fallback, and the admin's
            "",
            c.url,
            FIRING_MESSAGE,
            params[index[id(c)]],
        )
        for c in fired
    ]
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
