//! The HTML around every seller-center page: head, navigation, who is signed in, the period
//! picker. Markup is written out in Rust rather than a template engine because it is small and
//! static; every piece of text that did not come from this file passes through [`escape`].

use std::fmt::Write;

use chrono::NaiveDate;

use super::assets;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The pages in navigation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Overview,
    Products,
    Industry,
    Customers,
    Forecast,
}

impl Page {
    pub const ALL: [Page; 5] = [
        Page::Overview,
        Page::Products,
        Page::Industry,
        Page::Customers,
        Page::Forecast,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Page::Overview => "/seller",
            Page::Products => "/seller/products",
            Page::Industry => "/seller/industry",
            Page::Customers => "/seller/customers",
            Page::Forecast => "/seller/forecast",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
            Page::Products => "Products",
            Page::Industry => "Industry",
            Page::Customers => "Customers",
            Page::Forecast => "Forecast",
        }
    }

    /// The name of the page's script and of its `data-page`.
    pub fn slug(self) -> &'static str {
        match self {
            Page::Overview => "overview",
            Page::Products => "products",
            Page::Industry => "industry",
            Page::Customers => "customers",
            Page::Forecast => "forecast",
        }
    }
}

/// Who is looking, as the page header shows it.
pub struct Viewer {
    /// `seller` or `platform`.
    pub scope: &'static str,
    pub label: String,
    pub seller_id: Option<String>,
    /// The logout form's CSRF token.
    pub csrf: String,
}

/// The reporting period shown in the picker.
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// An admin's seller filter (empty: the whole platform).
    pub seller: String,
    /// The overview's market filter (empty: every market).
    pub market: String,
}

/// A complete signed-in page around `main`, the page's own sections.
pub fn page(page: Page, viewer: &Viewer, period: &Period, main: &str) -> String {
    let mut html = String::with_capacity(8 * 1024 + main.len());
    let title = page.title();
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · Silkroute seller center</title>\n\
         <link rel=\"stylesheet\" href=\"{uplot_css}\">\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n\
         <script src=\"{common}\" defer></script>\n\
         <script src=\"{uplot}\" defer></script>\n\
         <script src=\"{script}\" defer></script>\n\
         </head>\n",
        uplot_css = assets::url("vendor/uplot/uPlot.min.css"),
        css = assets::url("seller/seller.css"),
        common = assets::url("seller/common.js"),
        uplot = assets::url("vendor/uplot/uPlot.iife.min.js"),
        script = assets::url(&format!("seller/{}.js", page.slug())),
    );
    let _ = write!(
        html,
        "<body data-page=\"{slug}\" data-scope=\"{scope}\" data-seller-id=\"{seller_id}\" \
         data-ready=\"0\">\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n\
         <header class=\"topbar\">\n<a class=\"brand\" href=\"/seller\">Silkroute \
         <span>seller center</span></a>\n<nav aria-label=\"Seller center\"><ul>\n",
        slug = page.slug(),
        scope = viewer.scope,
        seller_id = escape(viewer.seller_id.as_deref().unwrap_or_default()),
    );
    for item in Page::ALL {
        let current = if item == page {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<li><a href=\"{path}\" data-nav{current}>{title}</a></li>",
            path = item.path(),
            title = item.title(),
        );
    }
    let _ = write!(
        html,
        "</ul></nav>\n<div class=\"who\"><span id=\"viewer\">{label}</span>\n\
         <form method=\"post\" action=\"/seller/logout\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\" class=\"link\">Sign out</button></form></div>\n</header>\n\
         <main id=\"main\">\n<h1>{title}</h1>\n",
        label = escape(&viewer.label),
        csrf = escape(&viewer.csrf),
    );
    period_picker(&mut html, page, viewer, period);
    html.push_str(
        "<p id=\"status\" class=\"status\" role=\"status\" aria-live=\"polite\"></p>\n\
         <noscript><p class=\"notice\">The figures and charts on this page need \
         JavaScript.</p></noscript>\n",
    );
    html.push_str(main);
    html.push_str(
        "</main>\n<footer><p>Figures come from the analytics API \
         (<code>/api/v1/analytics</code>); days are cut in your store's time zone. Charts drawn \
         with <a href=\"/seller/assets/vendor/uplot/LICENSE\">uPlot</a>.</p></footer>\n\
         </body>\n</html>\n",
    );
    html
}

fn period_picker(html: &mut String, page: Page, viewer: &Viewer, period: &Period) {
    // The forecast always runs from the latest sales; its picker stays, hidden, only so that
    // the navigation links keep the period for the other pages.
    let hidden = if page == Page::Forecast {
        html.push_str(
            "<p class=\"note\">The forecast starts from the latest day with sales; it does not \
             depend on the reporting period.</p>\n",
        );
        " hidden"
    } else {
        ""
    };
    let _ = write!(
        html,
        "<form id=\"period\" class=\"period\" method=\"get\" action=\"{action}\" \
         aria-label=\"Reporting period\"{hidden}>\n\
         <label>From <input type=\"date\" name=\"from\" value=\"{from}\" required></label>\n\
         <label>To <input type=\"date\" name=\"to\" value=\"{to}\" required></label>\n",
        action = page.path(),
        from = period.from.format("%Y-%m-%d"),
        to = period.to.format("%Y-%m-%d"),
    );
    // Only the store endpoints take seller and market filters.
    if page == Page::Overview {
        let _ = writeln!(
            html,
            "<label>Market <input type=\"text\" name=\"market\" value=\"{market}\" \
             placeholder=\"all\" size=\"4\" maxlength=\"2\" pattern=\"[A-Za-z]{{2}}\" \
             title=\"a two-letter country code such as DE\"></label>",
            market = escape(&period.market),
        );
    }
    if viewer.scope == "platform" && page == Page::Overview {
        let _ = writeln!(
            html,
            "<label>Seller <input type=\"text\" name=\"seller\" value=\"{seller}\" \
             placeholder=\"all sellers\" size=\"30\" pattern=\"sel_[0-9A-Za-z]{{26}}\"></label>",
            seller = escape(&period.seller),
        );
    }
    html.push_str("<button type=\"submit\">Apply</button>\n</form>\n");
}

/// A page outside the signed-in frame: the login form, errors.
pub fn bare(title: &str, main: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · Silkroute seller center</title>\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n\
         <body class=\"bare\">\n<header class=\"topbar\"><a class=\"brand\" href=\"/seller\">\
         Silkroute <span>seller center</span></a></header>\n\
         <main id=\"main\" class=\"narrow\">\n{main}</main>\n</body>\n</html>\n",
        title = escape(title),
        css = assets::url("seller/seller.css"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn a_page_escapes_the_viewer_and_marks_the_current_page() {
        let viewer = Viewer {
            scope: "seller",
            label: "<script>alert(1)</script>".into(),
            seller_id: Some("sel_1".into()),
            csrf: "abc".into(),
        };
        let period = Period {
            from: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 10, 30).unwrap(),
            seller: String::new(),
            market: String::new(),
        };
        let html = page(Page::Products, &viewer, &period, "<section></section>");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("<a href=\"/seller/products\" data-nav aria-current=\"page\">"));
        assert!(html.contains("value=\"2026-10-01\""));
        assert!(
            !html.contains("name=\"seller\""),
            "sellers get no seller filter"
        );
        assert!(!html.contains(" style="), "the CSP forbids inline styles");
    }
}
