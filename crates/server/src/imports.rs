//! Uploads: `POST /api/v1/imports?name=FILE[&format=F][&site=HOST]` with the
//! file as the body, streamed to a temporary file, then imported by the
//! same pipeline as `levain import` on a blocking thread. Progress at
//! `GET /api/v1/imports/{id}`.
//!
//! Uploads import one at a time; an import waits for any other writer
//! (a `levain` command) to finish, and says so in its state.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use futures::StreamExt;
use levain_import::{FileSummary, ImportOptions, InputFile, Progress, import_paths, source_named};
use levain_store::Store;
use serde::Serialize;
use tokio::io::AsyncWriteExt;

use crate::api::{json, json_response, pairs};
use crate::error::{ApiError, ApiResult};
use crate::params::{Kind, Param, Params, p};

pub const PARAMS: &[Param] = &[
    p(
        "name",
        Kind::Text,
        "The file's name (kept in the import's records).",
    ),
    p(
        "format",
        Kind::Text,
        "Force a format by the name `levain import FORMAT` takes (bluesky-jetstream, reddit, mastodon-archive, x-archive, organic-costs, …); detected from the content otherwise.",
    ),
    p(
        "site",
        Kind::Text,
        "The forum's host for Discourse files in which no avatar names it.",
    ),
];

/// Where an upload is.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Receiving,
    Queued,
    /// Another writer (an import, a `levain` command) holds the store.
    WaitingForWriter,
    Importing,
    Done,
    Failed,
}

#[derive(Serialize, Clone, Debug)]
pub struct Job {
    pub id: String,
    pub name: String,
    pub state: Stage,
    /// Bytes of the body received so far, and the size announced, if any.
    pub received: u64,
    pub size: Option<u64>,
    /// Bytes the importer has read (of `received`).
    pub imported_bytes: u64,
    pub started_at: String,
    /// What went wrong, when `state` is `failed`.
    pub error: Option<String>,
    /// `levain import --json`'s summary once done.
    pub summary: Option<serde_json::Value>,
}

pub struct Imports {
    jobs: Mutex<BTreeMap<String, Arc<Mutex<Job>>>>,
    next: AtomicU64,
    one_at_a_time: tokio::sync::Semaphore,
}

impl Default for Imports {
    fn default() -> Self {
        Imports {
            jobs: Mutex::default(),
            next: AtomicU64::new(1),
            one_at_a_time: tokio::sync::Semaphore::new(1),
        }
    }
}

impl Imports {
    fn add(&self, name: String, size: Option<u64>) -> Arc<Mutex<Job>> {
        let id = format!("up-{:06}", self.next.fetch_add(1, Ordering::Relaxed));
        let job = Arc::new(Mutex::new(Job {
            id: id.clone(),
            name,
            state: Stage::Receiving,
            received: 0,
            size,
            imported_bytes: 0,
            started_at: chrono::Utc::now().to_rfc3339(),
            error: None,
            summary: None,
        }));
        self.jobs.lock().expect("jobs").insert(id, job.clone());
        job
    }

    pub fn get(&self, id: &str) -> Option<Job> {
        let jobs = self.jobs.lock().expect("jobs");
        jobs.get(id).map(|j| j.lock().expect("job").clone())
    }

    pub fn all(&self) -> Vec<Job> {
        let jobs = self.jobs.lock().expect("jobs");
        jobs.values()
            .map(|j| j.lock().expect("job").clone())
            .collect()
    }
}

fn set(job: &Mutex<Job>, f: impl FnOnce(&mut Job)) {
    f(&mut job.lock().expect("job"));
}

/// Keeps letters, digits, `.`, `-`, `_` of the base name.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    let clean = clean.trim_start_matches('.').to_owned();
    if clean.is_empty() {
        "upload".into()
    } else {
        clean
    }
}

fn too_large(max: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the upload is larger than this server accepts ({max} bytes); start `levain serve` with a larger --max-upload, or import the file with `levain import`"
        ),
    )
}

async fn upload(
    State(state): State<crate::State>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let q = Params::parse(pairs(q.as_deref()), &[PARAMS])?;
    let format = q
        .text("format")
        .filter(|f| !f.is_empty())
        .map(str::to_owned);
    if let Some(f) = &format
        && source_named(f).is_none()
    {
        let names: Vec<&str> = levain_import::sources().iter().map(|s| s.name()).collect();
        return Err(ApiError::param(
            "format",
            format!("`{f}` is not a format levain reads ({})", names.join(", ")),
        ));
    }
    let max = state.config.max_upload;
    let size = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if size.is_some_and(|s| s > max) {
        return Err(too_large(max));
    }
    let name = safe_name(q.text("name").unwrap_or("upload"));
    let dir = tempfile::Builder::new()
        .prefix("levain-upload-")
        .tempdir()
        .map_err(|e| ApiError::internal(format!("cannot create a temporary directory: {e}")))?;
    let path = dir.path().join(&name);
    let job = state.imports.add(name, size);
    let received = async {
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
        let mut stream = body.into_data_stream();
        let mut n = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("the upload was interrupted: {e}"),
                )
            })?;
            n += chunk.len() as u64;
            if n > max {
                return Err(too_large(max));
            }
            file.write_all(&chunk)
                .await
                .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
            set(&job, |j| j.received = n);
        }
        file.flush()
            .await
            .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
        if n == 0 {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "the upload is empty: send the file as the request body",
            ));
        }
        Ok(())
    }
    .await;
    if let Err(e) = received {
        set(&job, |j| {
            j.state = Stage::Failed;
            j.error = Some(e.message.clone());
        });
        return Err(e);
    }
    set(&job, |j| j.state = Stage::Queued);
    let opts = ImportOptions {
        format,
        site: q.text("site").filter(|s| !s.is_empty()).map(str::to_owned),
        ..ImportOptions::default()
    };
    let root = state.snapshots.root().to_owned();
    let st = state.clone();
    let j = job.clone();
    tokio::spawn(async move {
        let _permit = st.imports.one_at_a_time.acquire().await;
        let j2 = j.clone();
        let result =
            tokio::task::spawn_blocking(move || run_import(&root, vec![path], &opts, &j2)).await;
        drop(dir);
        set(&j, |j| match result {
            Ok(Ok(summary)) => {
                j.state = Stage::Done;
                j.summary = Some(summary);
            }
            Ok(Err(e)) => {
                j.state = Stage::Failed;
                j.error = Some(e);
            }
            Err(e) => {
                j.state = Stage::Failed;
                j.error = Some(format!("the import stopped: {e}"));
            }
        });
    });
    let body = {
        let j = job.lock().expect("job");
        serde_json::json!({"id": j.id, "url": format!("/api/v1/imports/{}", j.id), "state": j.state, "received": j.received})
    };
    let mut r = json_response(json(&body)?.into());
    *r.status_mut() = StatusCode::ACCEPTED;
    Ok(r)
}

struct Track<'a>(&'a Mutex<Job>);

impl Progress for Track<'_> {
    fn advance(&self, bytes: u64) {
        set(self.0, |j| j.imported_bytes += bytes);
    }
}

fn run_import(
    root: &std::path::Path,
    paths: Vec<PathBuf>,
    opts: &ImportOptions,
    job: &Mutex<Job>,
) -> Result<serde_json::Value, String> {
    let store = Store::open_or_create(root).map_err(|e| e.to_string())?;
    // Say why nothing moves while another writer holds the store.
    match store.try_writer() {
        Ok(Some(w)) => drop(w),
        Ok(None) => set(job, |j| j.state = Stage::WaitingForWriter),
        Err(e) => return Err(e.to_string()),
    }
    struct Started<'a>(&'a Mutex<Job>);
    impl Progress for Started<'_> {
        fn file_started(&self, _: &InputFile, _: &str) {
            set(self.0, |j| j.state = Stage::Importing);
        }
        fn advance(&self, bytes: u64) {
            Track(self.0).advance(bytes);
        }
        fn file_done(&self, _: &FileSummary) {}
    }
    let summary = import_paths(&store, &paths, opts, &Started(job)).map_err(|e| e.to_string())?;
    serde_json::to_value(&summary).map_err(|e| e.to_string())
}

async fn status(State(state): State<crate::State>, Path(id): Path<String>) -> ApiResult<Response> {
    match state.imports.get(&id) {
        Some(job) => Ok(json_response(json(&job)?.into())),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no upload `{id}` on this server (ids are like up-000001; see GET /api/v1/imports)"
            ),
        )),
    }
}

/// This server's uploads, and the store's import history.
async fn list(State(state): State<crate::State>) -> ApiResult<Response> {
    let uploads = state.imports.all();
    let history = match state.snapshots.manifest() {
        Ok(m) => m.imports,
        Err(_) => Vec::new(),
    };
    Ok(json_response(
        json(&serde_json::json!({"uploads": uploads, "imports": history}))?.into(),
    ))
}

pub fn routes() -> Router<crate::State> {
    Router::new()
        .route("/api/v1/imports", get(list).post(upload))
        .route("/api/v1/imports/{id}", get(status))
}
