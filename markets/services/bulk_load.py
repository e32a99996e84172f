"""Foreign keys to tokens checked once per batch instead of once per copied row.

PostgreSQL checks a foreign key with a trigger per inserted row; for a 500,000-row COPY
those checks cost more than the COPY itself. Inside ``token_keys_checked_once`` the session
runs as a replica (as pg_restore does), so the per-row triggers do not fire, and the same
guarantee is given by hand: every referenced token exists and is locked FOR KEY SHARE (what
each trigger would have done) until the transaction ends. A role without the right to set
``session_replication_role`` keeps the per-row checks. Unique and check constraints are
indexes and expressions, not triggers: they hold either way. PostgreSQL only, inside a
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DatabaseError, IntegrityError, connection, transaction

from markets.models import Token

TOKEN_TABLE = Token._meta.db_table


def _replica_role_set() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a refusal aborts only this
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


@contextmanager
def token_keys_checked_once(*, token_ids: Iterable[int]) -> Iterator[None]:
    """Rows written inside reference only ``token_ids``; IntegrityError if one is missing."""
    ids = sorted(set(token_ids))
    with transaction.atomic():  # an error inside rolls the role back with the rows
        if not _replica_role_set():
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {TOKEN_TABLE} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE",
                [ids],
            )
            found = {row[0] for row in cursor.fetchall()}
        if missing := set(ids) - found:
            raise IntegrityError(f"no token with id {min(missing)}")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
