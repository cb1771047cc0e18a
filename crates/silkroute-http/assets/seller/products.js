// Seller center products page: every product's traffic, conversion, sales, refunds, margin and
// stock cover with a diagnosis, and the top sellers as a bar chart (/api/v1/analytics/products).
"use strict";

(() => {
  const { api, byId, format, numeric, page, panel, table, sparkline, barChart } = window.SR;

  const ranked = (body) =>
    (body.products || []).slice().sort((a, b) => (a.rank || 0) - (b.rank || 0));

  function drawChart(body) {
    const top = ranked(body)
      .filter((product) => numeric(product.paid_amount) !== null)
      .sort((a, b) => numeric(b.paid_amount) - numeric(a.paid_amount))
      .slice(0, 10);
    const currency = body.currency || (top[0] && top[0].paid_amount && top[0].paid_amount.currency);
    barChart(byId("products-chart"), {
      categories: top.map((product) => product.sku || product.title),
      series: [{ label: "Paid amount", values: top.map((product) => numeric(product.paid_amount)) }],
      kind: (value) => (value === null ? "—" : format.money({ amount: value, currency })),
    });
  }

  function drawTable(body) {
    const products = ranked(body);
    const diagnosis = (product) => {
      const tag = document.createElement("span");
      tag.className = `diagnosis diagnosis-${product.diagnosis || "none"}`;
      tag.textContent = product.diagnosis_text || product.diagnosis || "—";
      return tag;
    };
    table(
      byId("products-table"),
      `${products.length} products, ranked by paid amount`,
      [
        { label: "Rank", numeric: true, value: (product) => product.rank },
        { label: "Product", value: (product) => product.title },
        { label: "SKU", value: (product) => product.sku },
        { label: "Page views", numeric: true, value: (product) => format.count(product.page_views) },
        { label: "Add-to-cart rate", numeric: true, value: (product) => format.ratio(product.add_to_cart_rate) },
        { label: "Units placed", numeric: true, value: (product) => format.count(product.units_placed) },
        { label: "Units paid", numeric: true, value: (product) => format.count(product.paid_units) },
        { label: "Paid amount", numeric: true, value: (product) => format.money(product.paid_amount) },
        { label: "Refund rate", numeric: true, value: (product) => format.ratio(product.refund_rate) },
        { label: "Margin", numeric: true, value: (product) => format.money(product.margin) },
        { label: "Units a day", numeric: true, value: (product) => format.decimal(product.velocity) },
        { label: "Days of cover", numeric: true, value: (product) => format.decimal(product.days_of_cover) },
        { label: "Daily units", value: (product) => sparkline(product.sparkline) },
        { label: "Diagnosis", value: diagnosis },
      ],
      products,
    );
  }

  page(async (period) => {
    const answer = api("/api/v1/analytics/products", { from: period.from, to: period.to });
    answer.catch(() => {});
    await Promise.all([
      panel("top-products", () => answer, drawChart),
      panel("product-list", () => answer, drawTable),
    ]);
  });
})();
