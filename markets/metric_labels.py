"""What the market pages call each metric, how they show it, and the chart ranges' labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# field -> (short label, definition shown on hover); DESIGN.md "Token metrics".
METRIC_TEXT = {
    "as_of": (gettext_lazy("As of"), gettext_lazy("Time of the latest stored price (UTC).")),
    "price_usd": (gettext_lazy("Price"), gettext_lazy("Price at the latest snapshot.")),
    "market_cap_usd": (
        gettext_lazy("Market cap"),
        gettext_lazy("Market capitalisation at the latest snapshot."),
    ),
    "volume_24h_usd": (
        gettext_lazy("Volume 24h"),
        gettext_lazy("Amount traded over the last 24 hours."),
    ),
    "change_1h": (
        gettext_lazy("1h"),
        gettext_lazy("Price change against the price one hour earlier."),
    ),
    "change_24h": (
        gettext_lazy("24h"),
        gettext_lazy("Price change against the price 24 hours earlier."),
    ),
    "change_7d": (
        gettext_lazy("7d"),
        gettext_lazy("Price change against the price 7 days earlier."),
    ),
    "change_30d": (
        gettext_lazy("30d"),
        gettext_lazy("Price change against the price 30 days earlier."),
    ),
    "ath_usd": (
        gettext_lazy("All-time high"),
        gettext_lazy(
            "Highest stored price, or the all-time high the price provider reports when "
            "that is higher."
        ),
    ),
    "ath_at": (
        gettext_lazy("All-time high on"),
        gettext_lazy(
            "When the all-time high was first reached (the provider's date when its high "
            "is higher)."
        ),
    ),
    "drawdown_from_ath": (
        gettext_lazy("From ATH"),
        gettext_lazy("How far the price is below its all-time high: price / ATH - 1."),
    ),
    "high_7d_usd": (gettext_lazy("7d high"), gettext_lazy("Highest price of the last 7 days.")),
    "low_7d_usd": (gettext_lazy("7d low"), gettext_lazy("Lowest price of the last 7 days.")),
    "high_30d_usd": (
        gettext_lazy("30d high"),
        gettext_lazy("Highest price of the last 30 days."),
    ),
    "low_30d_usd": (gettext_lazy("30d low"), gettext_lazy("Lowest price of the last 30 days.")),
    "drawdown_7d": (
        gettext_lazy("From 7d high"),
        gettext_lazy("How far the price is below its 7-day high."),
    ),
    "drawdown_30d": (
        gettext_lazy("From 30d high"),
        gettext_lazy("How far the price is below its 30-day high."),
    ),
    "max_drawdown_30d": (
        gettext_lazy("Max drawdown 30d"),
        gettext_lazy("Worst fall from a running peak to a later low within the last 30 days."),
    ),
    "max_drawdown_90d": (
        gettext_lazy("Max drawdown 90d"),
        gettext_lazy("Worst fall from a running peak to a later low within the last 90 days."),
    ),
    "turnover": (
        gettext_lazy("Turnover"),
        gettext_lazy("24-hour volume divided by market cap."),
    ),
    "beta_btc_30d": (
        gettext_lazy("Beta vs BTC"),
        gettext_lazy(
            "Sensitivity to Bitcoin's daily moves over 30 days: 1.5 means it moves "
            "1.5 times as much as BTC."
        ),
    ),
    "corr_btc_30d": (
        gettext_lazy("Correlation with BTC"),
        gettext_lazy("Correlation of daily returns with Bitcoin's over 30 days (-1 to 1)."),
    ),
}

# How each metric is displayed: usd, usd_compact, change, pct, pct_plain, num, datetime.
METRIC_KIND = {
    "as_of": "datetime", "ath_at": "datetime",
    "market_cap_usd": "usd_compact", "volume_24h_usd": "usd_compact",
    "change_1h": "change", "change_24h": "change", "change_7d": "change", "change_30d": "change",
    "drawdown_from_ath": "pct", "drawdown_7d": "pct", "drawdown_30d": "pct",
    "max_drawdown_30d": "pct", "max_drawdown_90d": "pct",
    "turnover": "pct_plain", "beta_btc_30d": "num", "corr_btc_30d": "num",
}  # fmt: skip

RANGE_LABELS = {
    "24h": gettext_lazy("24h"),
    "7d": gettext_lazy("7d"),
    "30d": gettext_lazy("30d"),
    "90d": gettext_lazy("90d"),
    "1y": gettext_lazy("1y"),
    "all": gettext_lazy("All"),
}
