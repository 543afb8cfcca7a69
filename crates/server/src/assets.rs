//! The dashboard: files compiled into the binary (it works offline), the
//! same page for every dashboard path (the script draws the page the path
//! names), and security headers on every answer.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const ICON: &str = include_str!("../assets/icon.svg");

/// Dashboard pages; each serves [`INDEX`].
pub const PAGES: &[&str] = &[
    "/",
    "/cohorts",
    "/fraud",
    "/roi",
    "/actions",
    "/amplifiers",
    "/venues",
    "/report",
    "/imports",
];

/// No inline script or style, nothing from elsewhere: user texts that slip
/// past escaping still cannot run.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

fn file(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

pub fn routes() -> Router<crate::State> {
    let mut r = Router::new()
        .route(
            "/assets/app.js",
            get(|| async { file(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/app.css",
            get(|| async { file(APP_CSS, "text/css; charset=utf-8") }),
        )
        // Browsers ask for /favicon.ico whatever the page says.
        .route(
            "/assets/icon.svg",
            get(|| async { file(ICON, "image/svg+xml") }),
        )
        .route(
            "/favicon.ico",
            get(|| async { file(ICON, "image/svg+xml") }),
        );
    for page in PAGES {
        r = r.route(
            page,
            get(|| async { file(INDEX, "text/html; charset=utf-8") }),
        );
    }
    r
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut r = next.run(request).await;
    let h = r.headers_mut();
    // A response with its own policy (the report download) keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}
