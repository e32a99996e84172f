// Price, underwater and market-cap charts drawn with lightweight-charts 5 (no build step).
//
// Containers carry their configuration in data attributes and their first data set in a
// <script type="application/json"> block (Django's json_script). After every draw a
// container's `data-points` holds the number of points drawn, so tests can see a redraw.
// Other scripts loaded after this one draw with window.aicrashCharts (readJson,
// drawValueWithDrawdown).
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

  // --- Number formats for the active language -------------------------------------------

  function priceDigits(value) {
    const abs = Math.abs(value);
    if (abs >= 1 || abs === 0) return 2;
    return abs >= 0.01 ? 4 : 6;
  }

  function money(value) {
    const digits = priceDigits(value);
    return new Intl.NumberFormat(lang, {
      style: "currency",
      currency: "USD",
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
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

  // --- Charts ---------------------------------------------------------------------------

  function chartOptions(c, extra) {
    return Object.assign(
      {
        autoSize: true,
        layout: {
          background: { type: "solid", color: c.surface },
          textColor: c.text,
          fontFamily: getComputedStyle(document.body).fontFamily,
        },
        grid: { vertLines: { color: c.grid }, horzLines: { color: c.grid } },
        localization: { locale: lang },
        // The same width on every chart, so stacked charts line their time axes up.
        rightPriceScale: { borderColor: c.grid, minimumWidth: 84 },
        timeScale: { borderColor: c.grid, timeVisible: true, secondsVisible: false },
        handleScroll: { vertTouchDrag: false },
      },
      extra || {},
    );
  }

  function points(pairs) {
    return pairs.map(function (p) {
      return { time: p[0], value: p[1] };
    });
  }

  function minMove(pairs) {
    let low = Infinity;
    for (const p of pairs) low = Math.min(low, Math.abs(p[1]));
    return Math.pow(10, -priceDigits(low === Infinity ? 1 : low));
  }

  function areaOptions(c, title, priceFormat) {
    return {
      lineColor: c.line,
      topColor: c.fillTop,
      bottomColor: c.fillBottom,
      lineWidth: 2,
      title: title || "",
      priceFormat: priceFormat,
    };
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

  function syncTimeScales(a, b) {
    let syncing = false;
    function mirror(from, to) {
      from.timeScale().subscribeVisibleLogicalRangeChange(function (range) {
        if (syncing || !range) return;
        syncing = true;
        to.timeScale().setVisibleLogicalRange(range);
        syncing = false;
      });
    }
    mirror(a, b);
    mirror(b, a);
  }

  // Token page: price chart, underwater chart, range buttons fetching chart.json.
  function setUpPriceCharts(el) {
    const c = colours();
    const underwaterEl = document.getElementById(el.dataset.underwater);
    const status = document.getElementById(el.dataset.status);
    const buttons = Array.from(document.querySelectorAll(".range-switch [data-range]"));

    const priceChart = LC.createChart(el, chartOptions(c));
    const priceSeries = priceChart.addSeries(
      LC.AreaSeries,
      areaOptions(c, el.dataset.labelPrice, { type: "custom", formatter: money, minMove: 0.01 }),
    );

    let underwaterChart = null;
    let underwaterSeries = null;
    if (underwaterEl) {
      underwaterChart = LC.createChart(underwaterEl, chartOptions(c));
      underwaterSeries = underwaterChart.addSeries(
        LC.BaselineSeries,
        underwaterOptions(c, el.dataset.labelUnderwater),
      );
      syncTimeScales(priceChart, underwaterChart);
    }

    function say(text) {
      if (status) status.textContent = text || "";
    }

    function draw(payload) {
      const prices = payload.price || [];
      priceSeries.applyOptions({
        priceFormat: { type: "custom", formatter: money, minMove: minMove(prices) },
      });
      priceSeries.setData(points(prices));
      priceChart.timeScale().fitContent();
      el.dataset.points = String(prices.length);
      el.dataset.currentRange = payload.range;
      if (underwaterSeries) {
        const depths = payload.underwater || [];
        underwaterSeries.setData(points(depths));
        underwaterChart.timeScale().fitContent();
        underwaterEl.dataset.points = String(depths.length);
        underwaterEl.dataset.currentRange = payload.range;
      }
      buttons.forEach(function (b) {
        if (b.dataset.range === payload.range) b.setAttribute("aria-current", "true");
        else b.removeAttribute("aria-current");
      });
      say(prices.length ? "" : el.dataset.textEmpty);
    }

    let pending = null;
    function load(rangeKey) {
      if (pending) pending.abort();
      pending = new AbortController();
      el.setAttribute("aria-busy", "true");
      say(el.dataset.textLoading);
      const url = el.dataset.url + "?range=" + encodeURIComponent(rangeKey);
      fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (payload) {
          draw(payload);
          const next = new URL(window.location.href);
          next.searchParams.set("range", payload.range);
          window.history.replaceState(window.history.state, "", next);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") say(el.dataset.textError);
        })
        .finally(function () {
          el.removeAttribute("aria-busy");
        });
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button === 1) return;
        event.preventDefault();
        load(button.dataset.range);
      });
    });

    const initial = readJson(el.dataset.source);
    if (initial) draw(initial);
    else load(el.dataset.currentRange || "30d");
  }

  // A value over time (area) with its drawdown from peak in a second pane below; without
  // values (null) the drawdown is drawn alone. Also used by watchlists/js/value-chart.js.
  function drawValueWithDrawdown(el, values, drawdowns, options) {
    const c = colours();
    const chart = LC.createChart(el, chartOptions(c));
    let pane = 0;
    if (values) {
      const format = {
        type: "custom",
        formatter: (v) => compactMoney.format(v),
        minMove: options.minMove,
      };
      const valueSeries = chart.addSeries(
        LC.AreaSeries,
        areaOptions(c, options.valueTitle, format),
      );
      valueSeries.setData(points(values));
      pane = 1;
    }
    const drawdownSeries = chart.addSeries(
      LC.BaselineSeries,
      underwaterOptions(c, options.drawdownTitle),
      pane,
    );
    drawdownSeries.setData(points(drawdowns));
    const panes = chart.panes();
    if (panes.length > 1) panes[1].setHeight(Math.round(el.clientHeight * 0.32));
    chart.timeScale().fitContent();
    return chart;
  }

  // List pages: total market cap with its drawdown from peak in a second pane.
  function setUpCapChart(el) {
    const data = readJson(el.dataset.source);
    if (!data) return;
    const caps = data.cap || [];
    drawValueWithDrawdown(el, caps, data.drawdown || [], {
      valueTitle: el.dataset.labelCap,
      drawdownTitle: el.dataset.labelDrawdown,
      minMove: 1,
    });
    el.dataset.points = String(caps.length);
  }

  window.aicrashCharts = { readJson: readJson, drawValueWithDrawdown: drawValueWithDrawdown };

  function start() {
    document.querySelectorAll('[data-chart="price"]').forEach(setUpPriceCharts);
    document.querySelectorAll('[data-chart="cap"]').forEach(setUpCapChart);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
