// A watchlist's total value over time, with its fall from the running peak in a second pane,
// drawn with lightweight-charts 5 the way js/charts.js draws a list's market cap.
//
// The container (#value-chart) names a <script type="application/json"> block (json_script)
// holding {"value": [[epoch, usd], …], "drawdown": [[epoch, fraction], …]}; "value" is empty
// on a shared list that hides its amounts, and the fall from the peak is then drawn alone.
// After drawing, the container's data-points holds the number of points drawn.
(function () {
  "use strict";

  const LC = window.LightweightCharts;
  if (!LC) return;

  const lang = document.documentElement.lang || "en";

  function cssVar(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function colours() {
    return {
      text: cssVar("--text-muted", "#4a5568"),
      grid: cssVar("--chart-grid", "#e8ecf1"),
      surface: cssVar("--surface", "#ffffff"),
      line: cssVar("--chart-line", "#1d4ed8"),
      fillTop: cssVar("--chart-fill-top", "rgba(29, 78, 216, 0.28)"),
      fillBottom: cssVar("--chart-fill-bottom", "rgba(29, 78, 216, 0.02)"),
      loss: cssVar("--loss", "#b42318"),
      lossFill: cssVar("--chart-loss-fill", "rgba(180, 35, 24, 0.35)"),
      lossFillLight: cssVar("--chart-loss-fill-light", "rgba(180, 35, 24, 0.05)"),
    };
  }

  const compactMoney = new Intl.NumberFormat(lang, {
    style: "currency",
    currency: "USD",
    currencyDisplay: "narrowSymbol",
    notation: "compact",
    maximumFractionDigits: 2,
  });

  const percent = new Intl.NumberFormat(lang, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  });

  function chartOptions(c) {
    return {
      autoSize: true,
      layout: {
        background: { type: "solid", color: c.surface },
        textColor: c.text,
        fontFamily: getComputedStyle(document.body).fontFamily,
      },
      grid: { vertLines: { color: c.grid }, horzLines: { color: c.grid } },
      localization: { locale: lang },
      rightPriceScale: { borderColor: c.grid, minimumWidth: 84 },
      timeScale: { borderColor: c.grid, timeVisible: true, secondsVisible: false },
      handleScroll: { vertTouchDrag: false },
    };
  }

  function points(pairs) {
    return pairs.map(function (p) {
      return { time: p[0], value: p[1] };
    });
  }

  function underwaterOptions(c, title) {
    return {
      title: title || "",
      baseValue: { type: "price", price: 0 },
      topLineColor: c.loss,
      topFillColor1: c.lossFillLight,
      topFillColor2: c.lossFillLight,
      bottomLineColor: c.loss,
      bottomFillColor1: c.lossFillLight,
      bottomFillColor2: c.lossFill,
      lineWidth: 2,
      priceFormat: { type: "custom", formatter: (v) => percent.format(v), minMove: 0.0001 },
    };
  }

  function readJson(id) {
    const node = id && document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  function draw(el) {
    const data = readJson(el.dataset.source);
    if (!data) return;
    const c = colours();
    const values = data.value || [];
    const drawdowns = data.drawdown || [];
    const chart = LC.createChart(el, chartOptions(c));
    let pane = 0;
    if (values.length) {
      const valueSeries = chart.addSeries(LC.AreaSeries, {
        lineColor: c.line,
        topColor: c.fillTop,
        bottomColor: c.fillBottom,
        lineWidth: 2,
        title: el.dataset.labelValue || "",
        priceFormat: { type: "custom", formatter: (v) => compactMoney.format(v), minMove: 0.01 },
      });
      valueSeries.setData(points(values));
      pane = 1;
    }
    const drawdownSeries = chart.addSeries(
      LC.BaselineSeries,
      underwaterOptions(c, el.dataset.labelDrawdown),
      pane,
    );
    drawdownSeries.setData(points(drawdowns));
    const panes = chart.panes();
    if (panes.length > 1) panes[1].setHeight(Math.round(el.clientHeight * 0.32));
    chart.timeScale().fitContent();
    el.dataset.points = String(Math.max(values.length, drawdowns.length));
  }

  function start() {
    document.querySelectorAll('[data-chart="watchlist-value"]').forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
