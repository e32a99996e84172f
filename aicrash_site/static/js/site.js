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

// htmx helpers shared by the behaviours below.
const aicrashSwaps = (function () {
  "use strict";
  return {
    // A live refresh: a poll ("every …" in its hx-trigger), or the Refresh button that is one.
    polled(element) {
      return /\bevery\b/.test((element && element.getAttribute("hx-trigger")) || "");
    },
    // What a swap noted before it, by swapped region: another region's swap settling in
    // between (a poll beside a sent form) must not take its place.
    byRegion() {
      const notes = new Map();
      return {
        note(event, value) {
          notes.set(event.detail.target, value);
        },
        take(event) {
          const value = notes.get(event.detail.target);
          notes.delete(event.detail.target);
          return value;
        },
      };
    },
  };
})();

// When htmx replaces the part of the page that held the focus (a form sent with its button,
// a sorted table, a table refreshed by polling), htmx keeps it only on an element with an
// id. Otherwise the focus would fall back to the top of the page: put it on the first field
// to correct, else on the same control in the new content, else on another control of its
// group (data-focus-group: a row's move buttons, when the one pressed is now disabled), else
// on the one now in its place (e.g. the column header just sorted by), else on the new
// content itself.
(function () {
  "use strict";
  const held = aicrashSwaps.byRegion();

  function describe(element, target) {
    const form = element.form || element.closest("form");
    return {
      tag: element.tagName,
      name: element.getAttribute("name"),
      value: element.getAttribute("value"),
      href: element.getAttribute("href"),
      text: element.textContent.trim(),
      action: form ? form.getAttribute("action") : null,
      index: Array.from(target.querySelectorAll(element.tagName)).indexOf(element),
      group: element.closest("[data-focus-group]")?.dataset.focusGroup ?? null,
    };
  }

  function same(element, wanted) {
    const form = element.form || element.closest("form");
    return (
      element.getAttribute("name") === wanted.name &&
      element.getAttribute("value") === wanted.value &&
      element.getAttribute("href") === wanted.href &&
      element.textContent.trim() === wanted.text &&
      (form ? form.getAttribute("action") : null) === wanted.action
    );
  }

  const usable = (element) => element && !element.disabled && element.getClientRects().length;

  document.addEventListener("htmx:beforeSwap", (event) => {
    const active = document.activeElement;
    const target = event.detail.target;
    if (active && active !== document.body && target && target.contains(active)) {
      held.note(event, { id: target.id, control: describe(active, target) });
    }
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const focus = held.take(event);
    if (!focus) return;
    const target = event.detail.target;
    const { id, control } = focus;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // htmx kept it
    const root = target.isConnected ? target : id && document.getElementById(id);
    if (!root) return;
    const candidates = Array.from(root.querySelectorAll(control.tag));
    const group =
      control.group === null
        ? []
        : Array.from(root.querySelectorAll("[data-focus-group]"))
            .filter((element) => element.dataset.focusGroup === control.group)
            .flatMap((element) => Array.from(element.querySelectorAll(control.tag)));
    const choices = [
      root.querySelector("[aria-invalid=true]"),
      candidates.find((element) => usable(element) && same(element, control)),
      group.find(usable),
      candidates[control.index],
    ];
    for (const element of choices) {
      if (!usable(element)) continue;
      element.focus();
      if (document.activeElement === element) return; // not if hidden, e.g. in a closed <details>
    }
    if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "-1");
    root.focus();
  });
})();

// An htmx action the server refuses (e.g. a 404 for a row removed in another tab, a 500) or
// that cannot reach it swaps nothing: say so, or the click would seem to do nothing. Polls
// (live figures, the bell) fail quietly and retry; the next action that works hides it.
(function () {
  "use strict";
  const polled = aicrashSwaps.polled;

  function show(event, text) {
    const box = document.getElementById("action-failed");
    if (!box || polled(event.detail.elt)) return;
    const message = box.querySelector("p");
    message.setAttribute("role", "alert"); // announced as it appears
    message.textContent = text;
    box.hidden = false;
  }

  document.addEventListener("htmx:responseError", (event) => {
    const message = document.querySelector("#action-failed p");
    if (message) show(event, message.dataset.refused + " (HTTP " + event.detail.xhr.status + ")");
  });
  document.addEventListener("htmx:sendError", (event) => {
    const message = document.querySelector("#action-failed p");
    if (message) show(event, message.dataset.unreachable);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const box = document.getElementById("action-failed");
    if (box && event.detail.successful && !polled(event.detail.elt)) box.hidden = true;
  });
})();

// A live refresh (a poll, or the Refresh button that triggers it) replaces a region the
// visitor may have been filling in, e.g. the dashboard rows' "Add to watchlist" choice: keep
// the choices made there (fields with an id whose value differs from the page's), or the
// poll puts them back to the default under the visitor's hand, and the token goes to the
// wrong watchlist. Only for refreshes: after a form is sent, its answer's fields are right.
(function () {
  "use strict";
  const kept = aicrashSwaps.byRegion();

  function changed(field) {
    if (field.tagName === "SELECT") {
      const option = field.options[field.selectedIndex];
      return Boolean(option) && !option.defaultSelected;
    }
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    return field.value !== field.defaultValue;
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const config = event.detail.requestConfig;
    if (!target || !aicrashSwaps.polled(config && config.elt)) return; // the element that asked
    const fields = target.querySelectorAll("select[id], input[id]:not([type=hidden]), textarea[id]");
    kept.note(
      event,
      Array.from(fields)
        .filter(changed)
        .map((field) => ({ id: field.id, value: field.value, checked: field.checked })),
    );
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const choices = kept.take(event);
    if (!choices) return;
    choices.forEach(({ id, value, checked }) => {
      const field = document.getElementById(id);
      if (!field) return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = checked;
      else if (field.tagName !== "SELECT" || Array.from(field.options).some((o) => o.value === value))
        field.value = value;
    });
  });
})();
