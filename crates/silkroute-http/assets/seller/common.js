// Seller center: what every page shares — error capture, API calls, number formatting, the
// period picker, tables, "not available yet" panels and small wrappers around uPlot.
// Plain ES2020 served as is (no build step); loaded first so that it sees every later error.
"use strict";

(() => {
  // Errors of any script, failed loads of scripts or styles, unhandled promise rejections and
  // Content-Security-Policy violations all land here, where tests (and curious people) read them.
  const errors = [];
  window.__silkrouteErrors = errors;
  window.addEventListener(
    "error",
    (event) => {
      const target = event.target;
      if (target && target !== window && (target.src || target.href)) {
        errors.push(`failed to load ${target.src || target.href}`);
      } else {
        const where = event.filename ? ` (${event.filename}:${event.lineno})` : "";
        errors.push(`${event.message || "error"}${where}`);
      }
    },
    true,
  );
  window.addEventListener("unhandledrejection", (event) => {
    errors.push(`unhandled rejection: ${event.reason && (event.reason.stack || event.reason)}`);
  });
  document.addEventListener("securitypolicyviolation", (event) => {
    errors.push(`CSP blocked ${event.blockedURI || "inline"} (${event.violatedDirective})`);
  });

  // ---- formatting -------------------------------------------------------------------------
  const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const decimalFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  const percentFormat = new Intl.NumberFormat(undefined, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 2,
  });
  const changeFormat = new Intl.NumberFormat(undefined, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  });
  const moneyFormats = new Map();
  const DASH = "—";

  function moneyFormat(currency) {
    let format = moneyFormats.get(currency);
    if (!format) {
      try {
        format = new Intl.NumberFormat(undefined, { style: "currency", currency });
      } catch (_) {
        format = decimalFormat;
      }
      moneyFormats.set(currency, format);
    }
    return format;
  }

  const isMoney = (value) =>
    value !== null && typeof value === "object" && "amount" in value && "currency" in value;

  /** A number from an API value: integer, money object or decimal string; null stays null. */
  function numeric(value) {
    if (value === null || value === undefined) return null;
    if (isMoney(value)) return Number(value.amount);
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }

  const format = {
    count: (value) => (numeric(value) === null ? DASH : countFormat.format(numeric(value))),
    decimal: (value) => (numeric(value) === null ? DASH : decimalFormat.format(numeric(value))),
    ratio: (value) => (numeric(value) === null ? DASH : percentFormat.format(numeric(value))),
    change: (value) => (numeric(value) === null ? DASH : changeFormat.format(numeric(value))),
    money: (value) => {
      if (value === null || value === undefined) return DASH;
      if (isMoney(value)) return moneyFormat(value.currency).format(Number(value.amount));
      return decimalFormat.format(Number(value));
    },
    /** By kind: `count`, `money`, `ratio`, `decimal`, or a function of the number. */
    as: (kind, value) =>
      typeof kind === "function" ? kind(numeric(value)) : (format[kind] || format.decimal)(value),
  };

  // ---- the API ------------------------------------------------------------------------------
  /** The endpoint is not served (yet): 404 or 501. Pages show a notice instead of failing. */
  class Unavailable extends Error {}
  class ApiFailure extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, params) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(params || {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
    }
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const body = await response.json().catch(() => null);
    if (response.status === 404 || response.status === 501) {
      throw new Unavailable((body && body.detail) || `${url.pathname} answered ${response.status}`);
    }
    if (response.status === 401) {
      // The session ended (idle, revoked token, restart): sign in again.
      window.location.assign("/seller/login");
      throw new ApiFailure("the session has ended", 401);
    }
    if (!response.ok) {
      const detail = body ? body.detail || body.title : "";
      throw new ApiFailure(`${url.pathname} answered ${response.status}: ${detail}`, response.status);
    }
    return body;
  }

  // ---- the period picker and page life cycle --------------------------------------------------
  const byId = (id) => document.getElementById(id);

  function period() {
    const form = byId("period");
    const optional = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
    return {
      from: form.elements.from.value,
      to: form.elements.to.value,
      seller: optional("seller"),
      market: optional("market").toUpperCase(),
    };
  }

  /** The previous period of the same length, as the API compares. */
  function shiftDays(isoDate, days) {
    const date = new Date(`${isoDate}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  }

  function status(text, isError) {
    const element = byId("status");
    element.textContent = text;
    element.classList.toggle("error", Boolean(isError));
  }

  /** Keeps the period in the address and in the navigation links, so it survives a click. */
  function rememberPeriod(current) {
    const query = new URLSearchParams();
    query.set("from", current.from);
    query.set("to", current.to);
    if (current.seller) query.set("seller", current.seller);
    if (current.market) query.set("market", current.market);
    window.history.replaceState(null, "", `${window.location.pathname}?${query}`);
    for (const link of document.querySelectorAll("a[data-nav]")) {
      link.search = `?${query}`;
    }
  }

  /**
   * Runs `load(period)` now and whenever the period changes. `data-ready` on <body> turns "1"
   * when the page has drawn everything it could (tests and screen readers wait for it).
   */
  function page(load) {
    const form = byId("period");
    let generation = 0;
    const run = async () => {
      const current = period();
      if (!current.from || !current.to || current.from > current.to) {
        status("Choose a start date on or before the end date.", true);
        document.body.dataset.ready = "1";
        return;
      }
      generation += 1;
      const mine = generation;
      document.body.dataset.ready = "0";
      rememberPeriod(current);
      status("Loading…");
      try {
        await load(current);
        if (mine === generation) status("");
      } catch (error) {
        errors.push(`load failed: ${error && (error.stack || error)}`);
        status(`Could not load the figures: ${error.message || error}`, true);
      } finally {
        if (mine === generation) document.body.dataset.ready = "1";
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
    page.reload = run;
    run();
  }

  /**
   * Fills one panel from one endpoint: `draw(body)` on success, a notice when the endpoint is
   * not available yet or failed. Failures other than "not available" are recorded as errors.
   */
  async function panel(id, fetcher, draw) {
    const element = byId(id);
    element.classList.remove("unavailable", "failed");
    for (const old of element.querySelectorAll(":scope > .notice")) old.remove();
    try {
      const body = await fetcher();
      element.dataset.state = "ready";
      draw(body);
    } catch (error) {
      const unavailable = error instanceof Unavailable;
      element.dataset.state = unavailable ? "unavailable" : "failed";
      element.classList.add(unavailable ? "unavailable" : "failed");
      const notice = document.createElement("div");
      notice.className = "notice";
      notice.setAttribute("role", "note");
      const strong = document.createElement("strong");
      strong.textContent = unavailable ? "Not available yet. " : "Could not load. ";
      notice.append(
        strong,
        unavailable
          ? "This report is not served by this server yet; the rest of the page still works."
          : String(error.message || error),
      );
      const heading = element.querySelector("h2");
      if (heading) heading.after(notice);
      else element.prepend(notice);
      if (!unavailable) errors.push(`${id}: ${error.stack || error}`);
    }
  }

  // ---- tables -----------------------------------------------------------------------------------
  /**
   * A <table> from column specs `{label, value: row => text|Node, numeric?: bool}`; replaces the
   * content of `container`. Returns the table.
   */
  function table(container, caption, columns, rows) {
    const element = document.createElement("table");
    if (caption) element.createCaption().textContent = caption;
    const head = element.createTHead().insertRow();
    for (const column of columns) {
      const cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = column.label;
      if (column.numeric) cell.className = "num";
      head.append(cell);
    }
    const body = element.createTBody();
    for (const row of rows) {
      const line = body.insertRow();
      for (const column of columns) {
        const cell = line.insertCell();
        const value = column.value(row);
        if (value instanceof Node) cell.append(value);
        else cell.textContent = value === null || value === undefined ? DASH : String(value);
        if (column.numeric) cell.className = "num";
      }
    }
    if (rows.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = columns.length;
      cell.className = "empty";
      cell.textContent = "No data in this period.";
    }
    container.replaceChildren(element);
    return element;
  }

  /** A small SVG line of values, for table cells. */
  function sparkline(values) {
    const svgNs = "http://www.w3.org/2000/svg";
    const width = 96;
    const height = 24;
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("class", "sparkline");
    svg.setAttribute("role", "img");
    const numbers = (values || []).map((value) => numeric(value) || 0);
    svg.setAttribute("aria-label", `trend: ${numbers.join(", ")}`);
    if (numbers.length > 1) {
      const max = Math.max(...numbers, 1);
      const step = width / (numbers.length - 1);
      const points = numbers
        .map((value, index) => `${(index * step).toFixed(1)},${(height - 2 - (value / max) * (height - 4)).toFixed(1)}`)
        .join(" ");
      const line = document.createElementNS(svgNs, "polyline");
      line.setAttribute("points", points);
      svg.append(line);
    }
    return svg;
  }

  // ---- charts (uPlot) ---------------------------------------------------------------------------
  const COLORS = ["#2563eb", "#94a3b8", "#16a34a", "#d97706", "#9333ea", "#dc2626"];
  const charts = new Set();
  const chartWidth = (element) => Math.max(280, Math.floor(element.clientWidth || 600));

  function mount(element, options, data) {
    if (element.chart) {
      charts.delete(element.chart);
      element.chart.destroy();
    }
    for (const old of element.querySelectorAll(":scope > .chart-empty")) old.remove();
    const chart = new window.uPlot(options, data, element);
    element.chart = chart;
    charts.add(chart);
    return chart;
  }

  function unmount(element, message) {
    if (element.chart) {
      charts.delete(element.chart);
      element.chart.destroy();
      element.chart = null;
    }
    const note = document.createElement("p");
    note.className = "chart-empty";
    note.textContent = message || "Nothing to chart in this period.";
    element.replaceChildren(note);
  }

  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      for (const chart of charts) {
        const element = chart.root.parentElement;
        if (element) chart.setSize({ width: chartWidth(element), height: chart.height });
      }
    }, 150);
  });

  const dayToSeconds = (isoDate) => Date.parse(`${isoDate}T00:00:00Z`) / 1000;
  // Tick steps for counts: whole numbers only.
  const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7];

  /** Sizes a y axis to its longest label, so that "CN¥12,345.00" is not cut off. */
  function axisSize(chart, values, axisIndex, cycle) {
    const axis = chart.axes[axisIndex];
    if (cycle > 1) return axis._size;
    let size = axis.ticks.size + axis.gap;
    const longest = (values || []).reduce((a, v) => (String(v).length > a.length ? String(v) : a), "");
    if (longest) {
      chart.ctx.font = axis.font[0];
      size += chart.ctx.measureText(longest).width / window.devicePixelRatio;
    }
    return Math.ceil(size) + 4;
  }

  function valueAxis(kind) {
    return {
      size: axisSize,
      values: (_chart, splits) => splits.map((value) => format.as(kind, value)),
      incrs: kind === "count" ? WHOLE_STEPS : undefined,
    };
  }
  const zeroBased = (_chart, _min, max) => [0, max > 0 ? max * 1.1 : 1];

  /**
   * A time line chart. `days`: ISO dates of the x axis; `series`: `[{label, values, dash?,
   * color?}]`; `kind` formats the axis and legend; `band`: `[upperIndex, lowerIndex]` (1-based
   * series) to shade between two series.
   */
  function lineChart(element, { days, series, kind, band, height }) {
    if (!days.length) return unmount(element);
    const formatValue = (_chart, value) => (value === null ? DASH : format.as(kind, value));
    const options = {
      width: chartWidth(element),
      height: height || 280,
      tzDate: (seconds) => window.uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
      scales: { x: { time: true }, y: { range: zeroBased } },
      series: [
        { label: "Day" },
        ...series.map((one, index) => ({
          label: one.label,
          stroke: one.color || COLORS[index % COLORS.length],
          width: one.width || 2,
          dash: one.dash,
          fill: one.fill,
          points: { show: days.length <= 45 },
          value: formatValue,
        })),
      ],
      axes: [
        {},
        valueAxis(kind),
      ],
      bands: band ? [{ series: band, fill: "rgba(37, 99, 235, 0.15)" }] : undefined,
    };
    return mount(element, options, [days.map(dayToSeconds), ...series.map((one) => one.values)]);
  }

  /**
   * A bar chart over categories. `series`: one or two `[{label, values, color?}]` (two are drawn
   * side by side).
   */
  function barChart(element, { categories, series, kind, height }) {
    if (!categories.length) return unmount(element);
    const indexes = categories.map((_, index) => index);
    const pair = series.length > 1;
    // Long names ("organic search") go on two lines under their bar rather than overlapping.
    const labels = categories.map((name) => String(name ?? "").replace(/_/g, " ").replace(/ /g, "\n"));
    const lines = Math.max(1, ...labels.map((label) => label.split("\n").length));
    const options = {
      width: chartWidth(element),
      height: height || 260,
      scales: {
        x: { time: false, range: () => [-0.5, categories.length - 0.5] },
        y: { range: zeroBased },
      },
      series: [
        { label: "Category", value: (_chart, index) => (index === null ? DASH : categories[index]) },
        ...series.map((one, index) => ({
          label: one.label,
          fill: one.color || COLORS[index % COLORS.length],
          stroke: one.color || COLORS[index % COLORS.length],
          width: 0,
          points: { show: false },
          paths: window.uPlot.paths.bars({
            size: [pair ? 0.35 : 0.6, 80],
            align: pair ? (index === 0 ? -1 : 1) : 0,
          }),
          value: (_chart, value) => (value === null ? DASH : format.as(kind, value)),
        })),
      ],
      axes: [
        {
          splits: () => indexes,
          values: (_chart, splits) => splits.map((index) => labels[index] ?? ""),
          grid: { show: false },
          size: 32 + 18 * lines,
        },
        valueAxis(kind),
      ],
      cursor: { points: { show: false } },
      // One series needs no key; the panel's heading names it.
      legend: { show: pair },
    };
    return mount(element, options, [indexes, ...series.map((one) => one.values)]);
  }

  window.SR = {
    api,
    byId,
    format,
    numeric,
    shiftDays,
    page,
    panel,
    table,
    sparkline,
    lineChart,
    barChart,
    unmount,
    Unavailable,
    ApiFailure,
    COLORS,
  };
})();
