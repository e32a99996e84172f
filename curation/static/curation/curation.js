// Drag and drop reordering of list members (SortableJS); the Up/Down buttons stay the
// keyboard alternative. After a drop the new order is posted with htmx, which swaps the
// list's section (and its CSRF header comes from <body hx-headers>).
(function () {
  "use strict";

  function order(tbody) {
    return Array.from(tbody.querySelectorAll("tr[data-symbol]"), (row) => row.dataset.symbol);
  }

  function enable(root) {
    if (!window.Sortable) return;
    root.querySelectorAll("tbody[data-sortable]").forEach((tbody) => {
      if (tbody.dataset.sortableReady) return;
      tbody.dataset.sortableReady = "1";
      window.Sortable.create(tbody, {
        handle: ".cur-handle",
        draggable: "tr[data-symbol]",
        animation: 120,
        onEnd(event) {
          if (event.oldIndex === event.newIndex) return;
          window.htmx.ajax("POST", tbody.dataset.orderUrl, {
            source: tbody,
            target: tbody.dataset.target,
            swap: "outerHTML",
            values: { order: order(tbody).join(",") },
          });
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => enable(document));
  document.addEventListener("htmx:afterSettle", (event) => enable(event.target));
})();
