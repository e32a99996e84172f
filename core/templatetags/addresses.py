"""``{% page_address as here %}``: the address a link such as the language switcher leads
back to."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_address(context) -> str:
    """This page's address; for the answer to a form sent without JavaScript (a refused lot,
    shown at an address that only takes forms: opened again, a 405) the page the form was
    sent from, when the browser said so (same site), else this path."""
    request = context.get("request")
    if request is None:
        return "/"
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    sent_from = urlsplit(request.headers.get("Referer", ""))
    if sent_from.netloc == request.get_host() and sent_from.path.startswith("/"):
        return sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")
    return request.path
