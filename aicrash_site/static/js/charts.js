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
      event: cssVar("--chart-event", "#b45309"),
      band: cssVar("--chart-band", "rgba(180, 83, 9, 0.14)"),
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

  // Axis labels of a value in compact notation ($2.11K) with as many decimals as it takes to
  // tell the ticks apart; a narrow range (a flat watchlist: $2,111.86 … $2,111.89) falls back
  // to whole amounts with their cents rather than four identical "$2.11K".
  function moneyTicks(prices) {
    const distinct = (labels) => new Set(labels).size === labels.length;
    for (let digits = 2; digits <= 3; digits++) {
      const format = new Intl.NumberFormat(lang, {
        style: "currency",
        currency: "USD",
        currencyDisplay: "narrowSymbol",
        notation: "compact",
        maximumFractionDigits: digits,
      });
      const labels = prices.map((v) => format.format(v));
      if (distinct(labels)) return labels;
    }
    for (let digits = 0; digits <= 6; digits++) {
      const format = new Intl.NumberFormat(lang, {
        style: "currency",
        currency: "USD",
        currencyDisplay: "narrowSymbol",
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      const labels = prices.map((v) => format.format(v));
      if (distinct(labels)) return labels;
    }
    return prices.map(money);
  }

  const percent = new Intl.NumberFormat(lang, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  });

  // Axis labels of a fraction as a percentage with one decimal, or more when one is not
  // enough to tell the ticks apart (a flat fall from the peak: +0.1 %, +0.1 %, 0.0 % …).
  function percentTicks(values) {
    for (let digits = 1; digits <= 3; digits++) {
      const format = new Intl.NumberFormat(lang, {
        style: "percent",
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
        signDisplay: "exceptZero",
      });
      const labels = values.map((v) => format.format(v));
      if (new Set(labels).size === labels.length) return labels;
    }
    return values.map((v) => percent.format(v));
  }

  // --- Charts ---------------------------------------------------------------------------

  // A chart inside [data-private-address] (a shared watchlist, whose address is its secret)
  // has no library logo: it links to tradingview.com with the page's path in utm_source.
  // The page then credits the library itself (a plain link under the chart).
  function chartOptions(c, extra, el) {
    return Object.assign(
      {
        autoSize: true,
        layout: {
          background: { type: "solid", color: c.surface },
          textColor: c.text,
          fontFamily: getComputedStyle(document.body).fontFamily,
          attributionLogo: !(el && el.closest("[data-private-address]")),
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
      priceFormat: {
        type: "custom",
        formatter: (v) => percent.format(v),
        tickmarksFormatter: percentTicks,
        minMove: 0.0001,
      },
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
      annotate(priceChart, priceSeries, el, payload.annotations, prices.map((p) => p[0]));
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
    // `initial`: the page's own range, loaded on arrival (the page embeds no data), so the
    // address is left as it is.
    function load(rangeKey, initial) {
      if (pending) pending.abort();
      pending = new AbortController();
      el.setAttribute("aria-busy", "true");
      say(el.dataset.textLoading);
      let url = el.dataset.url + "?range=" + encodeURIComponent(rangeKey);
      if (el.dataset.at) url += "&at=" + encodeURIComponent(el.dataset.at); // a replay: up to that hour
      fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (payload) {
          draw(payload);
          if (initial) return;
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
    else load(el.dataset.currentRange || "30d", true);
  }

  // A value over time (area) with its drawdown from peak in a second pane below; without
  // values (null) the drawdown is drawn alone. Also used by watchlists/js/value-chart.js.
  function drawValueWithDrawdown(el, values, drawdowns, options) {
    const c = colours();
    const chart = LC.createChart(el, chartOptions(c, null, el));
    let pane = 0;
    let valueSeries = null;
    if (values) {
      const format = {
        type: "custom",
        formatter: (v) => compactMoney.format(v),
        tickmarksFormatter: moneyTicks,
        minMove: options.minMove,
      };
      valueSeries = chart.addSeries(
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
    const marked = values || drawdowns;
    const times = marked.map((p) => p[0]);
    annotate(chart, valueSeries || drawdownSeries, el, options.annotations, times);
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
      annotations: data.annotations,
    });
    el.dataset.points = String(caps.length);
  }


  // --- Events and bands that apps above add (core/charts.py) ----------------------------
  //
  // payload.annotations = {markers: [{id, time, title, url}], bands: [{low, high, label}]}.
  // Markers sit on the nearest drawn point; hovering or tapping near one shows its title in
  // a small tooltip. Bands are shaded zones between two prices (a series primitive).

  const annotationState = new WeakMap();

  function nearestTime(times, t) {
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(times[lo - 1] - t) <= Math.abs(times[lo] - t)) return times[lo - 1];
    return times[lo];
  }

  function bandPrimitive(bands, fill) {
    let series = null;
    const view = {
      zOrder: function () {
        return "bottom";
      },
      renderer: function () {
        return {
          draw: function (target) {
            if (!series) return;
            target.useBitmapCoordinateSpace(function (scope) {
              const ctx = scope.context;
              ctx.fillStyle = fill;
              bands.forEach(function (band) {
                const top = series.priceToCoordinate(band.high);
                const bottom = series.priceToCoordinate(band.low);
                if (top === null || bottom === null) return;
                const y = Math.round(Math.min(top, bottom) * scope.verticalPixelRatio);
                const height = Math.abs(bottom - top) * scope.verticalPixelRatio;
                const h = Math.max(1, Math.round(height));
                ctx.fillRect(0, y, scope.bitmapSize.width, h);
              });
            });
          },
        };
      },
    };
    return {
      attached: function (param) {
        series = param.series;
      },
      detached: function () {
        series = null;
      },
      paneViews: function () {
        return [view];
      },
    };
  }

  function tooltipFor(el) {
    let tip = el.querySelector(".chart-tooltip");
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tooltip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      el.appendChild(tip);
    }
    return tip;
  }

  const dateTime = new Intl.DateTimeFormat(lang, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
  });

  function annotate(chart, series, el, annotations, times) {
    const c = colours();
    const previous = annotationState.get(series);
    if (previous) {
      previous.priceLines.forEach((line) => series.removePriceLine(line));
      if (previous.primitive) series.detachPrimitive(previous.primitive);
    }
    const found = annotations || {};
    const sorted = times.slice().sort((a, b) => a - b);
    const markers = sorted.length
      ? (found.markers || []).map(function (m) {
          return Object.assign({}, m, { at: m.time, time: nearestTime(sorted, m.time) });
        })
      : [];
    const drawn = markers.map(function (m) {
      return { time: m.time, position: "aboveBar", shape: "arrowDown", color: c.event, id: m.id };
    });
    // One markers plugin per series, given new markers on each redraw (range switch).
    const markersApi = previous ? previous.markersApi : LC.createSeriesMarkers(series, []);
    markersApi.setMarkers(drawn);
    const bands = found.bands || [];
    const priceLines = [];
    let primitive = null;
    if (bands.length) {
      primitive = bandPrimitive(bands, c.band);
      series.attachPrimitive(primitive);
      bands.forEach(function (band) {
        const line = { color: c.event, lineWidth: 1, lineStyle: LC.LineStyle.Dashed };
        const top = Object.assign({ price: band.high, title: band.label }, line);
        const bottom = Object.assign({ price: band.low, title: "" }, line);
        priceLines.push(series.createPriceLine(top), series.createPriceLine(bottom));
      });
    }
    const state = { markersApi, priceLines, primitive, markers };
    annotationState.set(series, state);
    el.dataset.markers = String(markers.length);
    el.dataset.bands = String(bands.length);
    // Where each marker is drawn (x in CSS pixels), for tests and keyboard-free checks.
    el.aicrashMarkerXs = function () {
      return state.markers.map(function (m) {
        return { x: chart.timeScale().timeToCoordinate(m.time), title: m.title };
      });
    };
    if (!previous) listenForMarkers(chart, el, series);
  }

  function listenForMarkers(chart, el, series) {
    const tip = tooltipFor(el);
    let pinned = false; // shown by a tap: stays until the next tap (touch sends no hover)
    function show(param, tapped) {
      const state = annotationState.get(series);
      if (!param || !param.point) {
        if (!pinned) tip.hidden = true;
        return;
      }
      pinned = Boolean(tapped);
      if (!state || !state.markers.length) {
        tip.hidden = true;
        return;
      }
      const x = param.point.x;
      const hits = state.markers.filter(function (m) {
        const mx = chart.timeScale().timeToCoordinate(m.time);
        return m.id === param.hoveredObjectId || (mx !== null && Math.abs(mx - x) <= 10);
      });
      if (!hits.length) {
        tip.hidden = true;
        return;
      }
      tip.replaceChildren();
      hits.forEach(function (m) {
        const line = document.createElement("p");
        const when = document.createElement("time");
        // the page's wording of the time when the server gave it ("Feb. 3, 2026, 06:00 UTC")
        when.textContent = m.when || dateTime.format(new Date(m.at * 1000)) + " UTC";
        line.appendChild(when);
        line.appendChild(document.createTextNode(" " + m.title));
        tip.appendChild(line);
      });
      tip.hidden = false;
      const room = el.clientWidth - tip.offsetWidth - 4;
      tip.style.left = Math.max(4, Math.min(room, x - tip.offsetWidth / 2)) + "px";
    }
    chart.subscribeCrosshairMove((param) => show(param, false));
    chart.subscribeClick((param) => show(param, true)); // a tap on a touch screen
  }

  window.aicrashCharts = {
    readJson: readJson,
    drawValueWithDrawdown: drawValueWithDrawdown,
    moneyTicks: moneyTicks,
    percentTicks: percentTicks,
  };

  function start() {
    document.querySelectorAll('[data-chart="price"]').forEach(setUpPriceCharts);
    document.querySelectorAll('[data-chart="cap"]').forEach(setUpCapChart);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
