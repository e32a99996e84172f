"""What markets announces to the apps above it (they subscribe; markets imports none of them)."""

from django.dispatch import Signal

# Sent after new TokenMetrics / ListMetrics rows are committed (refresh, backfill, CSV import,
# recompute), with ``token_ids`` and ``list_ids``: the rows that were recomputed.
metrics_changed = Signal()

# Sent after the demo data (markets.services.demo_removal) are deleted, once committed, with
# ``token_ids``: the tokens whose demo history went. Apps drop what they derived from them.
demo_removed = Signal()
