"""Watchlists a user owns, the tokens in them, and the lots (purchases) of each position.

User money (quantities, cost basis) is Decimal; the limits below are also database checks, so
no write path can store what the services refuse.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from markets.models import Token

NAME_MAX_LENGTH = 80
NOTE_MAX_LENGTH = 500
MAX_QUANTITY = Decimal("1e12")
MAX_COST_BASIS_USD = Decimal("1e9")
QUANTITY_DECIMAL_PLACES = 18
COST_DECIMAL_PLACES = 12


class Watchlist(models.Model):
    # No index of its own: watchlist_owner_position (owner, position) starts with the owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlists",
        db_index=False, verbose_name=_("owner"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order among the owner's lists")
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Readable by anyone with its link")
    )
    share_token = models.CharField(
        _("share token"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Secret part of the share link; cleared when the list is made private"),
    )
    show_amounts = models.BooleanField(
        _("amounts shown"),
        default=False,
        help_text=_("Visitors of the share link also see quantities and values"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="watchlist_name_unique_per_owner"),
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("name")), 0), name="watchlist_name_not_empty"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("name"), NAME_MAX_LENGTH),
                name="watchlist_name_max_length",
            ),
            models.CheckConstraint(
                condition=Q(is_public=True, share_token__isnull=False)
                | Q(is_public=False, share_token__isnull=True),
                name="watchlist_public_iff_share_token",
            ),
        ]
        indexes = [models.Index(fields=["owner", "position"], name="watchlist_owner_position")]

    def __str__(self) -> str:
        return self.name


class WatchlistItem(models.Model):
    watchlist = models.ForeignKey(
        Watchlist, on_delete=models.CASCADE, related_name="items", verbose_name=_("watchlist")
    )
    # PROTECT: deleting a token must not silently drop the positions people hold in it.
    token = models.ForeignKey(
        Token, on_delete=models.PROTECT, related_name="watchlist_items", verbose_name=_("token")
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order within the watchlist")
    )
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True, default="")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watched token")
        verbose_name_plural = _("watched tokens")
        ordering = ["position", "id"]
        constraints = [
            # Its index (watchlist, token) also serves "the items of a list".
            models.UniqueConstraint(fields=["watchlist", "token"], name="watchlist_token_unique"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH),
                name="watchlist_item_note_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.watchlist_id}:{self.token_id}"


class Lot(models.Model):
    """One purchase in a position: quantity at a cost per unit, optionally dated."""

    item = models.ForeignKey(
        WatchlistItem, on_delete=models.CASCADE, related_name="lots",
        verbose_name=_("watched token"),
    )  # fmt: skip
    quantity = models.DecimalField(
        _("quantity"), max_digits=31, decimal_places=QUANTITY_DECIMAL_PLACES
    )
    cost_basis_usd = models.DecimalField(
        _("cost per unit (USD)"), max_digits=22, decimal_places=COST_DECIMAL_PLACES
    )
    purchased_at = models.DateField(
        _("purchase date"),
        null=True,
        blank=True,
        help_text=_("In UTC; unknown: when the lot was added"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The one-time key of the page form that added it: sending that form again (a double
    # click without JavaScript, a reload) finds this lot instead of adding a second one.
    form_key = models.UUIDField(_("form key"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "form_key"], name="lot_form_key_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="lot_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity__lte=MAX_QUANTITY), name="lot_quantity_not_absurd"
            ),
            models.CheckConstraint(condition=Q(cost_basis_usd__gt=0), name="lot_cost_positive"),
            models.CheckConstraint(
                condition=Q(cost_basis_usd__lte=MAX_COST_BASIS_USD), name="lot_cost_not_absurd"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} @ {self.cost_basis_usd}"
