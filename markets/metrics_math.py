"""Pure, vectorised metric maths over one token's history (no database here).

Times are epoch seconds (int64), prices floats; ratios are fractions (-0.2341, not -23.41).
DESIGN.md "Token metrics" is the specification each function follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

HOUR = 3_600
DAY = 86_400
CHANGE_WINDOWS = {
    "change_1h": HOUR,
    "change_24h": DAY,
    "change_7d": 7 * DAY,
    "change_30d": 30 * DAY,
}
HISTORY_SECONDS = 90 * DAY  # the longest window a metric reads
MIN_PAIRED_RETURNS = 10
BETA_DAYS = 30


@dataclass(frozen=True, slots=True)
class Series:
    t: np.ndarray  # int64, ascending
    p: np.ndarray  # float64 prices
    cap: np.ndarray  # float64, NaN = unknown
    vol: np.ndarray  # float64, NaN = unknown
    # The last cap known at each quote's day up to it, where the series skips quotes (day
    # summaries): forward-filling it gives what forward-filling every quote's cap gives.
    cap_ff: np.ndarray | None = None

    def until(self, end: int) -> Series:
        stop = int(np.searchsorted(self.t, end, side="right"))
        cap_ff = None if self.cap_ff is None else self.cap_ff[:stop]
        return Series(self.t[:stop], self.p[:stop], self.cap[:stop], self.vol[:stop], cap_ff)


def columns_concat(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rows of ``a`` then rows of ``b``, column by column (either may be {}: no rows)."""
    if not b:
        return a
    if not a:
        return b
    return {name: np.concatenate([a[name], b[name]]) for name in a}


def _num(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def ref_index(t: np.ndarray, window: int) -> int | None:
    """Index of the latest snapshot at or before T - w, unless missing or older than T - 2w."""
    end = t[-1]
    i = int(np.searchsorted(t, end - window, side="right")) - 1
    if i < 0 or t[i] < end - 2 * window:
        return None
    return i


def window_start(t: np.ndarray, window: int) -> int:
    return int(np.searchsorted(t, t[-1] - window, side="left"))


def max_drawdown(prices: np.ndarray) -> float:
    """min of p(t) / running max up to t - 1 (0 for a series that never falls)."""
    return float((prices / np.maximum.accumulate(prices)).min() - 1.0)


def daily_closes(t: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(UTC day numbers, last price of each day) for a sorted series."""
    day = t // DAY
    last = np.flatnonzero(np.r_[day[1:] != day[:-1], True])
    return day[last], p[last]


MAX_RETURN_GAP_DAYS = 4  # assets that skip weekends and holidays still get returns


def close_returns(days: np.ndarray, closes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start day, end day, return) between consecutive closes at most 4 calendar days apart."""
    near = np.flatnonzero(days[1:] - days[:-1] <= MAX_RETURN_GAP_DAYS)
    return days[near], days[near + 1], closes[near + 1] / closes[near] - 1.0


def beta_corr_btc(token: Series, btc: Series | None) -> tuple[float | None, float | None]:
    """Beta and correlation against BTC over the token's last 30 UTC days of daily closes.

    Each token return runs between two consecutive closes of the token (at most 4 days
    apart) and pairs with BTC's return between its closes on the same two days.
    """
    if btc is None or len(btc.t) == 0:
        return None, None
    end = int(token.t[-1])
    first_day = end // DAY - (BETA_DAYS - 1)
    btc = btc.until(end)
    if len(btc.t) == 0:
        return None, None
    days, closes = daily_closes(token.t, token.p)
    keep = days >= first_day
    start_day, end_day, tok_ret = close_returns(days[keep], closes[keep])
    btc_days, btc_closes = daily_closes(btc.t, btc.p)
    at_start = np.searchsorted(btc_days, start_day).clip(max=len(btc_days) - 1)
    at_end = np.searchsorted(btc_days, end_day).clip(max=len(btc_days) - 1)
    paired = (btc_days[at_start] == start_day) & (btc_days[at_end] == end_day)
    if int(paired.sum()) < MIN_PAIRED_RETURNS:
        return None, None
    y = tok_ret[paired]
    x = btc_closes[at_end[paired]] / btc_closes[at_start[paired]] - 1.0
    cov = float(np.mean((x - x.mean()) * (y - y.mean())))
    var_x, sd_y = float(x.var()), float(y.std())
    beta = cov / var_x if var_x > 0 else None
    corr = cov / (np.sqrt(var_x) * sd_y) if var_x > 0 and sd_y > 0 else None
    return _num(beta) if beta is not None else None, _num(corr) if corr is not None else None


def token_metrics_compute(
    series: Series, *, ath: tuple[float, int] | None = None, btc: Series | None = None
) -> dict:
    """Every token metric as of the series' last snapshot.

    ``ath`` is (price, epoch) over the full stored history when the series holds only the
    recent window; without it the ATH is taken from the series itself.
    """
    t, p = series.t, series.p
    price = float(p[-1])
    out: dict = {
        "as_of": int(t[-1]),
        "price_usd": price,
        "market_cap_usd": _num(series.cap[-1]),
        "volume_24h_usd": _num(series.vol[-1]),
    }
    ref_caps = {}
    for name, window in CHANGE_WINDOWS.items():
        i = ref_index(t, window)
        out[name] = None if i is None else price / float(p[i]) - 1.0
        ref_caps[name] = None if i is None else _num(series.cap[i])
    out["ref_cap_24h_usd"], out["ref_cap_7d_usd"] = ref_caps["change_24h"], ref_caps["change_7d"]
    if ath is None:
        top = int(np.argmax(p))
        ath = (float(p[top]), int(t[top]))
    out["ath_usd"], out["ath_at"] = ath
    out["drawdown_from_ath"] = price / ath[0] - 1.0
    for label, days in (("7d", 7), ("30d", 30)):
        recent = p[window_start(t, days * DAY) :]
        high = float(recent.max())
        out[f"high_{label}_usd"], out[f"low_{label}_usd"] = high, float(recent.min())
        out[f"drawdown_{label}"] = price / high - 1.0
    for label, days in (("30d", 30), ("90d", 90)):
        out[f"max_drawdown_{label}"] = max_drawdown(p[window_start(t, days * DAY) :])
    cap, volume = out["market_cap_usd"], out["volume_24h_usd"]
    out["turnover"] = volume / cap if cap and volume is not None else None
    out["beta_btc_30d"], out["corr_btc_30d"] = beta_corr_btc(series, btc)
    return out


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _cap_change(members: list[dict], ref_key: str) -> float | None:
    pairs = [(m["market_cap_usd"], m[ref_key]) for m in members]
    pairs = [(now, ref) for now, ref in pairs if now is not None and ref]
    if not pairs:
        return None
    return sum(now for now, _ in pairs) / sum(ref for _, ref in pairs) - 1.0


def list_metrics_compute(members: list[dict], members_count: int) -> dict:
    """Sector metrics from the members' token metrics (dicts as built above)."""
    caps = [m["market_cap_usd"] for m in members if m["market_cap_usd"] is not None]
    return {
        "as_of": max((m["as_of"] for m in members), default=None),
        "total_market_cap_usd": sum(caps) if caps else None,
        "cap_change_24h": _cap_change(members, "ref_cap_24h_usd"),
        "cap_change_7d": _cap_change(members, "ref_cap_7d_usd"),
        "equal_weight_change_24h": _mean([m["change_24h"] for m in members]),
        "equal_weight_change_7d": _mean([m["change_7d"] for m in members]),
        "members_count": members_count,
        "members_down_20_from_ath": sum(1 for m in members if _down_20(m)),
    }


def _down_20(member: dict) -> bool:
    """price <= 0.8 x ATH on the prices as written (their shortest decimal form): in floats
    80 / 100 - 1 is -0.19999999999999996 and 0.8 * 0.70 is 0.5599999999999999, so a member
    shown exactly 20 % down was left out."""
    price, ath = member["price_usd"], member["ath_usd"]
    return Decimal(repr(float(price))) <= Decimal("0.8") * Decimal(repr(float(ath)))


def forward_filled(values: np.ndarray) -> np.ndarray:
    """Replace each NaN by the last known value before it (NaN until the first one)."""
    known = ~np.isnan(values)
    idx = np.where(known, np.arange(len(values)), 0)
    np.maximum.accumulate(idx, out=idx)
    filled = values[idx]
    filled[np.cumsum(known) == 0] = np.nan
    return filled


def cap_series_start(end: int, span: int = HISTORY_SECONDS) -> int:
    """The series' first point: the first UTC hour at or after ``end - span``."""
    return -((span - end) // HOUR) * HOUR


def cap_series_compute(
    members: list[Series],
    *,
    end: int,
    span: int = HISTORY_SECONDS,
    carried: list[float | None] | None = None,
) -> list:
    """Hourly total market cap: each member's last known cap at each hour, summed; the last
    point is at ``end`` itself, so the chart ends at the card's time (on its figure unless a
    member's latest snapshot has no cap: the series carries its previous one forward).

    ``carried``, beside each member, is its last cap known before its first snapshot here
    (None: none), which counts until the member's own first cap.
    """
    last_hour = end - end % HOUR
    grid = np.arange(cap_series_start(end, span), last_hour + 1, HOUR, dtype=np.int64)
    if end != last_hour:
        grid = np.append(grid, np.int64(end))
    total = np.zeros(len(grid))
    seen = np.zeros(len(grid), dtype=bool)
    for member, before in zip(members, carried or [None] * len(members), strict=True):
        if len(member.t) == 0:
            continue
        caps = forward_filled(member.cap if member.cap_ff is None else member.cap_ff)
        idx = np.searchsorted(member.t, grid, side="right") - 1
        values = np.where(idx >= 0, caps[np.maximum(idx, 0)], np.nan)
        if before is not None:
            values[np.isnan(values)] = before  # NaN only before the member's first cap
        known = ~np.isnan(values)
        total[known] += values[known]
        seen |= known
    return [[int(ts), float(v)] for ts, v in zip(grid[seen], total[seen], strict=True)]
