// Small page behaviours that need no library.
(function () {
  "use strict";

  // The language switcher returns to the page as it is now (htmx may have changed the URL
  // since the page was rendered, e.g. after sorting a table).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.classList || !form.classList.contains("lang-switch")) return;
    const next = form.querySelector('input[name="next"]');
    if (next) next.value = window.location.pathname + window.location.search;
  });
})();
