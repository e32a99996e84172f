"""Every write to watchlists, items and lots. Keyword-only; each call is one transaction.

Bad input raises django.core.exceptions.ValidationError with a message dict by field (lots
given in a list are named ``lots[0].quantity`` …; limits are under ``__all__``), and nothing is
saved. Limits are checked under a row lock (the owner for watchlists, the watchlist for items
and lots) so concurrent requests cannot exceed them; the database checks the rest again.

A watchlist or item another request deleted meanwhile raises ObjectDoesNotExist (its model's
DoesNotExist), which the pages and the API answer with a 404.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from markets.models import Token
from markets.symbols import symbol_lookup_key
from watchlists import validation
from watchlists.csv_io import PositionsCsvError, csv_parse
from watchlists.models import Lot, Watchlist, WatchlistItem
from watchlists.validation import (
    MAX_ITEMS_PER_WATCHLIST,
    MAX_LOTS_PER_ITEM,
    MAX_WATCHLISTS_PER_USER,
)

DEFAULT_WATCHLIST_NAME = "My watchlist"
UNSET: Any = object()  # "leave as is" for the optional arguments of the *_update services


def _check(field: str, clean, value):
    try:
        return clean(value)
    except ValueError as exc:
        raise ValidationError({field: [str(exc)]}) from None


def _owner_lock(owner_pk: int) -> None:
    get_user_model().objects.select_for_update().only("pk").get(pk=owner_pk)


def _watchlist_lock(watchlist: Watchlist) -> Watchlist:
    """Lock the list's row (Watchlist.DoesNotExist once it is deleted): every change to its
    items and lots takes this lock first, so they happen one after the other."""
    return Watchlist.objects.select_for_update().get(pk=watchlist.pk)


def _item_lock(item: WatchlistItem) -> None:
    """Lock the item's list and check the item is still there (WatchlistItem.DoesNotExist)."""
    _watchlist_lock(item.watchlist)
    if not WatchlistItem.objects.filter(pk=item.pk).exists():
        raise WatchlistItem.DoesNotExist(f"No item {item.pk}: removed meanwhile.")


def _name_taken(owner, name: str, *, exclude_pk: int | None = None) -> None:
    taken = Watchlist.objects.filter(owner=owner, name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": [f"You already have a watchlist named {name!r}."]})


def _save_named(watchlist: Watchlist, **kwargs) -> None:
    """Save; a race on the (owner, lower(name)) constraint becomes the duplicate-name error."""
    try:
        with transaction.atomic():
            watchlist.save(**kwargs)
    except IntegrityError as exc:
        if "watchlist_name_unique_per_owner" not in str(exc):
            raise
        message = f"You already have a watchlist named {watchlist.name!r}."
        raise ValidationError({"name": [message]}) from None


def _move(rows: list, pk: int, position: int) -> None:
    """Move the row with this pk to ``position`` (clamped to the end) within ``rows``."""
    index = next((n for n, r in enumerate(rows) if r.pk == pk), None)
    if index is None:  # deleted meanwhile
        raise ObjectDoesNotExist(f"No row {pk} to move.")
    row = rows.pop(index)
    rows.insert(min(position, len(rows)), row)


def _renumber(rows: list, model) -> None:
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    model.objects.bulk_update(changed, ["position"])


# --- Watchlists ------------------------------------------------------------------------------


@transaction.atomic
def watchlist_create(*, owner, name: str) -> Watchlist:
    """A new, private, empty watchlist placed after the owner's others."""
    name = _check("name", validation.name_clean, name)
    _owner_lock(owner.pk)
    existing = Watchlist.objects.filter(owner=owner)
    if existing.count() >= MAX_WATCHLISTS_PER_USER:
        message = f"You already have {MAX_WATCHLISTS_PER_USER} watchlists, the most allowed."
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    _name_taken(owner, name)
    last = existing.aggregate(last=Max("position"))["last"]
    watchlist = Watchlist(owner=owner, name=name, position=0 if last is None else last + 1)
    _save_named(watchlist)
    return watchlist


@transaction.atomic
def watchlist_default_ensure(*, user, name: str = DEFAULT_WATCHLIST_NAME) -> Watchlist:
    """The user's first watchlist, creating an empty one named ``name`` if they have none."""
    _owner_lock(user.pk)
    first = Watchlist.objects.filter(owner=user).order_by("position", "id").first()
    return first if first is not None else watchlist_create(owner=user, name=name)


@transaction.atomic
def watchlist_rename(*, watchlist: Watchlist, name: str) -> Watchlist:
    name = _check("name", validation.name_clean, name)
    _watchlist_lock(watchlist)
    _name_taken(watchlist.owner_id, name, exclude_pk=watchlist.pk)
    watchlist.name = name
    _save_named(watchlist, update_fields=["name", "updated_at"])
    return watchlist


@transaction.atomic
def watchlist_delete(*, watchlist: Watchlist) -> None:
    """Deletes the list with its items and lots (nothing to do if it is gone already); the
    owner's other lists close the gap, so their positions stay 0, 1, 2 … as moves count."""
    _owner_lock(watchlist.owner_id)
    list(Watchlist.objects.select_for_update().filter(pk=watchlist.pk).values_list("pk"))
    watchlist.delete()
    _renumber(list(Watchlist.objects.filter(owner_id=watchlist.owner_id)), Watchlist)


@transaction.atomic
def watchlist_reorder(*, owner, watchlist_ids: Sequence[int]) -> None:
    """Put the owner's watchlists in this order; the ids must be exactly theirs."""
    _owner_lock(owner.pk)
    rows = {w.pk: w for w in Watchlist.objects.filter(owner=owner)}
    ids = [int(pk) for pk in watchlist_ids]
    if sorted(ids) != sorted(rows):
        message = "Give each of your watchlists exactly once."
        raise ValidationError({"watchlist_ids": [message]})
    _renumber([rows[pk] for pk in ids], Watchlist)


def _position_check(position: object) -> None:
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise ValidationError({"position": ["Enter a whole number, 0 or more."]})


@transaction.atomic
def watchlist_move(*, watchlist: Watchlist, position: int) -> Watchlist:
    """Move the list to ``position`` (0 = first; past the end = last) among its owner's."""
    _position_check(position)
    _owner_lock(watchlist.owner_id)
    rows = list(Watchlist.objects.filter(owner_id=watchlist.owner_id))
    _move(rows, watchlist.pk, position)
    _renumber(rows, Watchlist)
    watchlist.position = min(position, len(rows) - 1)
    return watchlist


@transaction.atomic
def watchlist_share_set(
    *,
    watchlist: Watchlist,
    is_public: bool,
    show_amounts: bool | None = None,
    rotate: bool = False,
) -> Watchlist:
    """Public: reachable at its share token (a new one when it was private, or with
    ``rotate``). Private: the token is cleared, so every old link stops working.
    ``show_amounts`` (None: unchanged) lets visitors see quantities, costs and values."""
    locked = _watchlist_lock(watchlist)
    if not is_public:
        watchlist.share_token = None
    elif rotate or not locked.is_public or not locked.share_token:
        watchlist.share_token = secrets.token_urlsafe(24)
    else:
        watchlist.share_token = locked.share_token
    watchlist.is_public = bool(is_public)
    if show_amounts is not None:
        watchlist.show_amounts = bool(show_amounts)
    watchlist.save(update_fields=["is_public", "share_token", "show_amounts", "updated_at"])
    return watchlist


@transaction.atomic
def watchlist_update(
    *,
    watchlist: Watchlist,
    name: str = UNSET,
    is_public: bool = UNSET,
    show_amounts: bool = UNSET,
    position: int = UNSET,
) -> Watchlist:
    """Several changes at once (an API PATCH): all of them, or none when one is refused."""
    if position is not UNSET:  # the owner's lock first, as watchlist_move and _delete take it
        _owner_lock(watchlist.owner_id)
    if name is not UNSET:
        watchlist_rename(watchlist=watchlist, name=name)
    if is_public is not UNSET or show_amounts is not UNSET:
        watchlist_share_set(
            watchlist=watchlist,
            is_public=watchlist.is_public if is_public is UNSET else is_public,
            show_amounts=None if show_amounts is UNSET else show_amounts,
        )
    if position is not UNSET:
        watchlist_move(watchlist=watchlist, position=position)
    return watchlist


# --- Items -----------------------------------------------------------------------------------


def _token_get(symbol: str) -> Token:
    """The token of this symbol, deactivated or not (the items that have one stay)."""
    symbol = _check("symbol", validation.symbol_clean, symbol)
    try:
        return Token.objects.get(symbol=symbol)
    except Token.DoesNotExist:
        raise _unknown_symbol(symbol) from None


def _unknown_symbol(symbol: str) -> ValidationError:
    return ValidationError({"symbol": [f"Unknown token symbol {symbol!r}."]})


def _lot_clean(lot: Mapping, prefix: str = "") -> dict:
    cleaned, errors = {}, {}
    checks = (
        ("quantity", validation.quantity_clean),
        ("cost_basis_usd", validation.cost_basis_clean),
        ("purchased_at", validation.purchase_date_clean),
    )
    for field, clean in checks:
        try:
            cleaned[field] = clean(lot.get(field))
        except ValueError as exc:
            errors[prefix + field] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lots_clean(lots: Iterable[Mapping], field: str = "lots") -> list[dict]:
    lots = list(lots)
    if len(lots) > MAX_LOTS_PER_ITEM:
        raise ValidationError({field: [f"At most {MAX_LOTS_PER_ITEM} lots per token."]})
    cleaned, errors = [], {}
    for index, lot in enumerate(lots):
        try:
            cleaned.append(_lot_clean(lot, prefix=f"{field}[{index}]."))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lots_create(
    item: WatchlistItem, lots: list[dict], *, existing: int, field: str = NON_FIELD_ERRORS
) -> list[Lot]:
    if existing + len(lots) > MAX_LOTS_PER_ITEM:
        message = f"{item.token.symbol} would have more than {MAX_LOTS_PER_ITEM} lots."
        raise ValidationError({field: [message]})
    return Lot.objects.bulk_create([Lot(item=item, **lot) for lot in lots])


@transaction.atomic
def watchlist_add_token(
    *, watchlist: Watchlist, symbol: str, note: str = "", lots: Iterable[Mapping] = ()
) -> WatchlistItem:
    """Add a token (symbol in any case) at the end of the list, with an optional note and lots
    (mappings with quantity, cost_basis_usd and optional purchased_at). Only an active token:
    a deactivated one is unknown, unless the list has it (then it is said to be there)."""
    token = _token_get(symbol)
    items = WatchlistItem.objects.filter(watchlist=watchlist)
    if not token.is_active and not items.filter(token=token).exists():
        raise _unknown_symbol(token.symbol)
    note = _check("note", validation.note_clean, note)
    lots = _lots_clean(lots)
    _watchlist_lock(watchlist)
    if items.filter(token=token).exists():
        raise ValidationError({"symbol": [f"{token.symbol} is already in this watchlist."]})
    if not token.is_active:  # its item was removed meanwhile
        raise _unknown_symbol(token.symbol)
    if items.count() >= MAX_ITEMS_PER_WATCHLIST:
        message = f"This watchlist already has {MAX_ITEMS_PER_WATCHLIST} tokens, the most allowed."
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    last = items.aggregate(last=Max("position"))["last"]
    item = WatchlistItem.objects.create(
        watchlist=watchlist, token=token, note=note, position=0 if last is None else last + 1
    )
    _lots_create(item, lots, existing=0)
    return item


@transaction.atomic
def watchlist_remove_token(*, watchlist: Watchlist, symbol: str) -> None:
    """Remove a token (and its lots) from the list; the other items close the gap."""
    token = _token_get(symbol)
    _watchlist_lock(watchlist)
    deleted, _ = WatchlistItem.objects.filter(watchlist=watchlist, token=token).delete()
    if not deleted:
        raise ValidationError({"symbol": [f"{token.symbol} is not in this watchlist."]})
    _renumber(list(WatchlistItem.objects.filter(watchlist=watchlist)), WatchlistItem)


@transaction.atomic
def item_reorder(*, watchlist: Watchlist, symbols: Sequence[str]) -> None:
    """Put the items in this order; the symbols (any case) must be exactly the list's."""
    _watchlist_lock(watchlist)
    items = {i.token.symbol: i for i in watchlist.items.select_related("token")}
    wanted = [symbol_lookup_key(symbol) for symbol in symbols]
    if sorted(wanted) != sorted(items):
        raise ValidationError({"symbols": ["Give each token of the watchlist exactly once."]})
    _renumber([items[symbol] for symbol in wanted], WatchlistItem)


@transaction.atomic
def item_move(*, item: WatchlistItem, position: int) -> WatchlistItem:
    """Move the item to ``position`` (0 = first; past the end = last) in its list."""
    _position_check(position)
    _watchlist_lock(item.watchlist)
    rows = list(WatchlistItem.objects.filter(watchlist_id=item.watchlist_id))
    _move(rows, item.pk, position)
    _renumber(rows, WatchlistItem)
    item.position = min(position, len(rows) - 1)
    return item


@transaction.atomic
def item_note_set(*, item: WatchlistItem, note: str) -> WatchlistItem:
    note = _check("note", validation.note_clean, note)
    # The list's lock first, as every other change takes it: writing the item's row before it
    # (then the lots' lock in item_update) deadlocked with a concurrent removal of the item.
    _watchlist_lock(item.watchlist)
    if not WatchlistItem.objects.filter(pk=item.pk).update(note=note):
        raise WatchlistItem.DoesNotExist(f"No item {item.pk}: removed meanwhile.")
    item.note = note
    return item


@transaction.atomic
def lot_add(
    *,
    item: WatchlistItem,
    quantity: Decimal | str,
    cost_basis_usd: Decimal | str,
    purchased_at: date | str | None = None,
    form_key: uuid.UUID | None = None,
) -> Lot:
    """Add a lot to the item's position (several lots per item are fine). With the
    ``form_key`` of a page form, a form sent again returns the lot it added the first time."""
    lot = _lot_clean(
        {"quantity": quantity, "cost_basis_usd": cost_basis_usd, "purchased_at": purchased_at}
    )
    _item_lock(item)  # a second sending waits here, then finds the first one's lot
    if form_key is not None and (sent := item.lots.filter(form_key=form_key).first()):
        return sent
    return _lots_create(item, [{**lot, "form_key": form_key}], existing=item.lots.count())[0]


@transaction.atomic
def lot_remove(*, item: WatchlistItem, lot_id: int) -> None:
    """Remove one lot of this item; Lot.DoesNotExist if the item has no such lot (or its list
    was deleted meanwhile). Takes the list's lock first, as every other write of the list."""
    try:
        _watchlist_lock(item.watchlist)
    except Watchlist.DoesNotExist:
        raise Lot.DoesNotExist(f"No lot {lot_id}: its list was deleted.") from None
    deleted, _ = Lot.objects.filter(item=item, pk=lot_id).delete()
    if not deleted:
        raise Lot.DoesNotExist(f"No lot {lot_id} in this position.")


IDEMPOTENCY_KEY_FIELD = "Idempotency-Key"
# Names the lots an API request added, from the client's key (see _sent_keys).
_SENT_LOTS = uuid.UUID("0b6f3c55-8a5e-4f59-9f47-3c1e2f8d7a10")


def _sent_keys(idempotency_key: str, count: int, rest: str) -> list[uuid.UUID]:
    """The form keys of the ``count`` lots a request with this key adds: the same request
    sent again finds them (Lot.form_key, unique per item, as the page's form key).

    The first half of each names the key and the lot's index (how a replay is found), the
    second the rest of the request (``rest``: its note and position), so that the same key
    with another note or position is told apart without a column of its own."""
    key = _check(IDEMPOTENCY_KEY_FIELD, validation.idempotency_key_clean, idempotency_key)
    tail = uuid.uuid5(_SENT_LOTS, f"rest\n{rest}").bytes[8:]
    return [
        uuid.UUID(bytes=uuid.uuid5(_SENT_LOTS, f"{key}\n{index}").bytes[:8] + tail)
        for index in range(count)
    ]


def _request_rest(note: str, position: int) -> str:
    """The note and position of a request as ``_sent_keys`` digests them (UNSET: not sent)."""
    return repr((None if note is UNSET else note, None if position is UNSET else position))


def _other_lots() -> ValidationError:
    message = "This idempotency key was already sent with other lots."
    return ValidationError({IDEMPOTENCY_KEY_FIELD: [message]})


def _lots_sent_before(item: WatchlistItem, lots: list[dict], keys: list[uuid.UUID]) -> bool:
    """Whether a request with these keys added its lots already (True: add nothing); the
    same key with other lots, or another note or position, is refused rather than taken for
    them. ``keys`` has one key more than ``lots``: the next lot's, found only when the first
    sending had more lots."""
    *keys, beyond = keys
    heads = {key.bytes[:8]: key for key in [*keys, beyond]}
    sent = {}
    for lot in item.lots.exclude(form_key=None):  # matched by head: the tail may differ
        if (key := heads.get(lot.form_key.bytes[:8])) is not None:
            sent[key] = lot
    if beyond in sent:  # fewer lots than the first sending: not the same request
        raise _other_lots()
    for key, lot in zip(keys, lots, strict=True):
        found = sent.get(key)
        if found is not None and (found.quantity, found.cost_basis_usd, found.purchased_at) != (
            lot["quantity"], lot["cost_basis_usd"], lot["purchased_at"],
        ):  # fmt: skip
            raise _other_lots()
    if sent and len(sent) < len(keys):  # more lots than the first sending, or some removed
        raise _other_lots()
    if any(lot.form_key != key for key, lot in sent.items()):
        message = "This idempotency key was already sent with another note or position."
        raise ValidationError({IDEMPOTENCY_KEY_FIELD: [message]})
    return bool(sent)


@transaction.atomic
def item_update(
    *,
    item: WatchlistItem,
    note: str = UNSET,
    position: int = UNSET,
    lots: Iterable[Mapping] | None = None,
    add_lots: Iterable[Mapping] | None = None,
    idempotency_key: str | None = None,
) -> WatchlistItem:
    """Several changes at once (an API PATCH): ``lots`` replaces every lot, ``add_lots`` adds
    to them; all or nothing. With the client's ``idempotency_key``, the same ``add_lots``
    sent again (a retry after a lost answer) changes nothing: its lots are there already."""
    if lots is not None and add_lots is not None:
        message = "Send lots (to replace them) or add_lots (to add some), not both."
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    replace = lots is not None
    new_lots = _lots_clean((lots if replace else add_lots) or (), "lots" if replace else "add_lots")
    keys = [None] * len(new_lots)  # replaced lots keep no key: sending them again is harmless
    if idempotency_key is not None:
        sent_keys = _sent_keys(idempotency_key, len(new_lots) + 1, _request_rest(note, position))
        if not replace and new_lots:
            _item_lock(item)  # a second sending waits here, then finds the first one's lots
            if _lots_sent_before(item, new_lots, sent_keys):
                return item
            keys = sent_keys[:-1]
    if note is not UNSET:
        item_note_set(item=item, note=note)
    if position is not UNSET:
        item_move(item=item, position=position)
    if replace or add_lots:
        _item_lock(item)
        if replace:
            item.lots.all().delete()
        keyed = [{**lot, "form_key": key} for lot, key in zip(new_lots, keys, strict=True)]
        _lots_create(item, keyed, existing=item.lots.count(), field="add_lots")
    return item


# --- CSV import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PositionsImportResult:
    rows: int
    items_created: int
    lots_added: int


@transaction.atomic
def positions_import_csv(*, watchlist: Watchlist, text: str) -> PositionsImportResult:
    """Add the lots of a positions CSV (csv_io.HEADER) to the list, creating items as needed.

    All or nothing: the first bad line raises PositionsCsvError ("Line N: reason", under the
    field ``file``) and nothing is saved. A non-empty note replaces the item's note. A
    deactivated token is unknown unless the list already has it (its item may take lots).
    """
    rows = csv_parse(text)
    _watchlist_lock(watchlist)
    tokens = {t.symbol: t for t in Token.objects.filter(symbol__in={r.symbol for r in rows})}
    items = {i.token_id: i for i in WatchlistItem.objects.filter(watchlist=watchlist)}
    lot_counts = dict(
        Lot.objects.filter(item__watchlist=watchlist)
        .values("item__token_id")
        .annotate(n=Count("pk"))
        .values_list("item__token_id", "n")
    )
    notes: dict[int, tuple[int, str]] = {}
    new_tokens: list[Token] = []
    for row in rows:
        token = tokens.get(row.symbol)
        if token is None or (not token.is_active and token.pk not in items):
            raise PositionsCsvError(row.line, f"unknown token symbol {row.symbol!r}.")
        if token.pk not in items and token not in new_tokens:
            if len(items) + len(new_tokens) >= MAX_ITEMS_PER_WATCHLIST:
                reason = f"the watchlist would have more than {MAX_ITEMS_PER_WATCHLIST} tokens."
                raise PositionsCsvError(row.line, reason)
            new_tokens.append(token)
        if row.note:
            first_line, first_note = notes.setdefault(token.pk, (row.line, row.note))
            if first_note != row.note:
                reason = f"note for {row.symbol} differs from the one on line {first_line}."
                raise PositionsCsvError(row.line, reason)
        if row.quantity is not None:
            lot_counts[token.pk] = lot_counts.get(token.pk, 0) + 1
            if lot_counts[token.pk] > MAX_LOTS_PER_ITEM:
                reason = f"{row.symbol} would have more than {MAX_LOTS_PER_ITEM} lots."
                raise PositionsCsvError(row.line, reason)
    last = max((i.position for i in items.values()), default=-1)
    created = WatchlistItem.objects.bulk_create(
        [
            WatchlistItem(watchlist=watchlist, token=token, position=last + 1 + n)
            for n, token in enumerate(new_tokens)
        ]
    )
    items.update({item.token_id: item for item in created})
    noted = []
    for token_id, (_, note) in notes.items():
        if items[token_id].note != note:
            items[token_id].note = note
            noted.append(items[token_id])
    WatchlistItem.objects.bulk_update(noted, ["note"])
    lots = Lot.objects.bulk_create(
        [
            Lot(
                item=items[tokens[row.symbol].pk],
                quantity=row.quantity,
                cost_basis_usd=row.cost_basis_usd,
                purchased_at=row.purchased_at,
            )
            for row in rows
            if row.quantity is not None
        ]
    )
    return PositionsImportResult(len(rows), len(created), len(lots))
