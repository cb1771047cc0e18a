//! The five signed-in pages. The server renders each page's frame — headings, the period
//! picker with its defaults, empty panels with ids — and the page's script fills the panels from
//! the analytics API, so the figures a page shows are exactly the API's.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use silkroute_app::Principal;

use super::html::{self, Page, Period, Viewer, escape};
use super::login::session_binding;
use super::{SignedIn, redirect_to_login, signed_in};
use crate::AppState;

/// The overview's KPI cards: API field, label, kind (`count`, `money`, `ratio`).
const KPIS: [(&str, &str, &str); 10] = [
    ("visitors", "Visitors", "count"),
    ("page_views", "Page views", "count"),
    ("paid_amount", "Paid amount", "money"),
    ("paid_orders", "Paid orders", "count"),
    ("paid_buyers", "Paid buyers", "count"),
    ("aov", "Average order value", "money"),
    ("payment_conversion", "Payment conversion", "ratio"),
    ("add_to_cart_rate", "Add-to-cart rate", "ratio"),
    ("refund_rate", "Refund rate", "ratio"),
    ("returning_buyers", "Returning buyers", "count"),
];

pub async fn overview(state: State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    render(Page::Overview, state, headers, query).await
}

pub async fn products(state: State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    render(Page::Products, state, headers, query).await
}

pub async fn industry(state: State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    render(Page::Industry, state, headers, query).await
}

pub async fn customers(state: State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    render(Page::Customers, state, headers, query).await
}

pub async fn forecast(state: State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    render(Page::Forecast, state, headers, query).await
}

async fn render(
    page: Page,
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(session) = signed_in(&state, &headers).await else {
        return redirect_to_login(&headers);
    };
    let Some((viewer, time_zone)) = viewer(&state, &session).await else {
        return redirect_to_login(&headers);
    };
    let today = state.app.now().with_timezone(&time_zone).date_naive();
    let period = period(query.as_deref().unwrap_or_default(), today, &viewer);
    let main = match page {
        Page::Overview => overview_main(),
        Page::Products => products_main(),
        Page::Industry => industry_main(),
        Page::Customers => customers_main(),
        Page::Forecast => forecast_main(),
    };
    Html(html::page(page, &viewer, &period, &main)).into_response()
}

/// The header's view of the caller and the time zone whose "today" ends the default period:
/// the seller's own (reports cut days there), UTC for the platform.
async fn viewer(state: &AppState, session: &SignedIn) -> Option<(Viewer, chrono_tz::Tz)> {
    let csrf = state
        .seller_sessions
        .csrf_token(&session_binding(&session.session_id));
    match &session.principal {
        Principal::Admin { .. } => Some((
            Viewer {
                scope: "platform",
                label: "Platform operator (admin)".to_string(),
                seller_id: None,
                csrf,
            },
            chrono_tz::UTC,
        )),
        Principal::Seller { seller_id, .. } => {
            let (label, zone) = match state
                .app
                .get_seller(&session.principal, seller_id.as_str())
                .await
            {
                Ok(seller) => (
                    format!("{} ({})", seller.name, seller.id),
                    seller.time_zone.parse().unwrap_or(chrono_tz::UTC),
                ),
                Err(error) => {
                    tracing::warn!(%error, "seller center: loading the signed-in seller failed");
                    (seller_id.to_string(), chrono_tz::UTC)
                }
            };
            Some((
                Viewer {
                    scope: "seller",
                    label,
                    seller_id: Some(seller_id.to_string()),
                    csrf,
                },
                zone,
            ))
        }
        Principal::Buyer { .. } => None,
    }
}

/// The period in the query, or the last 30 days ending today; an unreadable or reversed range
/// falls back to the default rather than failing the page.
fn period(query: &str, today: NaiveDate, viewer: &Viewer) -> Period {
    let mut from = None;
    let mut to = None;
    let mut seller = String::new();
    let mut market = String::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let date = || NaiveDate::parse_from_str(&value, "%Y-%m-%d").ok();
        match key.as_ref() {
            "from" => from = date(),
            "to" => to = date(),
            "seller" if viewer.scope == "platform" => seller = value.trim().to_string(),
            "market" => market = value.trim().to_ascii_uppercase(),
            _ => {}
        }
    }
    match (from, to) {
        (Some(from), Some(to)) if from <= to => Period {
            from,
            to,
            seller,
            market,
        },
        _ => Period {
            from: today - Duration::days(29),
            to: today,
            seller,
            market,
        },
    }
}

fn panel(id: &str, heading: &str, inner: &str) -> String {
    format!(
        "<section class=\"panel\" id=\"{id}\" aria-labelledby=\"{id}-heading\">\n\
         <h2 id=\"{id}-heading\">{heading}</h2>\n<div class=\"panel-body\">\n{inner}</div>\n\
         </section>\n",
        heading = escape(heading),
    )
}

fn chart(id: &str, label: &str) -> String {
    format!(
        "<figure class=\"chart\" id=\"{id}\" aria-label=\"{label}\"></figure>\n",
        label = escape(label)
    )
}

fn overview_main() -> String {
    let mut cards = String::new();
    for (key, label, kind) in KPIS {
        cards.push_str(&format!(
            "<article class=\"kpi\" data-kpi=\"{key}\" data-kind=\"{kind}\">\
             <h3>{label}</h3><p class=\"value\">…</p><p class=\"previous\"></p></article>\n"
        ));
    }
    let mut main = format!(
        "<section class=\"kpis-section\" id=\"key-figures\" aria-labelledby=\"kpis-heading\">\n\
         <h2 id=\"kpis-heading\">Key figures <small id=\"period-label\"></small></h2>\n\
         <div class=\"kpis\" id=\"kpis\">\n{cards}</div>\n</section>\n"
    );
    let trend_controls = "<div class=\"controls\">\
        <label>Metric <select id=\"trend-metric\">\
        <option value=\"paid_amount\">Paid amount</option>\
        <option value=\"visitors\">Visitors</option>\
        <option value=\"paid_orders\">Paid orders</option>\
        <option value=\"payment_conversion\">Payment conversion</option></select></label>\
        <label>Grain <select id=\"trend-grain\">\
        <option value=\"day\">Day</option><option value=\"week\">Week</option>\
        <option value=\"month\">Month</option></select></label></div>\n";
    main.push_str(&panel(
        "trend",
        "Trend: this period against the previous one",
        &format!(
            "{trend_controls}{}",
            chart("trend-chart", "Trend line chart")
        ),
    ));
    for (id, heading) in [("market", "By market"), ("source", "By traffic source")] {
        main.push_str(&panel(
            id,
            heading,
            &format!(
                "<div class=\"split\">{}<div class=\"table-wrap\" id=\"{id}-table\"></div>\n\
                 </div>\n",
                chart(&format!("{id}-chart"), &format!("{heading} bar chart"))
            ),
        ));
    }
    main.push_str(&panel(
        "funnel",
        "Funnel",
        "<ol class=\"funnel\" id=\"funnel-steps\"></ol>\n",
    ));
    main
}

fn products_main() -> String {
    let mut main = panel(
        "top-products",
        "Top products by paid amount",
        &chart("products-chart", "Top products bar chart"),
    );
    main.push_str(&panel(
        "product-list",
        "Products",
        "<div class=\"table-wrap\" id=\"products-table\"></div>\n",
    ));
    main
}

fn industry_main() -> String {
    let mut main = panel(
        "categories",
        "Categories",
        &format!(
            "<p id=\"seller-percentile\"></p>\n{}\
             <div class=\"table-wrap\" id=\"categories-table\"></div>\n",
            chart("categories-chart", "Category share bar chart")
        ),
    );
    main.push_str(&panel(
        "keywords",
        "Hot search keywords",
        "<div class=\"table-wrap\" id=\"keywords-table\"></div>\n",
    ));
    main
}

fn customers_main() -> String {
    let mut main = String::from("<div class=\"grid2\">\n");
    main.push_str(&panel(
        "new-returning",
        "New and returning buyers by month",
        &chart("new-returning-chart", "New and returning buyers bar chart"),
    ));
    main.push_str(&panel(
        "rfm",
        "RFM segments",
        &format!(
            "{}<div class=\"table-wrap\" id=\"rfm-table\"></div>\n",
            chart("rfm-chart", "RFM segments bar chart")
        ),
    ));
    main.push_str("</div>\n");
    main.push_str(&panel(
        "cohorts",
        "Monthly cohorts: share of buyers active again",
        "<div class=\"table-wrap\" id=\"cohort-table\"></div>\n",
    ));
    main.push_str(&panel(
        "clv",
        "Customer lifetime value (BG/NBD and Gamma-Gamma)",
        "<dl class=\"facts\" id=\"bg-nbd\"></dl>\n\
         <div class=\"table-wrap\" id=\"top-customers-table\"></div>\n",
    ));
    main
}

fn forecast_main() -> String {
    let mut main = panel(
        "forecast-chart-panel",
        "Units sold and forecast",
        &format!(
            "<div class=\"controls\"><label>Product <select id=\"forecast-product\">\
             <option value=\"\">Top products</option></select></label></div>\n{}",
            chart("forecast-chart", "Units history and forecast band chart")
        ),
    );
    main.push_str(&panel(
        "replenishment",
        "Replenishment",
        "<div class=\"table-wrap\" id=\"replenishment-table\"></div>\n",
    ));
    main
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(scope: &'static str) -> Viewer {
        Viewer {
            scope,
            label: String::new(),
            seller_id: None,
            csrf: String::new(),
        }
    }

    #[test]
    fn the_default_period_is_the_last_thirty_days_ending_today() {
        let today = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
        let default = period("", today, &viewer("seller"));
        assert_eq!(default.from, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(default.to, today);
        let chosen = period(
            "from=2026-09-01&to=2026-09-15&seller=x",
            today,
            &viewer("seller"),
        );
        assert_eq!(chosen.from, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        assert_eq!(chosen.seller, "", "only admins filter by seller");
        let reversed = period("from=2026-09-15&to=2026-09-01", today, &viewer("platform"));
        assert_eq!(reversed.to, today);
        let admin = period("seller=sel_1", today, &viewer("platform"));
        assert_eq!(admin.seller, "sel_1");
    }
}
