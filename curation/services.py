"""Every curation write: lists, their members and order, tokens from the catalogue.

Each service runs in one transaction, records a CurationChange (who, when, what), recomputes
the metrics of the lists it changed and makes cached pages stale, so the pages show the new
membership, order, names and publication at once.
Errors are ValidationError with a message for people; nothing is half-written.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.cache import data_version_bump
from core.text import LAYOUT_CHARACTERS, text_characters_refuse
from curation.models import LIST_FIELD_LABELS, CurationChange, TokenAddJob
from markets.models import Token, TokenList, TokenListMembership
from markets.providers.catalogue import COIN_ID_RULE, CatalogueEntry, coin_id_is_valid
from markets.services.memberships import lists_members_renumber
from markets.services.metrics import list_metrics_follow
from markets.symbols import SYMBOL_RULE, symbol_is_valid, symbol_lookup_key

logger = logging.getLogger(__name__)
Action = CurationChange.Action
MAX_MEMBERS = 500
BACKFILL_DAYS = 90


def _record(actor, action: str, *, token_list=None, token=None, detail: str = "") -> None:
    """Record the change; once it commits, cached pages (anonymous copies, and the list rows
    every visitor shares) go stale: a reorder, a rename or a publication shows at once.
    The list's names are kept as text: the history still names it once it is deleted."""
    names = (token_list.name, token_list.name_fr) if token_list is not None else ("", "")
    CurationChange.objects.create(
        actor=actor, action=action, token_list=token_list, token=token, detail=detail[:300],
        subject=names[0][:200], subject_fr=names[1][:200],
    )  # fmt: skip
    transaction.on_commit(data_version_bump, robust=True)


def _deletions_record(actor, action: str, subjects: list[tuple[str, str]]) -> None:
    """One entry per deleted object, named as text (English, French), in one INSERT."""
    CurationChange.objects.bulk_create(
        CurationChange(actor=actor, action=action, subject=english[:200], subject_fr=french[:200])
        for english, french in subjects
    )
    if subjects:
        transaction.on_commit(data_version_bump, robust=True)


def lists_deletion_record(*, actor, token_lists: QuerySet[TokenList]) -> None:
    """Record that ``actor`` deletes these lists (call it in the deletion's transaction, before
    it): "AI tokens (ai)", with the French name if it has one."""
    rows = token_lists.order_by("pk").values_list("name", "name_fr", "slug")
    _deletions_record(actor, Action.LIST_DELETED, [
        (f"{name} ({slug})", f"{name_fr} ({slug})" if name_fr else "")
        for name, name_fr, slug in rows
    ])  # fmt: skip


def tokens_deletion_record(*, actor, tokens: QuerySet[Token]) -> None:
    """Record that ``actor`` deletes these tokens (in the deletion's transaction, before it):
    "TAO (Bittensor)", with the French name if it has one."""
    rows = tokens.order_by("pk").values_list("symbol", "name", "name_fr")
    _deletions_record(actor, Action.TOKEN_DELETED, [
        (f"{symbol} ({name})", f"{symbol} ({name_fr})" if name_fr else "")
        for symbol, name, name_fr in rows
    ])  # fmt: skip


def text_clean(
    value: object, *, field: str, max_length: int, required: bool, multiline=False
) -> str:
    text = str(value if value is not None else "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    try:
        text_characters_refuse(text, allowed=LAYOUT_CHARACTERS if multiline else frozenset())
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from None
    return text


def _list_fields(data: dict) -> dict:
    return {
        "name": text_clean(data.get("name"), field="name", max_length=100, required=True),
        "name_fr": text_clean(data.get("name_fr"), field="name_fr", max_length=100, required=False),
        "description": text_clean(data.get("description"), field="description", max_length=2000,
                             required=False, multiline=True),
        "description_fr": text_clean(data.get("description_fr"), field="description_fr",
                                max_length=2000, required=False, multiline=True),
    }  # fmt: skip


def _metrics_follow(token_list: TokenList) -> None:
    """List metrics depend on who is in the list: recompute them once the change commits."""
    list_metrics_follow(list_ids=[token_list.pk])


@transaction.atomic
def list_create(*, actor, slug: str, data: dict, is_public: bool = False) -> TokenList:
    fields = _list_fields(data)
    slug = slugify(str(slug or fields["name"]))[:50]
    if not slug:
        raise ValidationError({"slug": _("Enter a short name made of letters, digits or -.")})
    taken = ValidationError({"slug": _("A list with this short name already exists.")})
    if TokenList.objects.filter(slug__iexact=slug).exists():  # the admin's, in capitals too
        raise taken
    try:
        with transaction.atomic():
            token_list = TokenList.objects.create(slug=slug, is_public=is_public, **fields)
    except IntegrityError:  # the same slug created meanwhile, by another request
        raise taken from None
    _record(actor, Action.LIST_CREATED, token_list=token_list, detail=token_list.name)
    return token_list


class ListEditConflict(ValidationError):
    """A field this form changed was changed meanwhile by someone else. ``merged`` is the
    form to show again: what this form changed, and the stored values elsewhere."""

    def __init__(self, message: str, *, merged: dict):
        super().__init__(message)
        self.merged = merged


def _same(a: object, b: object) -> bool:
    """Browsers send line breaks back as CRLF: not a change."""
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()
    return a == b


def _edits_merge(token_list: TokenList, wanted: dict, seen: dict) -> dict:
    """What to store when the form showed ``seen``: the fields it changed, the stored values
    of the others (someone else may have changed them since the form was opened)."""
    mine = [name for name in wanted if not _same(wanted[name], seen.get(name))]
    stored = {name: getattr(token_list, name) for name in wanted}
    clashes = [name for name in mine if not _same(stored[name], seen.get(name))
               and not _same(stored[name], wanted[name])]  # fmt: skip
    merged = {name: wanted[name] if name in mine else stored[name] for name in wanted}
    if clashes:
        message = _("Someone else changed this list meanwhile (%(fields)s): the form shows "
                    "your changes over their version; check them and save again.")  # fmt: skip
        fields = ", ".join(str(LIST_FIELD_LABELS[n]) for n in clashes)
        raise ListEditConflict(message % {"fields": fields}, merged=merged)
    return merged


@transaction.atomic
def list_update(
    *, actor, token_list: TokenList, data: dict, is_public: bool, seen: dict | None = None
) -> TokenList:
    """Write the list's names, descriptions and publication. ``seen``, the values the form
    showed (same keys, is_public included): only what differs from them is written, so a
    form opened before another staff member's save does not undo it (ListEditConflict
    when both changed one field)."""
    token_list = TokenList.objects.select_for_update().get(pk=token_list.pk)
    fields = _list_fields(data)
    if seen is not None:
        merged = _edits_merge(token_list, {**fields, "is_public": is_public}, seen)
        is_public = merged.pop("is_public")
        fields = merged
    changed = [name for name, value in fields.items() if getattr(token_list, name) != value]
    if token_list.is_public != is_public:
        changed.append("is_public")
    if is_public is False and token_list.is_featured:
        raise ValidationError({"is_public": _("The dashboard's list must stay published.")})
    if not changed:
        return token_list
    for name, value in fields.items():
        setattr(token_list, name, value)
    token_list.is_public = is_public
    token_list.save(update_fields=changed)
    _record(actor, Action.LIST_UPDATED, token_list=token_list, detail=", ".join(changed))
    return token_list


@transaction.atomic
def list_feature(*, actor, token_list: TokenList) -> TokenList:
    """Put this list on the dashboard (and take the previous one off); it gets published.
    Every list is locked first (they are few): a second staff member featuring another list
    at the same moment waits, then takes the dashboard from the first one's list."""
    list(TokenList.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    token_list.refresh_from_db(fields=["is_featured", "is_public"])
    if token_list.is_featured:  # already (a stale page, or another staff member's click)
        return token_list
    TokenList.objects.filter(is_featured=True).exclude(pk=token_list.pk).update(is_featured=False)
    token_list.is_featured, token_list.is_public = True, True
    token_list.save(update_fields=["is_featured", "is_public"])
    _record(actor, Action.LIST_FEATURED, token_list=token_list)
    return token_list


def _locked_members(token_list: TokenList) -> list[TokenListMembership]:
    TokenList.objects.select_for_update().get(pk=token_list.pk)  # one writer per list
    return list(
        TokenListMembership.objects.filter(token_list=token_list)
        .select_related("token")
        .order_by("position", "id")
    )


def _positions_write(members: list[TokenListMembership]) -> None:
    for position, member in enumerate(members):
        member.position = position
    TokenListMembership.objects.bulk_update(members, ["position"])


def members_renumber(*, token_list: TokenList) -> None:
    """Number the members 0, 1, 2... in their current order (after the admin's form, where
    staff delete rows and type any positions): no gap, as /curate/ and the API show them."""
    lists_members_renumber(list_ids=[token_list.pk])


@transaction.atomic
def member_add(*, actor, token_list: TokenList, token: Token) -> TokenListMembership:
    members = _locked_members(token_list)
    if any(m.token_id == token.pk for m in members):
        raise ValidationError({"symbol": _("%(symbol)s is already in this list.")
                               % {"symbol": token.symbol}})  # fmt: skip
    if len(members) >= MAX_MEMBERS:
        raise ValidationError({"symbol": _("A list holds at most %(n)d tokens.")
                               % {"n": MAX_MEMBERS}})  # fmt: skip
    position = (members[-1].position + 1) if members else 0
    member = TokenListMembership.objects.create(token_list=token_list, token=token,
                                                position=position)  # fmt: skip
    _record(actor, Action.MEMBER_ADDED, token_list=token_list, token=token, detail=token.symbol)
    _metrics_follow(token_list)
    return member


@transaction.atomic
def member_remove(*, actor, token_list: TokenList, token: Token) -> None:
    members = _locked_members(token_list)
    gone = [m for m in members if m.token_id == token.pk]
    if not gone:
        raise ValidationError({"symbol": _("%(symbol)s is not in this list.")
                               % {"symbol": token.symbol}})  # fmt: skip
    gone[0].delete()
    _positions_write([m for m in members if m.token_id != token.pk])
    _record(actor, Action.MEMBER_REMOVED, token_list=token_list, token=token,
            detail=token.symbol)  # fmt: skip
    _metrics_follow(token_list)


@transaction.atomic
def members_reorder(*, actor, token_list: TokenList, symbols: list[str]) -> None:
    """Put the members in this order: ``symbols`` must name each member exactly once."""
    members = _locked_members(token_list)
    by_symbol = {m.token.symbol: m for m in members}
    wanted = [symbol_lookup_key(s) for s in symbols]
    if sorted(wanted) != sorted(by_symbol) or len(set(wanted)) != len(wanted):
        raise ValidationError({"order": _("The order must name every member once; reload the "
                                          "page, the list changed meanwhile.")})  # fmt: skip
    if wanted == [m.token.symbol for m in members]:
        return
    _positions_write([by_symbol[s] for s in wanted])
    _record(actor, Action.MEMBERS_REORDERED, token_list=token_list, detail=" ".join(wanted))


def member_move(*, actor, token_list: TokenList, symbol: str, offset: int) -> None:
    """Move one member up (-1) or down (+1): the keyboard alternative to dragging."""
    with transaction.atomic():
        order = [m.token.symbol for m in _locked_members(token_list)]
        symbol = symbol_lookup_key(symbol)
        if symbol not in order:
            raise ValidationError({"symbol": _("%(symbol)s is not in this list.")
                                   % {"symbol": symbol}})  # fmt: skip
        i = order.index(symbol)
        j = min(max(i + offset, 0), len(order) - 1)
        order.insert(j, order.pop(i))
        members_reorder(actor=actor, token_list=token_list, symbols=order)


# Fields of a list whose change the history names (the admin's form has is_featured too).
_RECORDED_FIELDS = ("name", "name_fr", "slug", "description", "description_fr", "is_public",
                    "is_featured")  # fmt: skip


def list_members_tokens(*, token_list: TokenList) -> list[Token]:
    """The list's member tokens in order (what list_admin_save_record compares)."""
    members = TokenListMembership.objects.filter(token_list=token_list).select_related("token")
    return [m.token for m in members.order_by("position", "id")]


@transaction.atomic
def list_admin_save_record(
    *, actor, token_list: TokenList, created: bool, changed_fields: list[str],
    members_before: list[Token],
) -> None:  # fmt: skip
    """Record a save of the admin's list form (once its members are saved) as the /curate/
    pages record the same changes: the list created or its fields edited, put on the
    dashboard, each member added or removed, the members reordered. Like them, it makes
    cached pages stale."""
    if created:
        _record(actor, Action.LIST_CREATED, token_list=token_list, detail=token_list.name)
    featured = "is_featured" in changed_fields and token_list.is_featured
    edited = [name for name in changed_fields if name in _RECORDED_FIELDS
              and not (featured and name == "is_featured")]  # fmt: skip
    if edited and not created:
        _record(actor, Action.LIST_UPDATED, token_list=token_list, detail=", ".join(edited))
    if featured:
        _record(actor, Action.LIST_FEATURED, token_list=token_list)
    after = list_members_tokens(token_list=token_list)
    before_ids, after_ids = [t.pk for t in members_before], [t.pk for t in after]
    for token in after:
        if token.pk not in before_ids:
            _record(actor, Action.MEMBER_ADDED, token_list=token_list, token=token,
                    detail=token.symbol)  # fmt: skip
    for token in members_before:
        if token.pk not in after_ids:
            _record(actor, Action.MEMBER_REMOVED, token_list=token_list, token=token,
                    detail=token.symbol)  # fmt: skip
    kept = set(before_ids) & set(after_ids)
    if [pk for pk in before_ids if pk in kept] != [pk for pk in after_ids if pk in kept]:
        _record(actor, Action.MEMBERS_REORDERED, token_list=token_list,
                detail=" ".join(t.symbol for t in after))  # fmt: skip


# --- Tokens from the catalogue --------------------------------------------------------------


def _token_for(entry: CatalogueEntry) -> tuple[Token, bool]:
    if not coin_id_is_valid(entry.coingecko_id):  # as the admin's token form refuses it
        raise ValidationError({"coingecko_id": str(COIN_ID_RULE)})
    existing = Token.objects.filter(coingecko_id=entry.coingecko_id).first()
    if existing is not None:
        return existing, False
    if not symbol_is_valid(entry.symbol):
        message = _(
            "The provider's symbol “%(symbol)s” cannot be a token symbol here. %(rule)s Create "
            "the token in the admin under another symbol, with the CoinGecko id %(id)s, then "
            "add it."
        )
        params = {"symbol": entry.symbol[:40], "rule": SYMBOL_RULE, "id": entry.coingecko_id}
        raise ValidationError({"symbol": message % params})
    if Token.objects.filter(symbol=entry.symbol).exists():
        raise ValidationError({"symbol": _(
            "Another token already uses the symbol %(symbol)s: edit it in the admin first."
        ) % {"symbol": entry.symbol}})  # fmt: skip
    try:
        with transaction.atomic():
            return Token.objects.create(symbol=entry.symbol, name=entry.name,
                                        coingecko_id=entry.coingecko_id), True  # fmt: skip
    except IntegrityError:  # added by someone else meanwhile
        return Token.objects.get(coingecko_id=entry.coingecko_id), False


@transaction.atomic
def token_add_from_catalogue(*, actor, token_list: TokenList, entry: CatalogueEntry
                             ) -> TokenAddJob:  # fmt: skip
    """Create the token (or find it by its CoinGecko id), add it to the list and queue the
    backfill of its history; returns the job whose progress the page shows."""
    token, created = _token_for(entry)
    if created:
        _record(actor, Action.TOKEN_CREATED, token_list=token_list, token=token,
                detail=f"{entry.symbol} ({entry.coingecko_id})")  # fmt: skip
    member_add(actor=actor, token_list=token_list, token=token)
    return _job_queue(TokenAddJob.objects.create(token=token, token_list=token_list,
                                                 requested_by=actor))  # fmt: skip


@transaction.atomic
def job_retry(*, actor, job: TokenAddJob) -> TokenAddJob:
    job = TokenAddJob.objects.select_for_update().get(pk=job.pk)
    if job.status != TokenAddJob.Status.FAILED:
        raise ValidationError(_("Only a failed backfill can be retried."))
    job.status, job.progress, job.message = TokenAddJob.Status.QUEUED, 0, ""
    job.save(update_fields=["status", "progress", "message", "updated_at"])
    _record(actor, Action.BACKFILL_RETRIED, token_list=job.token_list, token=job.token)
    return _job_queue(job)


def _job_queue(job: TokenAddJob) -> TokenAddJob:
    transaction.on_commit(lambda: _job_send(job.pk))
    return job


def _job_send(job_id: int) -> None:
    """Hand the backfill to the workers; a broker that cannot take it fails the job with the
    reason (and its Retry button) instead of leaving it "queued" for ever."""
    from curation.tasks import token_add_backfill

    try:
        token_add_backfill.delay(job_id)
    except Exception as exc:
        logger.exception("Could not queue the backfill of job %s", job_id)
        message = _("The backfill could not be queued: the task broker is unavailable "
                    "(%(error)s).") % {"error": exc}  # fmt: skip
        TokenAddJob.objects.filter(pk=job_id, status=TokenAddJob.Status.QUEUED).update(
            status=TokenAddJob.Status.FAILED, progress=100, message=message[:300]
        )


def _job_set(job: TokenAddJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])


def job_run(*, job_id: int, days: int = BACKFILL_DAYS) -> TokenAddJob | None:
    """Run a queued backfill: fetch, store, recompute, reporting progress on the job row.
    A job that is not queued (already run, or running elsewhere) is left alone. Whatever
    stops the backfill, the job ends failed with the reason, never left "running"."""
    from markets.providers.base import ProviderError
    from markets.services.locks import LeaseBusy
    from markets.services.refresh import token_backfill

    claimed = TokenAddJob.objects.filter(pk=job_id, status=TokenAddJob.Status.QUEUED).update(
        status=TokenAddJob.Status.RUNNING, progress=10
    )
    if not claimed:
        return None
    job = TokenAddJob.objects.select_related("token").get(pk=job_id)
    try:
        run = token_backfill(symbol=job.token.symbol, days=days)
    except (ProviderError, LeaseBusy, ValueError) as exc:
        _job_set(job, status=TokenAddJob.Status.FAILED, progress=100, message=str(exc)[:300])
        return job
    except Exception as exc:  # a bug or a database error: shown, retryable, and re-raised
        message = f"{type(exc).__name__}: {exc}"[:300]
        _job_set(job, status=TokenAddJob.Status.FAILED, progress=100, message=message)
        raise
    failed = run.status == run.Status.FAILED
    _job_set(
        job, run=run, progress=100,
        status=TokenAddJob.Status.FAILED if failed else TokenAddJob.Status.DONE,
        message=(run.error or "")[:300] if failed else _("%(n)d prices stored.")
        % {"n": run.quotes_stored},
    )  # fmt: skip
    return job
