//! `GET /api/v1/report?lang=fr|en&format=html|pdf` and the filters: the
//! report for the boss, the very document `levain report` writes (both call
//! [`levain_report::report`]), sent as a download.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use levain_report::{Format, Locale, ReportError};

use crate::api::pairs;
use crate::error::{ApiError, ApiResult};
use crate::params::{FILTERS, Kind, Param, Params, p};

pub const PARAMS: &[Param] = &[
    p(
        "lang",
        Kind::Text,
        "The report's language (numbers and dates follow it).",
    )
    .one_of(&["en", "fr"]),
    p("format", Kind::Text, "A self-contained HTML page or a PDF.").one_of(&["html", "pdf"]),
];

/// The HTML report carries its style inline and no script; it gets its own
/// policy instead of the dashboard's.
pub const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> ApiError {
        match e {
            ReportError::Analytics(a) => a.into(),
            other => ApiError::internal(other),
        }
    }
}

pub async fn handler(
    State(state): State<crate::State>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let params = Params::parse(pairs(q.as_deref()), &[FILTERS, PARAMS])?;
    params.filters()?;
    let lang = params.text("lang").unwrap_or("en").to_owned();
    let locale = Locale::parse(&lang).unwrap_or(Locale::En);
    let (format, ext, mime) = match params.text("format").unwrap_or("html") {
        "pdf" => (Format::Pdf, "pdf", "application/pdf"),
        _ => (Format::Html, "html", "text/html; charset=utf-8"),
    };
    let key = format!("report?{}", params.key());
    let body = state
        .snapshots
        .cached(key, move |c| {
            let filters = params.filters()?;
            Ok(levain_report::report(
                c.engine,
                &levain_report::Subject {
                    own: &c.own,
                    topics: &c.manifest.topics,
                    settings: &c.manifest.settings,
                },
                &filters,
                locale,
                format,
                &mut |_| {},
            )?)
        })
        .await?;
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let name = format!("attachment; filename=\"levain-report-{lang}.{ext}\"");
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&name).map_err(ApiError::internal)?,
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(REPORT_CSP),
    );
    Ok(r)
}
