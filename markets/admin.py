"""Staff curation: tokens, lists and their members; read-only browsers for data and runs."""

from __future__ import annotations

import logging
from datetime import UTC

from celery.result import EagerResult
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from core.deletion import admin_deleted_objects
from core.templatetags.formatting import num, pct, usd
from markets import tasks
from markets.models import (
    FearGreedDaily,
    ListMetrics,
    PriceDayCloses,
    PriceHourly,
    RefreshRun,
    Snapshot,
    SnapshotCompact,
    SnapshotDaySummary,
    Token,
    TokenListMembership,
    TokenMetrics,
)
from markets.providers.catalogue import COIN_ID_RULE, coin_id_is_valid
from markets.services.memberships import lists_members_renumber
from markets.services.metrics import list_metrics_follow
from markets.services.recompute import RecomputeNotQueued, metrics_recompute_or_queue
from markets.signals import tokens_deleting

logger = logging.getLogger(__name__)

BACKFILL_DAYS = 90


def _usd(value) -> str:
    return "—" if value is None else usd(value)


def _usd_compact(value) -> str:
    return "—" if value is None else usd(value, "compact")


def _pct(value) -> str:
    return "—" if value is None else pct(value)


def _utc(value) -> str:
    return "—" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


class ReadOnlyAdminMixin:
    """View only: nobody adds, changes or deletes through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DerivedDataDeleteMixin:
    """Deleting a token or a list deletes what was fetched or computed for it (snapshots,
    metrics). Their admins are read-only (nobody deletes them one by one), which must not
    refuse the deletion of the token or list itself. Protected objects (a token still in
    someone's watchlist) still refuse it, and the confirmation page names them."""

    derived_models = (
        Snapshot, SnapshotCompact, SnapshotDaySummary, PriceHourly, PriceDayCloses,
        TokenMetrics, ListMetrics,
    )  # fmt: skip

    def get_deleted_objects(self, objs, request):
        # Counted, not listed row by row: a token's history is tens of thousands of rows.
        to_delete, counts, perms_needed, protected = admin_deleted_objects(
            objs, request, self.admin_site, counted=self.derived_models
        )
        skipped = {str(model._meta.verbose_name) for model in self.derived_models}
        # A protected object is never deleted here: lacking the right to delete it is not the
        # reason to give (the page lists the protected objects instead).
        skipped |= {
            str(rel.related_model._meta.verbose_name)
            for rel in self.model._meta.related_objects
            if protected and rel.on_delete is models.PROTECT
        }
        perms_needed = {name for name in perms_needed if str(name) not in skipped}
        return to_delete, counts, perms_needed, protected


# --- Tokens ---------------------------------------------------------------------------------


class TokenForm(forms.ModelForm):
    class Meta:
        model = Token
        fields = ("symbol", "name", "name_fr", "coingecko_id", "asset_class", "stooq_symbol",
                  "is_active", "is_benchmark", "provider_ath_usd", "provider_ath_at")  # fmt: skip

    def clean_symbol(self):
        """Typed in any case; the model's validator then applies the rule (markets.symbols)."""
        return (self.cleaned_data.get("symbol") or "").strip().upper()

    def clean_coingecko_id(self):
        """Lower case, as CoinGecko spells ids; anything else (a comma, a space) would go out
        in /coins/markets' comma-separated ids and never come back as this token's quote."""
        value = (self.cleaned_data.get("coingecko_id") or "").strip().lower()
        if value and not coin_id_is_valid(value):
            raise ValidationError(COIN_ID_RULE)
        return value


RECOMPUTE_QUEUED = _("A refresh or import is running: the metrics will be recomputed once it ends.")
RECOMPUTE_NOT_QUEUED = _(
    "A refresh or import is running and the task broker is unavailable "
    "(%(error)s): run compute_metrics once the refresh ends."
)


@admin.register(Token)
class TokenAdmin(DerivedDataDeleteMixin, admin.ModelAdmin):
    form = TokenForm
    list_display = (
        "symbol",
        "name",
        "coingecko_id",
        "asset_class",
        "is_active",
        "is_benchmark",
        "latest_price",
        "latest_as_of",
    )
    list_display_links = ("symbol",)
    list_editable = ("is_active", "is_benchmark")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            self._metrics_follow(request, [obj.pk])  # list totals follow who is active

    def _metrics_follow(self, request, ids: list[int]) -> None:
        """Recompute these tokens' metrics once the change is committed (the lease must not
        be taken inside the request's transaction), or queue it while a refresh runs."""

        def follow() -> None:
            try:
                if metrics_recompute_or_queue(token_ids=ids):
                    return
                level, text = messages.WARNING, RECOMPUTE_QUEUED
            except RecomputeNotQueued as exc:  # the change itself is saved: say what to do
                logger.exception("Could not queue recompute_metrics")
                level, text = messages.ERROR, RECOMPUTE_NOT_QUEUED % {"error": exc.__cause__}
            self.message_user(request, text, level)

        transaction.on_commit(follow)

    @staticmethod
    def _lists_of(tokens) -> list[int]:
        memberships = TokenListMembership.objects.filter(token__in=tokens)
        return sorted(set(memberships.values_list("token_list_id", flat=True)))

    @transaction.atomic  # with its record in the /curate/ history
    def delete_model(self, request, obj):
        list_ids = self._lists_of([obj])
        tokens_deleting.send(sender=Token, actor=request.user,
                             tokens=Token.objects.filter(pk=obj.pk))  # fmt: skip
        super().delete_model(request, obj)
        lists_members_renumber(list_ids=list_ids)  # no gap where the member was
        list_metrics_follow(list_ids=list_ids)  # the lists lost a member

    @transaction.atomic  # the bulk action runs outside any transaction of the admin's
    def delete_queryset(self, request, queryset):
        list_ids = self._lists_of(queryset)
        tokens_deleting.send(sender=Token, actor=request.user, tokens=queryset)
        super().delete_queryset(request, queryset)
        lists_members_renumber(list_ids=list_ids)
        list_metrics_follow(list_ids=list_ids)

    list_filter = ("is_active", "is_benchmark", "asset_class")
    list_select_related = ("metrics",)
    search_fields = ("symbol", "name", "coingecko_id", "stooq_symbol")
    ordering = ("symbol",)
    readonly_fields = ("created_at",)
    actions = (
        "activate",
        "deactivate",
        "mark_benchmark",
        "unmark_benchmark",
        "refresh_prices_now",
        "backfill_90_days",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("metrics")

    @staticmethod
    def _metrics(obj: Token) -> TokenMetrics | None:
        try:
            return obj.metrics
        except ObjectDoesNotExist:
            return None

    @admin.display(description=_("Price"), ordering="metrics__price_usd")
    def latest_price(self, obj: Token) -> str:
        metrics = self._metrics(obj)
        return _usd(None if metrics is None else metrics.price_usd)

    @admin.display(description=_("As of"), ordering="metrics__as_of")
    def latest_as_of(self, obj: Token) -> str:
        metrics = self._metrics(obj)
        return _utc(None if metrics is None else metrics.as_of)

    def _update(self, request, queryset, done, **values) -> None:
        """Apply ``values`` to the selected tokens; ``done`` is the plural-aware message."""
        ids = list(queryset.values_list("pk", flat=True))
        count = queryset.update(**values)
        if "is_active" in values:
            self._metrics_follow(request, ids)  # list totals follow who is active
        self.message_user(
            request,
            done % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Activate selected tokens"), permissions=["change"])
    def activate(self, request, queryset):
        self._update(
            request,
            queryset,
            ngettext_lazy("%(count)d token activated.", "%(count)d tokens activated.", "count"),
            is_active=True,
        )

    @admin.action(description=_("Deactivate selected tokens"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._update(
            request,
            queryset,
            ngettext_lazy("%(count)d token deactivated.", "%(count)d tokens deactivated.", "count"),
            is_active=False,
        )

    @admin.action(description=_("Mark selected tokens as benchmark"), permissions=["change"])
    def mark_benchmark(self, request, queryset):
        self._update(
            request,
            queryset,
            ngettext_lazy(
                "%(count)d token marked as benchmark.",
                "%(count)d tokens marked as benchmark.",
                "count",
            ),
            is_benchmark=True,
        )

    @admin.action(description=_("Unmark selected tokens as benchmark"), permissions=["change"])
    def unmark_benchmark(self, request, queryset):
        self._update(
            request,
            queryset,
            ngettext_lazy(
                "%(count)d token is no longer a benchmark.",
                "%(count)d tokens are no longer benchmarks.",
                "count",
            ),
            is_benchmark=False,
        )

    @admin.action(description=_("Refresh prices now (all active tokens)"), permissions=["change"])
    def refresh_prices_now(self, request, queryset):
        try:
            result = tasks.refresh_prices.delay()
        except Exception as exc:
            logger.exception("Could not queue refresh_prices")
            self.message_user(
                request,
                gettext("Could not queue the refresh: the task broker is unavailable (%(error)s).")
                % {"error": exc},
                messages.ERROR,
            )
            return
        message = gettext("Refresh queued (task id %(id)s).") % {"id": result.id}
        if isinstance(result, EagerResult):
            # Eager mode ran the task inline: the outcome is already known.
            if result.successful():
                message = gettext("Refresh queued (task id %(id)s) and ran: %(result)s.") % {
                    "id": result.id,
                    "result": result.result,
                }
            else:
                self.message_user(
                    request,
                    gettext("Refresh queued (task id %(id)s) but failed: %(error)r.")
                    % {"id": result.id, "error": result.result},
                    messages.ERROR,
                )
                return
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Backfill 90 days"), permissions=["change"])
    def backfill_90_days(self, request, queryset):
        queued: list[str] = []
        failed: list[str] = []
        error: Exception | None = None
        for symbol, asset_class in queryset.order_by("symbol").values_list("symbol", "asset_class"):
            try:
                if asset_class == Token.AssetClass.EQUITY:  # daily closes come from Stooq
                    tasks.backfill_equities.delay(BACKFILL_DAYS, [symbol])
                else:
                    tasks.backfill_token.delay(symbol, BACKFILL_DAYS)
            except Exception as exc:
                logger.exception("Could not queue backfill_token(%s)", symbol)
                failed.append(symbol)
                error = exc
            else:
                queued.append(symbol)
        if queued:
            self.message_user(
                request,
                gettext("Backfill of %(days)d days queued for %(symbols)s.")
                % {"days": BACKFILL_DAYS, "symbols": ", ".join(queued)},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                gettext(
                    "Could not queue the backfill of %(symbols)s: the task broker is"
                    " unavailable (%(error)s)."
                )
                % {"symbols": ", ".join(failed), "error": error},
                messages.ERROR,
            )


# --- Data browsers --------------------------------------------------------------------------


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("token", "time", "source", "price", "market_cap", "volume_24h")
    # Every token, from the token table: "only tokens with snapshots" scanned the snapshots.
    list_filter = ("source", "token")
    list_select_related = ("token",)
    date_hierarchy = "ts"
    raw_id_fields = ("token",)
    show_full_result_count = False
    # Primary key order stays an index scan on large tables; the ts column is sortable.
    ordering = ("-pk",)

    @staticmethod
    def _one_token(request) -> bool:
        return bool(request.GET.get("token__id__exact"))

    def get_ordering(self, request):
        # One token's rows newest first, along its (token, ts) index; -pk walked the whole
        # primary key index past every other token's rows to fill the page.
        return ("-ts",) if self._one_token(request) else self.ordering

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self._one_token(request):
            # The drill-down reads the distinct years (months, days) of the rows listed:
            # over one token, an index range; over the whole table, a scan of every row.
            changelist.date_hierarchy = None
        return changelist

    @admin.display(description=_("Time"), ordering="ts")
    def time(self, obj: Snapshot) -> str:
        return _utc(obj.ts)

    @admin.display(description=_("Price"), ordering="price_usd")
    def price(self, obj: Snapshot) -> str:
        return _usd(obj.price_usd)

    @admin.display(description=_("Market cap"), ordering="market_cap_usd")
    def market_cap(self, obj: Snapshot) -> str:
        return _usd_compact(obj.market_cap_usd)

    @admin.display(description=_("Volume 24h"), ordering="volume_24h_usd")
    def volume_24h(self, obj: Snapshot) -> str:
        return _usd_compact(obj.volume_24h_usd)


@admin.register(RefreshRun)
class RefreshRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "kind",
        "provider",
        "status",
        "quotes_stored",
        "quotes_rejected",
        "duration",
        "short_error",
    )
    list_filter = ("status", "kind", "provider")
    date_hierarchy = "started_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("Duration"))
    def duration(self, obj: RefreshRun) -> str | None:
        if obj.finished_at is None or obj.started_at is None:
            return None
        seconds = (obj.finished_at - obj.started_at).total_seconds()
        return f"{num(seconds, 1)}\u00a0s"  # "12,5 s" in French, as the pages write numbers

    @admin.display(description=_("Error"))
    def short_error(self, obj: RefreshRun) -> str:
        return Truncator(obj.error).chars(80)


@admin.register(TokenMetrics)
class TokenMetricsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "token",
        "as_of_utc",
        "price",
        "market_cap",
        "change_24h_pct",
        "change_7d_pct",
        "from_ath",
        "computed_at",
    )
    list_select_related = ("token",)
    search_fields = ("token__symbol", "token__name")
    ordering = ("token__symbol",)

    @admin.display(description=_("As of"), ordering="as_of")
    def as_of_utc(self, obj: TokenMetrics) -> str:
        return _utc(obj.as_of)

    @admin.display(description=_("Price"), ordering="price_usd")
    def price(self, obj: TokenMetrics) -> str:
        return _usd(obj.price_usd)

    @admin.display(description=_("Market cap"), ordering="market_cap_usd")
    def market_cap(self, obj: TokenMetrics) -> str:
        return _usd_compact(obj.market_cap_usd)

    @admin.display(description=_("24h"), ordering="change_24h")
    def change_24h_pct(self, obj: TokenMetrics) -> str:
        return _pct(obj.change_24h)

    @admin.display(description=_("7d"), ordering="change_7d")
    def change_7d_pct(self, obj: TokenMetrics) -> str:
        return _pct(obj.change_7d)

    @admin.display(description=_("From ATH"), ordering="drawdown_from_ath")
    def from_ath(self, obj: TokenMetrics) -> str:
        return _pct(obj.drawdown_from_ath)


@admin.register(ListMetrics)
class ListMetricsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "token_list",
        "as_of_utc",
        "total_cap",
        "cap_24h",
        "cap_7d",
        "members_count",
        "members_down_20_from_ath",
        "computed_at",
    )
    list_select_related = ("token_list",)
    exclude = ("cap_series",)
    ordering = ("token_list__name",)

    @admin.display(description=_("As of"), ordering="as_of")
    def as_of_utc(self, obj: ListMetrics) -> str:
        return _utc(obj.as_of)

    @admin.display(description=_("Total market cap"), ordering="total_market_cap_usd")
    def total_cap(self, obj: ListMetrics) -> str:
        return _usd_compact(obj.total_market_cap_usd)

    @admin.display(description=_("Cap 24h"), ordering="cap_change_24h")
    def cap_24h(self, obj: ListMetrics) -> str:
        return _pct(obj.cap_change_24h)

    @admin.display(description=_("Cap 7d"), ordering="cap_change_7d")
    def cap_7d(self, obj: ListMetrics) -> str:
        return _pct(obj.cap_change_7d)


@admin.register(FearGreedDaily)
class FearGreedDailyAdmin(admin.ModelAdmin):
    list_display = ("day", "value", "classification", "source", "fetched_at")
    list_filter = ("source", "classification")
    date_hierarchy = "day"
    ordering = ("-day",)
