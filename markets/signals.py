"""What markets announces to the apps above it (they subscribe; markets imports none of them)."""

from django.dispatch import Signal

# Sent after new TokenMetrics / ListMetrics rows are committed (refresh, backfill, CSV import,
# recompute), with ``token_ids`` and ``list_ids``: the rows that were recomputed.
metrics_changed = Signal()
