// A watchlist's total value over time, with its fall from the running peak in a second pane,
// drawn by js/charts.js (window.aicrashCharts, loaded before this script) the way it draws a
// list's market cap.
//
// The container (#value-chart) names a <script type="application/json"> block (json_script)
// holding {"value": [[epoch, usd], …], "drawdown": [[epoch, fraction], …]}; "value" is empty
// on a shared list that hides its amounts, and the fall from the peak is then drawn alone.
// After drawing, the container's data-points holds the number of points drawn.
(function () {
  "use strict";

  const charts = window.aicrashCharts;
  if (!charts) return;

  function draw(el) {
    const data = charts.readJson(el.dataset.source);
    if (!data) return;
    const values = data.value || [];
    const drawdowns = data.drawdown || [];
    charts.drawValueWithDrawdown(el, values.length ? values : null, drawdowns, {
      valueTitle: el.dataset.labelValue,
      drawdownTitle: el.dataset.labelDrawdown,
      minMove: 0.01,
      annotations: data.annotations,
    });
    el.dataset.points = String(Math.max(values.length, drawdowns.length));
  }

  function start() {
    document.querySelectorAll('[data-chart="watchlist-value"]').forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
