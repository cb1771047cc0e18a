// Seller center customers page: new against returning buyers, monthly retention cohorts as a heat
// map, RFM segments and the fitted lifetime-value model (/api/v1/analytics/customers).
"use strict";

(() => {
  const { api, byId, format, numeric, page, panel, table, barChart } = window.SR;

  const SEGMENT_NAMES = {
    champions: "Champions",
    loyal: "Loyal",
    potential_loyalists: "Potential loyalists",
    new: "New",
    promising: "Promising",
    need_attention: "Need attention",
    about_to_sleep: "About to sleep",
    at_risk: "At risk",
    cannot_lose: "Cannot lose them",
    hibernating: "Hibernating",
    lost: "Lost",
  };
  const segmentName = (segment) => SEGMENT_NAMES[segment] || String(segment).replace(/_/g, " ");

  function drawNewReturning(body) {
    const months = body.new_vs_returning || [];
    barChart(byId("new-returning-chart"), {
      categories: months.map((row) => String(row.month).slice(0, 7)),
      series: [
        { label: "New buyers", values: months.map((row) => numeric(row.new_buyers)) },
        { label: "Returning buyers", values: months.map((row) => numeric(row.returning_buyers)) },
      ],
      kind: "count",
    });
  }

  function drawRfm(body) {
    const segments = body.rfm_segments || [];
    barChart(byId("rfm-chart"), {
      categories: segments.map((row) => segmentName(row.segment)),
      series: [{ label: "Buyers", values: segments.map((row) => numeric(row.buyers)) }],
      kind: "count",
    });
    table(
      byId("rfm-table"),
      null,
      [
        { label: "Segment", value: (row) => segmentName(row.segment) },
        { label: "Buyers", numeric: true, value: (row) => format.count(row.buyers) },
        { label: "Share", numeric: true, value: (row) => format.ratio(row.share) },
        { label: "Spend (minor units)", numeric: true, value: (row) => format.count(row.monetary_minor) },
      ],
      segments,
    );
  }

  /** Retention as a table whose cells darken with the share of the cohort still buying. */
  function drawCohorts(body) {
    const cohorts = (body.cohorts && body.cohorts.cohorts) || [];
    const width = Math.max(0, ...cohorts.map((row) => (row.cells || []).length));
    const columns = [
      { label: "Cohort", value: (row) => String(row.cohort).slice(0, 7) },
      { label: "Buyers", numeric: true, value: (row) => format.count(row.buyers) },
    ];
    for (let month = 0; month < width; month += 1) {
      columns.push({
        label: month === 0 ? "Month 0" : `+${month}`,
        numeric: true,
        value: (row) => {
          const cell = (row.cells || []).find((one) => one.months_since === month);
          return cell ? cell : "";
        },
      });
    }
    const element = table(byId("cohort-table"), "Share of each month's new buyers who bought again", columns, []);
    // Cells need their retention at hand, so the body is filled here rather than by `table`.
    const tbody = element.tBodies[0];
    tbody.replaceChildren();
    for (const row of cohorts) {
      const line = tbody.insertRow();
      columns.forEach((column, index) => {
        const cell = line.insertCell();
        cell.className = index === 0 ? "" : "num";
        const value = column.value(row);
        if (value && typeof value === "object") {
          const retention = numeric(value.retention) || 0;
          cell.textContent = format.ratio(retention);
          cell.title = `${format.count(value.active_buyers)} active buyers`;
          cell.classList.add("heat");
          cell.style.backgroundColor = `rgba(37, 99, 235, ${Math.min(1, retention).toFixed(3)})`;
          if (retention > 0.5) cell.classList.add("dark");
        } else {
          cell.textContent = value;
        }
      });
    }
    if (!cohorts.length) {
      const cell = tbody.insertRow().insertCell();
      cell.colSpan = columns.length;
      cell.className = "empty";
      cell.textContent = "No cohorts yet.";
    }
  }

  function drawLifetimeValue(body) {
    const list = byId("bg-nbd");
    list.replaceChildren();
    const model = body.bg_nbd;
    const add = (term, value) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      list.append(dt, dd);
    };
    if (!model) {
      add("Model", "Not fitted: too few repeat buyers to estimate it.");
    } else {
      add("Calibration", `${model.calibration_start} to ${model.calibration_end}`);
      add("r, α", `${format.decimal(model.r)}, ${format.decimal(model.alpha)}`);
      add("a, b", `${format.decimal(model.a)}, ${format.decimal(model.b)}`);
      add("Log-likelihood", format.decimal(model.log_likelihood));
    }
    table(
      byId("top-customers-table"),
      "Buyers with the highest expected lifetime value",
      [
        { label: "Buyer", value: (row) => row.buyer_id },
        { label: "Expected purchases", numeric: true, value: (row) => format.decimal(row.expected_purchases) },
        { label: "Probability alive", numeric: true, value: (row) => format.ratio(row.p_alive) },
        { label: "Lifetime value (minor units)", numeric: true, value: (row) => format.count(row.clv_minor) },
      ],
      body.top_customers || [],
    );
  }

  page(async (period) => {
    const answer = api("/api/v1/analytics/customers", { from: period.from, to: period.to });
    answer.catch(() => {});
    await Promise.all([
      panel("new-returning", () => answer, drawNewReturning),
      panel("rfm", () => answer, drawRfm),
      panel("cohorts", () => answer, drawCohorts),
      panel("clv", () => answer, drawLifetimeValue),
    ]);
  });
})();
