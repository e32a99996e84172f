"""The admin's forms for tokens and lists: the checks they add to the models' own."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from markets.models import Token, TokenList


class TokenForm(forms.ModelForm):
    class Meta:
        model = Token
        fields = ("symbol", "name", "name_fr", "coingecko_id", "asset_class", "stooq_symbol",
                  "is_active", "is_benchmark", "provider_ath_usd", "provider_ath_at")  # fmt: skip

    def clean_symbol(self):
        """Typed in any case; the model's validator then applies the rule (markets.symbols)."""
        return (self.cleaned_data.get("symbol") or "").strip().upper()


class MembershipFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Two members at one position would make the order arbitrary."""
        super().clean()
        seen: dict[int, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or data.get("position") is None:
                continue
            token = data.get("token")
            if data["position"] in seen:
                raise forms.ValidationError(
                    _("%(a)s and %(b)s have the same position %(position)d: give each member "
                      "its own position."),
                    params={"a": seen[data["position"]], "b": token, "position": data["position"]},
                )  # fmt: skip
            seen[data["position"]] = str(token)


class TokenListForm(forms.ModelForm):
    class Meta:
        model = TokenList
        fields = ("name", "name_fr", "slug", "description", "description_fr", "is_featured",
                  "is_public")  # fmt: skip

    def clean_is_featured(self):
        is_featured = self.cleaned_data.get("is_featured")
        if is_featured:
            others = TokenList.objects.filter(is_featured=True)
            if self.instance.pk is not None:
                others = others.exclude(pk=self.instance.pk)
            current = others.first()
            if current is not None:
                raise forms.ValidationError(
                    _(
                        "“%(name)s” is already the featured list. Only one list can be "
                        "featured: unfeature it first, or use the “Feature this list” action."
                    ),
                    code="featured_taken",
                    params={"name": current.name},
                )
        return is_featured

    def clean(self):
        """The dashboard shows the featured list: it cannot be unpublished (as in /curate/)."""
        cleaned = super().clean()
        if cleaned.get("is_featured") and cleaned.get("is_public") is False:
            self.add_error(
                "is_public",
                forms.ValidationError(
                    _(
                        "The featured list is the dashboard's: it must stay public. Feature "
                        "another list (or untick “Is featured”) before unpublishing this one."
                    ),
                    code="featured_public",
                ),
            )
        return cleaned
