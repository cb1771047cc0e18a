//! The seller center: server-rendered pages under `/seller` whose scripts draw the analytics API
//! as KPI cards, tables and charts. Signing in turns a pasted API token into a session cookie;
//! the scripts then call the GET analytics endpoints with that cookie (see
//! [`crate::extract::Caller`]). Scripts, styles and the vendored chart library are embedded in
//! the binary and served from here, and a strict Content-Security-Policy allows nothing else.

mod assets;
mod html;
mod login;
mod origin;
mod pages;
mod session;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use silkroute_app::{AppError, Principal};

pub use session::Sessions;
pub(crate) use session::read_only_session_secret;

use crate::AppState;

/// Only this origin's files, no inline script or style, no framing, forms post only here.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The `/seller` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/seller", get(pages::overview))
        .route("/seller/", get(|| async { Redirect::to("/seller") }))
        .route("/seller/products", get(pages::products))
        .route("/seller/industry", get(pages::industry))
        .route("/seller/customers", get(pages::customers))
        .route("/seller/forecast", get(pages::forecast))
        .route("/seller/login", get(login::login_form).post(login::login))
        .route("/seller/logout", post(login::logout))
        .route("/seller/assets/{*path}", get(assets::get_asset))
        .route("/seller/{*rest}", get(page_not_found))
        .layer(middleware::map_response(security_headers))
}

/// A live session and who it belongs to.
pub(crate) struct SignedIn {
    pub session_id: String,
    pub principal: Principal,
}

/// The session the request's cookie names, its token checked again (a revoked token ends it).
pub(crate) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Option<SignedIn> {
    let session_id = session::session_id(headers)?;
    let secret = state.seller_sessions.secret(session_id)?;
    match state.app.authenticate(&secret).await {
        Ok(principal) => Some(SignedIn {
            session_id: session_id.to_string(),
            principal,
        }),
        Err(AppError::Unauthenticated) => {
            state.seller_sessions.end(session_id);
            None
        }
        Err(error) => {
            tracing::error!(%error, "seller center: checking a session's token failed");
            None
        }
    }
}

/// 303 to the sign-in page, clearing a session cookie that no longer works.
pub(crate) fn redirect_to_login(headers: &HeaderMap) -> Response {
    let mut response = Redirect::to("/seller/login").into_response();
    if session::session_id(headers).is_some() {
        response.headers_mut().append(
            header::SET_COOKIE,
            session::set_cookie(session::SESSION_COOKIE, None, "/", false),
        );
    }
    response
}

async fn page_not_found() -> Response {
    let main = "<h1>Page not found</h1>\n<p><a href=\"/seller\">Back to the overview</a></p>\n";
    (
        StatusCode::NOT_FOUND,
        Html(html::bare("Page not found", main)),
    )
        .into_response()
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Pages show one seller's figures: never keep them in a shared cache. Assets set their own.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
