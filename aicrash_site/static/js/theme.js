// Light or dark: the visitor's choice ("light", "dark"), or the system setting ("auto",
// the default). Loaded in <head> without defer so the page is painted in the right theme.
(function () {
  "use strict";
  // Scripts run: CSS may hide what a script can show again (the "All columns" toggle).
  document.documentElement.dataset.js = "";
  const KEY = "aicrash-theme";
  const CHOICES = ["auto", "dark", "light"];
  const system = window.matchMedia("(prefers-color-scheme: dark)");

  function choice() {
    try {
      const saved = window.localStorage.getItem(KEY);
      return CHOICES.includes(saved) ? saved : "auto";
    } catch (error) {
      return "auto"; // storage refused (private mode): follow the system
    }
  }

  function apply() {
    const chosen = choice();
    const dark = chosen === "dark" || (chosen === "auto" && system.matches);
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    document.querySelectorAll("[data-theme-switch]").forEach((button) => {
      button.hidden = false;
      button.textContent = button.dataset["label" + chosen[0].toUpperCase() + chosen.slice(1)];
      button.setAttribute("aria-label", button.dataset.labelAction + ": " + button.textContent);
    });
  }

  apply();
  system.addEventListener("change", apply);
  document.addEventListener("DOMContentLoaded", apply);
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-theme-switch]");
    if (!button) return;
    const next = CHOICES[(CHOICES.indexOf(choice()) + 1) % CHOICES.length];
    try {
      window.localStorage.setItem(KEY, next);
    } catch (error) {
      /* the choice lasts for this page only */
    }
    apply();
  });
})();
