"""allauth's adapter, adjusted: emails name the site ("aicrash"), not the host serving it."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site


@dataclass(frozen=True)
class NamedSite:
    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = get_current_site(allauth_context.request)
        named = NamedSite(name=settings.SITE_NAME, domain=site.domain)
        super().send_mail(template_prefix, email, {**context, "current_site": named})
