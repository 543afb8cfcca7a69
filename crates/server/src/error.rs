//! Errors as JSON a person can read: `{"error": "…", "status": 400,
//! "parameter": "from"}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use levain_analytics::AnalyticsError;
use levain_store::StoreError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// The query parameter or field at fault, for 400s.
    pub parameter: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            parameter: None,
        }
    }

    /// A bad query parameter or body field, named.
    pub fn param(name: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: format!("parameter `{name}`: {}", message.into()),
            parameter: Some(name.to_owned()),
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message.to_string())
    }

    /// The store's writer is held by someone else.
    pub fn busy() -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "the store is busy: an import or another levain command is writing to it; try again in a moment",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotAStore { .. } => ApiError::new(
                StatusCode::CONFLICT,
                "the store is empty: import data first (POST /api/v1/imports, the Imports page, or `levain import`)",
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<AnalyticsError> for ApiError {
    fn from(e: AnalyticsError) -> ApiError {
        match e {
            AnalyticsError::Store(s) => s.into(),
            AnalyticsError::NoOwnAccounts => ApiError::new(
                StatusCode::CONFLICT,
                "no own accounts are declared, so there is no audience to measure; declare yours with `levain own add ACCOUNT`",
            ),
            AnalyticsError::UnknownTimeZone(z) => ApiError::param(
                "tz",
                format!(
                    "unknown time zone `{z}`: give an IANA name such as Europe/Paris, or `local`"
                ),
            ),
            AnalyticsError::SuspiciousNotAvailable => ApiError::param(
                "exclude_suspicious",
                "there are no fraud verdicts yet: run the detection first (POST /api/v1/fraud/run or `levain fraud`)",
            ),
            AnalyticsError::Mixed(m) => ApiError::new(StatusCode::CONFLICT, m),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!("{}", self.message);
        }
        let mut body = serde_json::json!({
            "error": self.message,
            "status": self.status.as_u16(),
        });
        if let Some(p) = &self.parameter {
            body["parameter"] = p.clone().into();
        }
        let mut r = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"levain\""),
            );
        }
        if self.status == StatusCode::CONFLICT && self.message.starts_with("the store is busy") {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        r
    }
}
