// Seller center overview: KPI cards against the previous period, the trend chart, breakdowns by
// market and traffic source, and the visit-to-payment funnel — all from /api/v1/analytics/store.
"use strict";

(() => {
  const { api, byId, format, numeric, page, panel, table, lineChart, barChart } = window.SR;

  // A rise in these is bad news: their change is shown red when it goes up.
  const LOWER_IS_BETTER = new Set(["refund_rate", "refund_amount"]);
  const TREND_KINDS = {
    paid_amount: "money",
    visitors: "count",
    paid_orders: "count",
    payment_conversion: "ratio",
  };

  const scope = (period) => ({
    from: period.from,
    to: period.to,
    seller: period.seller,
    market: period.market,
  });
  const rawValue = (value) =>
    value === null || value === undefined ? "" : typeof value === "object" ? value.amount : String(value);
  const moneyIn = (currency) => (value) =>
    value === null ? "—" : format.money({ amount: value, currency: currency || "CNY" });

  function drawKpis(body) {
    const label = byId("period-label");
    if (body.period && body.previous_period) {
      label.textContent = `${body.period.from} to ${body.period.to}, against ${body.previous_period.from} to ${body.previous_period.to}`;
    }
    const previous = body.previous || {};
    const changes = body.change || {};
    for (const card of document.querySelectorAll("#kpis .kpi")) {
      const key = card.dataset.kpi;
      const kind = card.dataset.kind;
      const value = card.querySelector(".value");
      value.textContent = format.as(kind, body[key]);
      value.dataset.value = rawValue(body[key]);
      const line = card.querySelector(".previous");
      line.replaceChildren(`Previous: ${format.as(kind, previous[key])} `);
      const badge = document.createElement("span");
      const change = numeric(changes[key]);
      badge.className = "change";
      if (change === null) {
        badge.textContent = "—";
        badge.classList.add("flat");
        badge.title = "no previous value to compare with";
      } else {
        badge.textContent = format.change(change);
        const better = LOWER_IS_BETTER.has(key) ? change < 0 : change > 0;
        badge.classList.add(change === 0 ? "flat" : better ? "good" : "bad");
        badge.title = better ? "better than the previous period" : "worse than the previous period";
      }
      line.append(badge);
    }
  }

  function drawFunnel(body) {
    const steps = [
      ["visitors", "Visitors"],
      ["carting_visitors", "Visitors who added to cart"],
      ["ordering_buyers", "Buyers who ordered"],
      ["paid_buyers", "Buyers who paid"],
    ];
    const top = numeric(body.visitors) || 0;
    const list = byId("funnel-steps");
    list.replaceChildren();
    let before = null;
    for (const [key, label] of steps) {
      const count = numeric(body[key]);
      const item = document.createElement("li");
      item.dataset.step = key;
      const name = document.createElement("span");
      name.className = "step-name";
      name.textContent = label;
      const track = document.createElement("div");
      track.className = "bar";
      const fill = document.createElement("div");
      fill.className = "fill";
      const share = top > 0 && count !== null ? Math.min(1, count / top) : 0;
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      track.append(fill);
      const figure = document.createElement("span");
      figure.className = "step-figure";
      const fromBefore =
        before !== null && before > 0 && count !== null
          ? `, ${format.ratio(count / before)} of the step before`
          : "";
      figure.textContent = `${format.count(count)} (${format.ratio(share)} of visitors${fromBefore})`;
      item.append(name, track, figure);
      list.append(item);
      before = count;
    }
  }

  async function drawTrend(period) {
    const metric = byId("trend-metric").value;
    const grain = byId("trend-grain").value;
    await panel(
      "trend",
      () => api("/api/v1/analytics/store/timeseries", { ...scope(period), metric, grain }),
      (body) => {
        const points = body.points || [];
        const earlier = body.previous_points || [];
        const kind = TREND_KINDS[metric] === "money" ? moneyIn(body.currency) : TREND_KINDS[metric];
        lineChart(byId("trend-chart"), {
          days: points.map((point) => point.bucket),
          kind,
          series: [
            { label: "This period", values: points.map((point) => numeric(point.value)) },
            {
              label: "Previous period",
              values: points.map((_, index) => (earlier[index] ? numeric(earlier[index].value) : null)),
              dash: [6, 4],
            },
          ],
        });
      },
    );
  }

  // More bars than this do not fit their labels; the table beside the chart lists every row.
  const CHART_ROWS = 12;
  const weight = (row, key) => numeric(row[key]) || 0;

  function drawBreakdown(id, body, chartOn) {
    const rows = body.rows || [];
    const currency = (rows.find((row) => row.paid_amount) || {}).paid_amount?.currency;
    const kind = chartOn === "paid_amount" ? moneyIn(currency) : "count";
    const charted = rows
      .slice()
      .sort((a, b) => weight(b, chartOn) - weight(a, chartOn) || weight(b, "visitors") - weight(a, "visitors"))
      .slice(0, CHART_ROWS);
    byId(`${id}-chart`).setAttribute(
      "aria-label",
      rows.length > CHART_ROWS ? `Top ${CHART_ROWS} of ${rows.length} bar chart` : "Bar chart",
    );
    barChart(byId(`${id}-chart`), {
      categories: charted.map((row) => row.key),
      series: [
        {
          label: chartOn === "paid_amount" ? "Paid amount" : "Visitors",
          values: charted.map((row) => numeric(row[chartOn])),
        },
      ],
      kind,
    });
    const columns = [
      { label: id === "market" ? "Market" : "Source", value: (row) => String(row.key).replace(/_/g, " ") },
      { label: "Visitors", numeric: true, value: (row) => format.count(row.visitors) },
      { label: "Add-to-cart rate", numeric: true, value: (row) => format.ratio(row.add_to_cart_rate) },
    ];
    if (id !== "market") {
      columns.splice(2, 0, { label: "Page views", numeric: true, value: (row) => format.count(row.page_views) });
    }
    if (id === "market") {
      columns.push(
        { label: "Paid orders", numeric: true, value: (row) => format.count(row.paid_orders) },
        { label: "Paid amount", numeric: true, value: (row) => format.money(row.paid_amount) },
        { label: "Conversion", numeric: true, value: (row) => format.ratio(row.payment_conversion) },
      );
    }
    table(byId(`${id}-table`), null, columns, rows);
  }

  for (const id of ["trend-metric", "trend-grain"]) {
    byId(id).addEventListener("change", () => page.reload());
  }

  page(async (period) => {
    const overview = api("/api/v1/analytics/store/overview", scope(period));
    // Both panels read the same answer; each handles its failure on its own.
    overview.catch(() => {});
    await Promise.all([
      panel("key-figures", () => overview, drawKpis),
      panel("funnel", () => overview, drawFunnel),
      drawTrend(period),
      panel(
        "market",
        () => api("/api/v1/analytics/store/breakdown", { ...scope(period), by: "market" }),
        (body) => drawBreakdown("market", body, "paid_amount"),
      ),
      panel(
        "source",
        () => api("/api/v1/analytics/store/breakdown", { ...scope(period), by: "source" }),
        (body) => drawBreakdown("source", body, "visitors"),
      ),
    ]);
  });
})();
