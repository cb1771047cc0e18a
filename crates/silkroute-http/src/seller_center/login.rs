//! Signing in with a pasted API token, and signing out. Sellers have no passwords yet, so the
//! token is the credential; an admin token signs in to the platform-wide view.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use silkroute_app::{AppError, Principal};

use super::html::{bare, escape};
use super::origin::from_own_origin;
use super::session::{
    self, LOGIN_NONCE_COOKIE, LOGIN_NONCE_LIFETIME, SESSION_COOKIE, cookie, random_hex,
    secure_cookies, set_cookie, set_cookie_for,
};
use super::signed_in;
use crate::AppState;

/// `GET /seller/login`: the form, or straight to the overview when already signed in.
pub async fn login_form(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    if signed_in(&state, &headers).await.is_some() {
        return Redirect::to("/seller").into_response();
    }
    form_response(&state, &headers, &uri, StatusCode::OK, None, Nonce::Keep)
}

/// `POST /seller/login` with form fields `token` and `csrf`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    if !from_own_origin(state.config.public_origin.as_deref(), &headers) {
        return forbidden();
    }
    let fields = Fields::parse(&body);
    let nonce = cookie(&headers, LOGIN_NONCE_COOKIE).unwrap_or_default();
    if !state
        .seller_sessions
        .csrf_valid(&login_binding(nonce), &fields.csrf)
    {
        return forbidden();
    }
    // Spent by this attempt whatever its outcome: a form posted twice is a replay.
    if !state.seller_sessions.spend_login_nonce(nonce) {
        return forbidden();
    }
    let token = fields.token.trim();
    let principal = match state.app.authenticate(token).await {
        Ok(principal) => principal,
        Err(AppError::Unauthenticated) => {
            let message = "That token is not valid: it may be mistyped or revoked.";
            return form_response(
                &state,
                &headers,
                &uri,
                StatusCode::UNAUTHORIZED,
                Some(message),
                Nonce::Fresh,
            );
        }
        Err(error) => {
            tracing::error!(%error, "seller center: checking a token failed");
            return form_response(
                &state,
                &headers,
                &uri,
                StatusCode::INTERNAL_SERVER_ERROR,
                Some("The token could not be checked just now; please try again."),
                Nonce::Fresh,
            );
        }
    };
    if matches!(principal, Principal::Buyer { .. }) {
        return form_response(
            &state,
            &headers,
            &uri,
            StatusCode::FORBIDDEN,
            Some("That is a buyer token; the seller center needs a seller or admin token."),
            Nonce::Fresh,
        );
    }
    // A fresh id on every sign-in, so a session id planted before it is worthless.
    if let Some(old) = session::session_id(&headers) {
        state.seller_sessions.end(old);
    }
    let session_id = state.seller_sessions.create(token);
    let secure = secure_cookies(state.config.secure_cookies, &headers, &uri);
    let mut response = Redirect::to("/seller").into_response();
    let response_headers = response.headers_mut();
    response_headers.append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, Some(&session_id), "/", secure),
    );
    response_headers.append(
        header::SET_COOKIE,
        set_cookie(LOGIN_NONCE_COOKIE, None, "/seller", secure),
    );
    response
}

/// `POST /seller/logout` with the session's CSRF token.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    if !from_own_origin(state.config.public_origin.as_deref(), &headers) {
        return forbidden();
    }
    let fields = Fields::parse(&body);
    let Some(session_id) = session::session_id(&headers) else {
        return forbidden();
    };
    if !state
        .seller_sessions
        .csrf_valid(&session_binding(session_id), &fields.csrf)
    {
        return forbidden();
    }
    state.seller_sessions.end(session_id);
    let mut response = Redirect::to("/seller/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            None,
            "/",
            secure_cookies(state.config.secure_cookies, &headers, &uri),
        ),
    );
    response
}

/// What a session's forms are bound to.
pub fn session_binding(session_id: &str) -> String {
    format!("session:{session_id}")
}

fn login_binding(nonce: &str) -> String {
    if nonce.is_empty() {
        String::new()
    } else {
        format!("login:{nonce}")
    }
}

#[derive(Default)]
struct Fields {
    token: String,
    csrf: String,
}

impl Fields {
    fn parse(body: &[u8]) -> Fields {
        let mut fields = Fields::default();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "token" => fields.token = value.into_owned(),
                "csrf" => fields.csrf = value.into_owned(),
                _ => {}
            }
        }
        fields
    }
}

fn forbidden() -> Response {
    let main = "<h1>Form refused</h1>\n<p>This form was missing its security token or came from \
                another site. <a href=\"/seller/login\">Open the sign-in page again</a> and \
                retry.</p>\n";
    (StatusCode::FORBIDDEN, Html(bare("Form refused", main))).into_response()
}

/// Whether the sign-in form may keep the browser's login nonce.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nonce {
    /// One nonce per browser while it lasts, so two open tabs both work.
    Keep,
    /// After a sign-in attempt: that nonce is spent, the next form needs a new one.
    Fresh,
}

fn form_response(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    status: StatusCode,
    error: Option<&str>,
    nonce: Nonce,
) -> Response {
    let existing = cookie(headers, LOGIN_NONCE_COOKIE)
        .filter(|existing| existing.len() == 64 && nonce == Nonce::Keep);
    let nonce = existing.map_or_else(random_hex, str::to_string);
    let csrf = state.seller_sessions.csrf_token(&login_binding(&nonce));
    let error = error
        .map(|message| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"login-error\">{}</p>\n",
                escape(message)
            )
        })
        .unwrap_or_default();
    let main = format!(
        "<h1>Sign in to the seller center</h1>\n{error}\
         <form method=\"post\" action=\"/seller/login\" class=\"login\">\n\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\n\
         <label for=\"token\">API token</label>\n\
         <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" \
         spellcheck=\"false\" required placeholder=\"srk_…\">\n\
         <button type=\"submit\" id=\"sign-in\">Sign in</button>\n</form>\n\
         <p>Paste a seller API token to see your store, or an admin token to see the whole \
         platform. Tokens start with <code>srk_</code>; create one with <code>silkroute token \
         create --role seller --seller SELLER_ID</code> or ask an operator.</p>\n\
         <p class=\"note\">Signing in with a password is not available yet: sellers have no \
         passwords, only API tokens.</p>\n",
        csrf = escape(&csrf),
    );
    let mut response = (status, Html(bare("Sign in", &main))).into_response();
    if existing.is_none() {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie_for(
                LOGIN_NONCE_COOKIE,
                Some(&nonce),
                "/seller",
                secure_cookies(state.config.secure_cookies, headers, uri),
                Some(LOGIN_NONCE_LIFETIME),
            ),
        );
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        let fields = Fields::parse(b"token=srk_a%2Bb&csrf=00ff&other=1");
        assert_eq!(fields.token, "srk_a+b");
        assert_eq!(fields.csrf, "00ff");
    }
}
