//! Who may call the API: anyone on loopback, unless a token is set; off
//! loopback, only holders of the token (`Authorization: Bearer TOKEN`),
//! compared in constant time.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// Whether serving on `addr` needs a token: anything but loopback does
/// (`0.0.0.0` and `::` listen on every interface).
pub fn token_required(addr: &SocketAddr) -> bool {
    !addr.ip().is_loopback()
}

/// Whether the request's credentials match `token`. Lengths leak (the
/// comparison of equal-length strings does not).
pub fn authorized(header_value: Option<&str>, token: &str) -> bool {
    let Some(given) = header_value.and_then(|h| h.strip_prefix("Bearer ")) else {
        return false;
    };
    given.trim().as_bytes().ct_eq(token.as_bytes()).into()
}

pub async fn require_token(
    State(state): State<crate::State>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(token) = state.config.token.as_deref().filter(|t| !t.is_empty()) {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if !authorized(given, token) {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this server needs its token: send `Authorization: Bearer TOKEN` (the token given to `levain serve --token` or LEVAIN_TOKEN)",
            )
            .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only_is_open() {
        for (a, need) in [
            ("127.0.0.1:8080", false),
            ("[::1]:8080", false),
            ("0.0.0.0:8080", true),
            ("[::]:8080", true),
            ("192.168.1.10:80", true),
        ] {
            assert_eq!(token_required(&a.parse().unwrap()), need, "{a}");
        }
    }

    #[test]
    fn token_must_match_exactly() {
        assert!(authorized(Some("Bearer s3cret"), "s3cret"));
        assert!(!authorized(Some("Bearer s3cre"), "s3cret"));
        assert!(!authorized(Some("Bearer s3cret!"), "s3cret"));
        assert!(!authorized(Some("s3cret"), "s3cret"));
        assert!(!authorized(None, "s3cret"));
    }
}
