"""markets tells when its admin deletes tokens; curation records it in the /curate/ history."""

from __future__ import annotations


def tokens_deleting_receiver(sender, actor, tokens, **kwargs) -> None:
    """Runs inside the deletion's transaction, before it: a refused or failed deletion
    leaves no entry."""
    from curation.services import tokens_deletion_record

    tokens_deletion_record(actor=actor, tokens=tokens)
