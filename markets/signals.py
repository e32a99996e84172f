"""What markets announces to the apps above it (they subscribe; markets imports none of them)."""

from django.dispatch import Signal

# Sent after new TokenMetrics / ListMetrics rows are committed (refresh, backfill, CSV import,
# recompute), with ``token_ids`` and ``list_ids``: the rows that were recomputed.
metrics_changed = Signal()

# Sent at the end of services.demo.demo_seed with ``end``: the time the demo data end at.
demo_seeded = Signal()
# Sent after the demo data are removed: apps above delete what they seeded with them.
demo_removed = Signal()
