// Small page behaviours that need no library.
(function () {
  "use strict";

  // The language links return to the page as it is now (htmx may have changed the URL
  // since the page was rendered, e.g. after sorting a table).
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest(".lang-switch a[href]");
    if (!link) return;
    const url = new URL(link.href, window.location.href);
    url.searchParams.set("next", window.location.pathname + window.location.search);
    link.href = url.toString();
  });
})();

// Narrow screens: "All columns" shows the cells a table hides there (class col-extra); the
// choice is remembered per kind of table in this browser.
(function () {
  "use strict";
  const key = (table) => "aicrash-columns-" + (table.dataset.columns || table.id);

  function show(button, table, all) {
    table.classList.toggle("table--all-columns", all);
    button.setAttribute("aria-pressed", String(all));
  }

  function restore(root) {
    root.querySelectorAll("[data-columns-toggle]").forEach((button) => {
      const table = document.getElementById(button.dataset.columnsToggle);
      if (!table) return;
      let saved = null;
      try {
        saved = window.localStorage.getItem(key(table));
      } catch (error) {
        /* no storage: columns as the screen allows */
      }
      show(button, table, saved === "all");
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-columns-toggle]");
    if (!button) return;
    const table = document.getElementById(button.dataset.columnsToggle);
    if (!table) return;
    const all = button.getAttribute("aria-pressed") !== "true";
    show(button, table, all);
    try {
      window.localStorage.setItem(key(table), all ? "all" : "essential");
    } catch (error) {
      /* the choice lasts for this page only */
    }
  });
  document.addEventListener("DOMContentLoaded", () => restore(document));
  document.addEventListener("htmx:afterSettle", (event) => restore(event.target));
})();

// Copy buttons: copy the value of the field named by data-copy (the button stays hidden
// where the browser cannot copy, e.g. without a secure context).
(function () {
  "use strict";

  function reveal(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("[data-copy][hidden]").forEach((button) => {
      button.hidden = false;
    });
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
      const label = button.textContent;
      button.textContent = button.dataset.copied;
      window.setTimeout(() => {
        button.textContent = label;
      }, 2000);
    } catch (error) {
      field.select(); // copying refused: let people copy it themselves
    }
  });
  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:afterSettle", (event) => reveal(event.target));
})();
