// Seller center forecast page: daily units sold, the forecast with its prediction band, and the
// replenishment advice that follows from it (/api/v1/analytics/forecast).
"use strict";

(() => {
  const { api, byId, format, numeric, page, panel, table, lineChart } = window.SR;
  const select = byId("forecast-product");
  const known = new Map();

  const FORECAST = "/api/v1/analytics/forecast";

  function remember(products) {
    for (const product of products) {
      if (known.has(product.product_id)) continue;
      known.set(product.product_id, product.title);
      const option = document.createElement("option");
      option.value = product.product_id;
      option.textContent = product.title || product.product_id;
      select.append(option);
    }
  }

  /**
   * The forecast of the chosen product, or of the server's pick. A server that insists on a
   * product (400/422) gets the first of the store's listed products, and the list fills the menu.
   */
  async function fetchForecast(productId) {
    if (productId) return api(FORECAST, { product_id: productId });
    try {
      return await api(FORECAST, {});
    } catch (error) {
      if (!(error instanceof window.SR.ApiFailure) || ![400, 422].includes(error.status)) throw error;
      const listed = (await api("/api/v1/products", { limit: 100 })).data || [];
      remember(
        listed.map((product) => ({
          product_id: product.id,
          title: (product.titles && (product.titles.en || Object.values(product.titles)[0])) || product.sku,
        })),
      );
      if (!listed.length) return { products: [] };
      select.value = listed[0].id;
      return api(FORECAST, { product_id: listed[0].id });
    }
  }

  function drawChart(product) {
    const history = product.history || [];
    const ahead = product.forecast || [];
    const days = [...history.map((row) => row.day), ...ahead.map((row) => row.day)];
    const blank = (count) => new Array(count).fill(null);
    // The forecast line starts at the last actual day so that the two lines join.
    const last = history.length ? numeric(history[history.length - 1].units) : null;
    const joined = (key) => [
      ...blank(Math.max(0, history.length - 1)),
      ...(history.length ? [last] : []),
      ...ahead.map((row) => numeric(row[key])),
    ];
    lineChart(byId("forecast-chart"), {
      days,
      kind: "decimal",
      series: [
        { label: "Units sold", values: [...history.map((row) => numeric(row.units)), ...blank(ahead.length)] },
        { label: "Forecast", values: joined("mean"), dash: [6, 4] },
        { label: "Upper bound", values: joined("upper"), color: "#93c5fd", width: 1 },
        { label: "Lower bound", values: joined("lower"), color: "#93c5fd", width: 1 },
      ],
      band: [3, 4],
    });
  }

  function drawReplenishment(products) {
    const keys = [];
    for (const product of products) {
      for (const key of Object.keys(product.replenishment || {})) {
        if (!keys.includes(key)) keys.push(key);
      }
    }
    const show = (value) => {
      if (value === null || value === undefined) return "—";
      if (typeof value === "object" && "amount" in value) return format.money(value);
      if (typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))) {
        return format.decimal(value);
      }
      return String(value);
    };
    table(
      byId("replenishment-table"),
      "Safety stock, reorder point and order-up-to level per product",
      [
        { label: "Product", value: (product) => product.title || product.product_id },
        ...keys.map((key) => ({
          label: key.replace(/_/g, " "),
          numeric: true,
          value: (product) => show((product.replenishment || {})[key]),
        })),
        { label: "Stock-out date", value: (product) => show(product.stockout_date) },
        { label: "Note", value: (product) => product.error || "" },
      ],
      products,
    );
  }

  select.addEventListener("change", () => page.reload());

  page(async () => {
    const productId = select.value;
    const answer = fetchForecast(productId);
    answer.catch(() => {});
    await Promise.all([
      panel("forecast-chart-panel", () => answer, (body) => {
        const products = body.products || [];
        remember(products);
        const wanted = select.value || productId;
        const shown = products.find((product) => product.product_id === wanted) || products[0];
        if (shown) {
          byId("forecast-chart").dataset.product = shown.product_id;
          drawChart(shown);
        } else {
          window.SR.unmount(byId("forecast-chart"), "No product has enough sales history to forecast.");
        }
      }),
      panel("replenishment", () => answer, (body) => drawReplenishment(body.products || [])),
    ]);
  });
})();
