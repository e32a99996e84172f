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
