"""Watchlist pages: the owner's lists, items, positions and lots; public share links; CSV.

Every page works without JavaScript. An htmx request (HX-Request, not a history restore) gets
only the part of the page it swaps (``render(request, "page.html#partial")``); any other gets
the whole page, or a redirect after a successful POST. Bad input re-renders the form with the
services' messages next to the fields, and the services save all or nothing.

Every watchlist is looked up through ``watchlist_get_for_user`` (``common.watchlist_for``):
another user's, staff's included, is a 404.

- ``lists``: the index with its create form, rename, delete, reorder;
- ``detail``: one list's page, its token search, sharing, and the public shared page;
- ``items``: add, remove and reorder tokens, an item's note and lots, and "Add to watchlist"
  from the market pages;
- ``csv_pages``: CSV export and import;
- ``common``: the owner-only decorator, htmx-aware rendering and lookups they share.
"""

from watchlists.views.csv_pages import export_csv, import_csv
from watchlists.views.detail import detail, search, share, shared, value_chart
from watchlists.views.items import (
    add,
    item_add,
    item_detail,
    item_move,
    item_note,
    item_remove,
    lot_add,
    lot_remove,
)
from watchlists.views.lists import delete, index, move, rename

__all__ = [
    "add",
    "delete",
    "detail",
    "export_csv",
    "import_csv",
    "index",
    "item_add",
    "item_detail",
    "item_move",
    "item_note",
    "item_remove",
    "lot_add",
    "lot_remove",
    "move",
    "rename",
    "search",
    "share",
    "shared",
    "value_chart",
]
