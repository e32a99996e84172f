"""A watchlist's positions as CSV: download them, or upload lots to add."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from watchlists import selectors, services
from watchlists.forms import ImportForm, form_errors_apply
from watchlists.views.common import GET_OR_POST, owner_page, vanished_as_404, watchlist_for


@owner_page
@require_safe
def export_csv(request, pk):
    watchlist = watchlist_for(request, pk)
    # A byte-order mark first: without it Excel reads the file in the system's code page and
    # garbles accented notes (import skips it).
    text = "\ufeff" + selectors.positions_export_csv(watchlist=watchlist)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"{slugify(watchlist.name) or 'watchlist'}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@owner_page
@require_http_methods(GET_OR_POST)
def import_csv(request, pk):
    """Add the lots of an uploaded positions CSV: all of them, or none with the bad line."""
    watchlist = watchlist_for(request, pk)
    if request.method != "POST":
        context = {"watchlist": watchlist, "form": ImportForm()}
        return render(request, "watchlists/import.html", context)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            text = form.cleaned_data["file"]
            with vanished_as_404():
                result = services.positions_import_csv(watchlist=watchlist, text=text)
        except ValidationError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, _imported_message(result))
            return redirect("watchlists:detail", pk=watchlist.pk)
    return render(request, "watchlists/import.html", {"watchlist": watchlist, "form": form})


def _imported_message(result: services.PositionsImportResult) -> str:
    """Says, e.g., 'Imported 1 row: 1 new token, 2 new lots.' (each count its own plural)."""
    rows, items, lots = result.rows, result.items_created, result.lots_added
    return _("%(rows)s: %(items)s, %(lots)s.") % {
        "rows": ngettext("Imported %(n)s row", "Imported %(n)s rows", rows) % {"n": rows},
        "items": ngettext("%(n)s new token", "%(n)s new tokens", items) % {"n": items},
        "lots": ngettext("%(n)s new lot", "%(n)s new lots", lots) % {"n": lots},
    }
