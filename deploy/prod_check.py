"""Request every page, htmx partial and API route of a running production stack.

Run by deploy/prod_check.sh (``make prod-check``) with the stack's own environment, so it
can read the URL resolver and the database. Routes come from the URL resolver (pages) and the
OpenAPI schema (API); path parameters are filled from a user made here (their watchlist,
item, lot and share link) and the demo data. Each GET goes out anonymous and signed in,
pages also as htmx requests. Any 5xx, or a connection failure, fails the check.

Cookies are kept by hand: production cookies are ``Secure`` and this runs over plain HTTP
on the loopback.
"""

from __future__ import annotations

import os
import re
import sys
from decimal import Decimal
from http.cookies import SimpleCookie

import django
import httpx

BASE = os.environ.get("PROD_CHECK_URL", "http://127.0.0.1:8765")
PASSWORD = "prod-check-Passw0rd-42"
EMAIL = "prodcheck@example.org"
SKIPPED_PAGE_PREFIXES = ("i18n/setlang/",)  # POST only


class Session:
    def __init__(self) -> None:
        self.client = httpx.Client(base_url=BASE, timeout=30, follow_redirects=False)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.client.request(method, url, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response


def fixtures() -> dict:
    """A verified user with a watchlist holding TAO (one lot), shared publicly."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from watchlists import services

    user, _ = User.objects.get_or_create(username="prodcheck", defaults={"email": EMAIL})
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=EMAIL, defaults={"primary": True, "verified": True}
    )
    user.watchlists.all().delete()
    watchlist = services.watchlist_create(owner=user, name="Prod check")
    item = services.watchlist_add_token(watchlist=watchlist, symbol="TAO")
    lot = services.lot_add(item=item, quantity=Decimal("2"), cost_basis_usd=Decimal("300"))
    watchlist = services.watchlist_share_set(watchlist=watchlist, is_public=True)
    return {
        "pk": watchlist.pk,
        "id": watchlist.pk,
        "share_token": watchlist.share_token,
        "lot_id": lot.pk,
        "symbol": "TAO",
        "slug": "ai",
    }


def page_routes(values: dict) -> list[str]:
    from django.conf import settings
    from django.urls import URLPattern, URLResolver, get_resolver

    routes: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith((settings.ADMIN_URL, "api/")):
                    continue  # the admin is Django's; the API comes from the schema
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    urls = []
    for route in routes:
        if route.startswith(SKIPPED_PAGE_PREFIXES) or route.startswith("^"):
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "x")), route)
        urls.append("/" + url)
    urls.append("/" + settings.ADMIN_URL)
    return sorted(set(urls))


def api_routes(session: Session, values: dict) -> list[str]:
    schema = session.request("GET", "/api/schema/?format=json").json()
    urls = []
    for path, operations in schema["paths"].items():
        if "get" in operations:
            urls.append(re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "x")), path))
    return sorted(urls)


def sign_in() -> tuple[Session, str]:
    session = Session()
    session.request("GET", "/accounts/login/")
    response = session.request(
        "POST",
        "/accounts/login/",
        data={
            "login": EMAIL,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": BASE + "/accounts/login/"},
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"prod-check: signing in failed ({response.status_code})")
    response = session.request(
        "POST", "/api/v1/auth/token/", json={"username": EMAIL, "password": PASSWORD}
    )
    if response.status_code != 200:
        raise SystemExit(f"prod-check: no API token ({response.status_code}) {response.text}")
    return session, response.json()["token"]


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aicrash_site.settings")
    django.setup()
    values = fixtures()
    anonymous = Session()
    signed_in, token = sign_in()
    api_user = Session()
    api_user.headers["Authorization"] = f"Token {token}"

    pages = page_routes(values)
    apis = api_routes(anonymous, values)
    checks = []
    for url in pages:
        checks += [(anonymous, url, {}), (signed_in, url, {})]
        checks += [
            (anonymous, url, {"HX-Request": "true"}),
            (signed_in, url, {"HX-Request": "true"}),
        ]
    for url in apis:
        checks += [(anonymous, url, {}), (api_user, url, {})]
    checks += [(anonymous, "/healthz", {}), (anonymous, "/api/schema/", {})]

    failures = []
    for session, url, headers in checks:
        try:
            status = session.request("GET", url, headers=headers).status_code
        except httpx.HTTPError as exc:
            status = f"{type(exc).__name__}"
        who = "signed-in" if session is not anonymous else "anonymous"
        kind = "htmx" if headers else "full"
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{status} {who} {kind} {url}")
    health = anonymous.request("GET", "/healthz").json()
    print(
        f"prod-check: {len(checks)} requests ({len(pages)} pages, {len(apis)} API routes), "
        f"{len(failures)} failures; healthz {health['status']} "
        f"(database {health['database']['ok']}, broker {health['broker']['ok']}, "
        f"cache {health['cache']['ok']}, static {health['static']['ok']})"
    )
    for failure in failures:
        print("  FAIL", failure)
    if health["status"] != "ok":
        print("prod-check: /healthz is not ok:", health)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
