"""allauth's adapter, adjusted: emails name the site ("aicrash"), not the host serving it, and
new accounts get a pseudonymous username rather than their email's local part."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_username
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from accounts.services import username_pseudonym_generate


@dataclass(frozen=True)
class NamedSite:
    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = get_current_site(allauth_context.request)
        named = NamedSite(name=settings.SITE_NAME, domain=site.domain)
        super().send_mail(template_prefix, email, {**context, "current_site": named})

    def populate_username(self, request, user) -> None:
        """``member-`` and 8 random characters: allauth's default is the email's local part,
        which the username would then show to everyone (``public_name``)."""
        if not user_username(user):
            user_username(user, username_pseudonym_generate())
