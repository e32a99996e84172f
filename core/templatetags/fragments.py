"""``{% fragment "kind" value... [anonymous] %}...{% endfragment %}``: the enclosed part of a
template, cached under the data version (``core.cache.fragment_cached``).

The key holds the kind, the values given, the request's path (links such as "sign in and
come back" hold it) and the language. Only for parts that every visitor gets alike and that
change only with a ``data_version_bump()``; with ``anonymous`` the part is cached for
anonymous visitors only and rendered afresh for signed-in ones (their forms and votes).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from core.cache import fragment_cached

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, kind, values, anonymous_only: bool):
        self.nodelist, self.kind, self.values = nodelist, kind, values
        self.anonymous_only = anonymous_only

    def render(self, context) -> str:
        request = context.get("request")
        user = getattr(request, "user", None)
        if self.anonymous_only and (user is None or user.is_authenticated):
            return self.nodelist.render(context)
        values = [value.resolve(context) for value in self.values]
        path = request.path if request is not None else ""
        return fragment_cached(
            self.kind.resolve(context), path, *values,
            build=lambda: mark_safe(self.nodelist.render(context)),
        )  # fmt: skip


@register.tag
def fragment(parser, token) -> FragmentNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("fragment needs a kind")
    anonymous_only = bits[-1] == "anonymous"
    if anonymous_only:
        bits = bits[:-1]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    kind, *values = (parser.compile_filter(bit) for bit in bits)
    return FragmentNode(nodelist, kind, values, anonymous_only)
