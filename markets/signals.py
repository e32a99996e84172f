"""What markets announces to the apps above it (they subscribe; markets imports none of them)."""

from django.dispatch import Signal

# Sent after new TokenMetrics / ListMetrics rows are committed (refresh, backfill, CSV import,
# recompute), with ``token_ids`` and ``list_ids``: the rows that were recomputed.
metrics_changed = Signal()

# Sent at the end of services.demo.demo_seed with ``end``: the time the demo data end at.
demo_seeded = Signal()
# Sent while the demo data (markets.services.demo_removal) are deleted, inside the same
# transaction, with ``token_ids``: apps above delete what they seeded or derived from them.
demo_removed = Signal()
# Sent by the admin just before it deletes tokens, inside the deletion's transaction, with
# ``actor`` (who deletes) and ``tokens`` (a queryset of them, still readable): apps above
# record it (the /curate/ history). Not sent when the deletion is refused.
tokens_deleting = Signal()
