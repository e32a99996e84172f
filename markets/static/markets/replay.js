// The replay control (markets/_replay_control.html): drag, step, play / pause through the
// hours of a window; each hour swaps the page's replayable region with htmx (?at=) and
// replaces the address, without reloading the page. Without JavaScript the links still work.
(function () {
  "use strict";

  const HOUR = 3600;

  function atParam(epoch) {
    return new Date(epoch * 1000).toISOString().slice(0, 16) + "Z";
  }

  function setUp(root) {
    const start = Number(root.dataset.start);
    const end = Number(root.dataset.end);
    const url = root.dataset.url;
    const target = root.dataset.target;
    const slider = root.querySelector("[data-replay-slider]");
    const label = root.querySelector("[data-replay-label]");
    const play = root.querySelector("[data-replay-play]");
    const speed = root.querySelector("[data-replay-speed]");
    const steps = root.querySelectorAll("[data-replay-step]");
    // Each day of the window as the page writes it ("Feb. 5, 2026"): an hour reads as the
    // server writes it (core.times.datetime_text), "Feb. 5, 2026, 14:00 UTC".
    const days = JSON.parse(root.dataset.days || "{}");
    function hourText(epoch) {
      const iso = new Date(epoch * 1000).toISOString();
      return (days[iso.slice(0, 10)] || iso.slice(0, 10)) + ", " + iso.slice(11, 16) + " UTC";
    }
    let current = Number(root.dataset.current);
    let timer = null;
    let loading = null; // the swap in flight
    let wanted = null; // the hour to show once it lands

    slider.hidden = false;
    play.hidden = false;
    root.querySelector("[data-replay-speed-label]").hidden = false;

    // The hour, then the address's other parameters (the table's sort, which a replayed
    // hour keeps): read at each step, as sorting changes the address.
    function hrefOf(epoch) {
      const others = new URLSearchParams(window.location.search);
      others.delete("at");
      const rest = others.toString();
      // digits, "-", ":", "T" and "Z": nothing to escape
      return url + "?at=" + atParam(epoch) + (rest ? "&" + rest : "");
    }

    function show(epoch) {
      current = Math.min(Math.max(epoch, start), end);
      slider.value = String((current - start) / HOUR);
      label.textContent = hourText(current);
      slider.setAttribute("aria-valuetext", label.textContent);
      steps.forEach(function (link) {
        const next = current + Number(link.dataset.replayStep) * HOUR;
        link.href = hrefOf(Math.min(Math.max(next, start), end));
      });
      root.dataset.current = String(current);
      load(current);
    }

    // One swap at a time; while one runs only the latest wanted hour waits. A 429 (this
    // address is computing other hours, e.g. in another tab) is not an error: the hour is
    // asked again after Retry-After, unless another one is wanted by then.
    let busy = null; // {retry}: the 429 answer to the request in flight
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      const xhr = event.detail.xhr;
      if (!loading || xhr.status !== 429 || event.detail.requestConfig.path !== loading.href) {
        return;
      }
      busy = { retry: Number(xhr.getResponseHeader("Retry-After")) || 1 };
      event.detail.shouldSwap = false;
      event.detail.isError = false; // no "action failed" alert (site.js)
    });

    function load(epoch) {
      wanted = epoch;
      if (loading) return;
      const href = hrefOf(epoch);
      wanted = null;
      busy = null;
      const request = htmx.ajax("GET", href, { target: target, swap: "outerHTML" });
      loading = { href: href };
      request.then(function () {
        if (!busy) history.replaceState(history.state, "", href);
      }).finally(function () {
        const refused = busy;
        loading = null;
        busy = null;
        if (wanted !== null && wanted !== epoch) load(wanted);
        else if (refused) {
          setTimeout(function () { if (!loading && current === epoch) load(epoch); }, refused.retry * 1000);
        }
      });
    }

    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      play.textContent = root.dataset.textPlay;
      play.setAttribute("aria-pressed", "false");
    }

    function start_() {
      if (current >= end) show(start);
      play.textContent = root.dataset.textPause;
      play.setAttribute("aria-pressed", "true");
      timer = setInterval(function () {
        if (current >= end) { stop(); return; }
        if (!loading) show(current + HOUR);
      }, 1000 / Number(speed.value));
    }

    slider.addEventListener("input", function () {
      stop();
      show(start + Number(slider.value) * HOUR);
    });
    steps.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        stop();
        show(current + Number(link.dataset.replayStep) * HOUR);
      });
    });
    play.addEventListener("click", function () {
      if (timer) stop(); else start_();
    });
    speed.addEventListener("change", function () {
      if (timer) { stop(); start_(); }
    });
  }

  function init() {
    if (typeof htmx === "undefined") return; // plain links then
    document.querySelectorAll("[data-replay-control]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
