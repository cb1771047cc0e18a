// Seller center industry page: each category's share of the marketplace's visitors, views, sales
// and orders, where this store stands, and the hot search keywords (/api/v1/analytics/industry).
"use strict";

(() => {
  const { api, byId, format, numeric, page, panel, table, barChart } = window.SR;

  function drawCategories(body) {
    const categories = body.categories || [];
    const shown = categories.filter((row) => !row.suppressed);
    barChart(byId("categories-chart"), {
      categories: shown.map((row) => row.category),
      series: [
        { label: "Share of paid amount", values: shown.map((row) => numeric(row.paid_amount_share)) },
        { label: "Share of visitors", values: shown.map((row) => numeric(row.visitor_share)) },
      ],
      kind: "ratio",
    });
    const percentile = numeric(body.seller_percentile);
    byId("seller-percentile").textContent =
      percentile === null
        ? "Your store's standing among sellers in these categories is not known for this period."
        : `Your store sells more than ${format.ratio(percentile)} of sellers in its categories.`;
    const share = (key) => (row) => (row.suppressed ? "hidden" : format.ratio(row[key]));
    table(
      byId("categories-table"),
      "Shares are of the whole marketplace; categories with too few sellers are hidden.",
      [
        { label: "Category", value: (row) => row.category },
        { label: "Parent", value: (row) => row.parent },
        { label: "Visitors", numeric: true, value: share("visitor_share") },
        { label: "Page views", numeric: true, value: share("page_view_share") },
        { label: "Paid amount", numeric: true, value: share("paid_amount_share") },
        { label: "Paid orders", numeric: true, value: share("paid_order_share") },
        { label: "Active listings", numeric: true, value: (row) => format.count(row.active_listings) },
        { label: "Trend", numeric: true, value: (row) => format.change(row.trend) },
      ],
      categories,
    );
  }

  function drawKeywords(body) {
    table(
      byId("keywords-table"),
      "Searches on the marketplace in this period",
      [
        { label: "Keyword", value: (row) => row.keyword },
        { label: "Searches", numeric: true, value: (row) => format.count(row.search_volume) },
        { label: "Searchers", numeric: true, value: (row) => format.count(row.searchers) },
        { label: "Click-through", numeric: true, value: (row) => format.ratio(row.click_through) },
        { label: "Purchase rate", numeric: true, value: (row) => format.ratio(row.purchase_rate) },
        { label: "Competition", numeric: true, value: (row) => format.decimal(row.competition_index) },
        { label: "Top countries", value: (row) => (row.top_countries || []).join(", ") },
        { label: "Growth", numeric: true, value: (row) => format.change(row.growth) },
      ],
      body.keywords || [],
    );
  }

  page(async (period) => {
    const range = { from: period.from, to: period.to };
    await Promise.all([
      panel("categories", () => api("/api/v1/analytics/industry/categories", range), drawCategories),
      panel("keywords", () => api("/api/v1/analytics/industry/keywords", range), drawKeywords),
    ]);
  });
})();
