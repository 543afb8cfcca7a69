//! GET with the manners a public API expects: rate-limit headers honoured
//! (`RateLimit-*` on Bluesky, `X-RateLimit-*` on Mastodon), `Retry-After`
//! obeyed, exponential backoff with jitter on 429, 5xx and network errors
//! (a dropped connection included), client errors reported at once.

use std::time::Duration;

use anyhow::{Context, bail};
use rand::Rng;
use reqwest::header::HeaderMap;

/// How hard to retry, and how long any single wait may be.
#[derive(Clone, Debug)]
pub struct Retry {
    pub attempts: u32,
    pub base: Duration,
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 8,
            base: Duration::from_millis(500),
            max_wait: Duration::from_secs(300),
        }
    }
}

pub struct Http {
    client: reqwest::Client,
    retry: Retry,
    token: Option<String>,
    /// Requests sent, retries included (for reports and tests).
    pub requests: std::cell::Cell<u64>,
}

/// A successful response: its body and the next page's URL from a `Link`
/// header, if any (Mastodon pages that way; Bluesky puts `cursor` in the body).
pub struct Page {
    pub body: Vec<u8>,
    pub next: Option<String>,
}

impl Http {
    pub fn new(retry: Retry, token: Option<String>) -> anyhow::Result<Http> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("levain/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Http {
            client,
            retry,
            token,
            requests: std::cell::Cell::new(0),
        })
    }

    pub async fn get(&self, url: &str) -> anyhow::Result<Page> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.requests.set(self.requests.get() + 1);
            let mut req = self.client.get(url);
            if let Some(t) = &self.token {
                req = req.bearer_auth(t);
            }
            let failure = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    if status.is_success() {
                        match resp.bytes().await {
                            Ok(body) => {
                                if let Some(w) = exhausted_wait(&headers) {
                                    let w = w.min(self.retry.max_wait);
                                    tracing::info!(
                                        "rate limit reached; waiting {w:?} as the server asks"
                                    );
                                    tokio::time::sleep(w).await;
                                }
                                return Ok(Page {
                                    body: body.to_vec(),
                                    next: link_next(&headers),
                                });
                            }
                            Err(e) => (format!("the connection broke during the body: {e}"), None),
                        }
                    } else if status.as_u16() == 429 || status.is_server_error() {
                        let hint = retry_after(&headers).or_else(|| exhausted_wait(&headers));
                        (format!("HTTP {status}"), hint)
                    } else {
                        let body = resp.text().await.unwrap_or_default();
                        let body: String = body.chars().take(300).collect();
                        bail!("{url}: HTTP {status}: {body}");
                    }
                }
                Err(e) => (format!("{e}"), None),
            };
            let (why, hint) = failure;
            if attempt >= self.retry.attempts {
                bail!("{url}: {why}, {attempt} attempts; run the same command again to resume");
            }
            let wait = hint
                .unwrap_or_else(|| self.backoff(attempt))
                .min(self.retry.max_wait);
            tracing::warn!("{url}: {why}; retrying in {wait:?} (attempt {attempt})");
            tokio::time::sleep(wait).await;
        }
    }

    /// base × 2^(attempt-1), times a random factor in [0.5, 1.5).
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.retry.base.saturating_mul(1 << (attempt - 1).min(16));
        exp.mul_f64(rand::rng().random_range(0.5..1.5))
    }

    pub async fn get_json(&self, url: &str) -> anyhow::Result<(serde_json::Value, Page)> {
        let page = self.get(url).await?;
        let v = serde_json::from_slice(&page.body)
            .with_context(|| format!("{url}: the response is not JSON"))?;
        Ok((v, page))
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name)?.to_str().ok().map(str::trim)
}

/// `Retry-After`: seconds or an HTTP date.
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = header(h, "retry-after")?;
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let d = at.timestamp_millis() - chrono::Utc::now().timestamp_millis();
    Some(Duration::from_millis(d.max(0) as u64))
}

/// When the rate-limit headers say no request is left: how long until the
/// window resets. `RateLimit-Reset` is epoch seconds (Bluesky) or seconds
/// from now (the IETF draft); `X-RateLimit-Reset` an ISO time (Mastodon).
fn exhausted_wait(h: &HeaderMap) -> Option<Duration> {
    let remaining =
        header(h, "ratelimit-remaining").or_else(|| header(h, "x-ratelimit-remaining"))?;
    if remaining.parse::<i64>().ok()? > 0 {
        return None;
    }
    let reset = header(h, "ratelimit-reset").or_else(|| header(h, "x-ratelimit-reset"))?;
    let now = chrono::Utc::now().timestamp_millis();
    let ms = if let Ok(n) = reset.parse::<i64>() {
        if n > 1_000_000_000 {
            n * 1000 - now
        } else {
            n * 1000
        }
    } else {
        chrono::DateTime::parse_from_rfc3339(reset)
            .ok()?
            .timestamp_millis()
            - now
    };
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// The `rel="next"` target of a `Link` header.
pub fn link_next(h: &HeaderMap) -> Option<String> {
    let v = header(h, "link")?;
    v.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn headers_are_read() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(
                "<https://m.example/api/v1/x?max_id=7>; rel=\"next\", <https://m.example/api/v1/x?min_id=9>; rel=\"prev\"",
            ),
        );
        assert_eq!(
            link_next(&h).as_deref(),
            Some("https://m.example/api/v1/x?max_id=7")
        );
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert(
            "x-ratelimit-reset",
            HeaderValue::from_static("2000-01-01T00:00:00.000Z"),
        );
        assert_eq!(exhausted_wait(&h), Some(Duration::ZERO));
        h.insert("ratelimit-remaining", HeaderValue::from_static("5"));
        assert_eq!(exhausted_wait(&h), None);
    }
}
