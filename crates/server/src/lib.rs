//! `levain serve`: the JSON API and the dashboard, one process over a store.
//!
//! - [`api`]: the analyses under `/api/v1/<name>`, one line each in
//!   [`api::ANALYSES`] (same JSON as the CLI's `--json`, same filters as
//!   query parameters), plus the [`overview`], fraud review and
//!   [`charts`] (the reports' chart code, as SVG).
//! - [`snapshot`]: what a request reads: the committed manifest, a pool of
//!   query engines over it, and results cached per manifest generation (every
//!   commit bumps it, so a cached answer is never stale).
//! - [`imports`]: uploads streamed to a temporary file, imported by the
//!   existing pipeline on a blocking thread, with progress.
//! - [`auth`]: the token policy (required off loopback, compared in constant
//!   time); [`assets`]: the dashboard, compiled in, with a strict CSP.
//! - [`openapi`]: the OpenAPI document, built from the same tables as the router.
//!
//! Analyses run on blocking threads (the query engine blocks on its own
//! runtime), never on the server's async workers.

pub mod api;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod discovery;
pub mod error;
pub mod fraud;
pub mod imports;
pub mod openapi;
pub mod overview;
pub mod params;
pub mod report;
pub mod snapshot;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::timeout::TimeoutLayer;

pub use auth::token_required;
pub use error::ApiError;

/// How the server is set up (`levain serve` flags).
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub data: PathBuf,
    /// Required on every API request when set; mandatory off loopback.
    pub token: Option<String>,
    /// Largest upload accepted by `POST /api/v1/imports`, in bytes.
    pub max_upload: u64,
    /// Longest a request may take (uploads excepted).
    pub timeout: Duration,
}

impl Config {
    pub fn new(addr: SocketAddr, data: PathBuf) -> Config {
        Config {
            addr,
            data,
            token: None,
            max_upload: 2 << 30,
            timeout: Duration::from_secs(300),
        }
    }
}

/// Largest body of any request but an upload (marks, settings).
pub const MAX_BODY: usize = 64 * 1024;

/// Shared by every handler.
pub struct AppState {
    pub config: Config,
    pub snapshots: Arc<snapshot::Snapshots>,
    pub imports: imports::Imports,
}

pub type State = Arc<AppState>;

/// The whole application: API, dashboard, limits, auth.
pub fn app(config: Config) -> anyhow::Result<Router> {
    if token_required(&config.addr) && config.token.as_deref().is_none_or(str::is_empty) {
        anyhow::bail!(
            "{} is not a loopback address: anyone on the network could read this store. Give a token with --token or LEVAIN_TOKEN (clients send `Authorization: Bearer TOKEN`), or bind 127.0.0.1",
            config.addr
        );
    }
    let state: State = Arc::new(AppState {
        snapshots: Arc::new(snapshot::Snapshots::new(config.data.clone())),
        imports: imports::Imports::default(),
        config,
    });
    // The overview and cohorts take seconds to a minute on 10^7 events:
    // start them now, so the dashboard's first page finds them ready (a
    // request meanwhile waits for the same computation, not a second one).
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let state = state.clone();
        runtime.spawn(async move {
            for name in ["overview", "cohorts"] {
                if let Some(analysis) = api::find(name) {
                    let _ = api::answer(&state, analysis, Vec::new()).await;
                }
            }
        });
    }
    let timeout = state.config.timeout;
    let api =
        api::routes()
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .layer(TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                timeout,
            ));
    // Uploads get their own limit and no overall timeout: a large export
    // over a slow link may take long, and the handler counts every byte.
    let uploads = imports::routes().layer(DefaultBodyLimit::disable());
    let protected = api
        .merge(uploads)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ));
    Ok(Router::new()
        .merge(protected)
        .merge(assets::routes())
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn(assets::security_headers))
        .with_state(state))
}

/// Binds and serves until Ctrl-C.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let addr = config.addr;
    let app = app(config)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    eprintln!("levain serve: dashboard at http://{local}/  (API at /api/v1/, Ctrl-C to stop)");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
