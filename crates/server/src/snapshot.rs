//! What requests read: the committed manifest, query engines over it, and
//! answers cached per manifest generation.
//!
//! Every commit (import, mark, setting, fraud run) replaces the manifest and
//! bumps its generation, so an answer cached under a generation is exactly
//! what recomputing it would give. Engines are pooled because analyses
//! register scratch tables in their session: two analyses must not share
//! one at the same time. Engines own a runtime, so they are created and
//! dropped on blocking threads only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use levain_store::Manifest;
use levain_store::manifest::MANIFEST;
use levain_store::query::Engine;
use tokio::sync::OnceCell;

use crate::error::{ApiError, ApiResult};

/// Engines kept per generation; more concurrent analyses create more.
const POOL: usize = 4;
/// Cached answers kept; beyond, the cache starts over.
const CACHE_ENTRIES: usize = 1024;

/// What an analysis sees: one committed state of the store.
pub struct Ctx<'a> {
    pub root: &'a Path,
    pub manifest: &'a Manifest,
    pub engine: &'a Engine,
    pub own: Vec<String>,
}

type Cell = Arc<OnceCell<Bytes>>;

pub struct Snapshots {
    root: PathBuf,
    engines: Mutex<Vec<(u64, Engine)>>,
    cache: Mutex<HashMap<(u64, String), Cell>>,
}

impl Snapshots {
    pub fn new(root: PathBuf) -> Snapshots {
        Snapshots {
            root,
            engines: Mutex::new(Vec::new()),
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The committed manifest, read now.
    pub fn manifest(&self) -> ApiResult<Manifest> {
        if !self.root.join(MANIFEST).is_file() {
            return Err(levain_store::StoreError::NotAStore {
                path: self.root.clone(),
            }
            .into());
        }
        Ok(Manifest::load(&self.root)?)
    }

    /// Runs `f` over the current snapshot on a blocking thread, or returns
    /// its cached answer for this generation. Identical concurrent requests
    /// compute once.
    pub async fn cached<F>(self: &Arc<Self>, key: String, f: F) -> ApiResult<Bytes>
    where
        F: FnOnce(&Ctx) -> ApiResult<Vec<u8>> + Send + 'static,
    {
        let me = self.clone();
        let manifest = tokio::task::spawn_blocking(move || me.manifest())
            .await
            .map_err(ApiError::internal)??;
        let generation = manifest.generation;
        let cell = {
            let mut cache = self.cache.lock().expect("cache lock");
            if cache.len() > CACHE_ENTRIES || cache.keys().any(|(g, _)| *g < generation) {
                cache.retain(|(g, _), _| *g >= generation);
                if cache.len() > CACHE_ENTRIES {
                    cache.clear();
                }
            }
            cache
                .entry((generation, key))
                .or_insert_with(|| Arc::new(OnceCell::new()))
                .clone()
        };
        let me = self.clone();
        cell.get_or_try_init(|| async move {
            tokio::task::spawn_blocking(move || me.run(manifest, f).map(Bytes::from))
                .await
                .map_err(ApiError::internal)?
        })
        .await
        .cloned()
    }

    /// Runs `f` over the current snapshot without caching (for answers that
    /// must see the very latest state, such as the import list).
    pub async fn fresh<F, T>(self: &Arc<Self>, f: F) -> ApiResult<T>
    where
        F: FnOnce(&Ctx) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let manifest = me.manifest()?;
            me.run(manifest, f)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Blocking: checks out an engine for `manifest`, runs `f`, returns it.
    fn run<T>(&self, manifest: Manifest, f: impl FnOnce(&Ctx) -> ApiResult<T>) -> ApiResult<T> {
        let generation = manifest.generation;
        let pooled = {
            let mut pool = self.engines.lock().expect("engine pool");
            let stale: Vec<(u64, Engine)> = {
                let (keep, stale) = std::mem::take(&mut *pool)
                    .into_iter()
                    .partition(|(g, _)| *g >= generation);
                *pool = keep;
                stale
            };
            drop(stale);
            pool.iter()
                .position(|(g, _)| *g == generation)
                .map(|i| pool.swap_remove(i).1)
        };
        let engine = match pooled {
            Some(e) => e,
            None => Engine::new(&self.root, &manifest)?,
        };
        let ctx = Ctx {
            root: &self.root,
            own: manifest.own.iter().cloned().collect(),
            manifest: &manifest,
            engine: &engine,
        };
        let out = f(&ctx);
        let mut pool = self.engines.lock().expect("engine pool");
        if pool.len() < POOL {
            pool.push((generation, engine));
        } else {
            drop(pool);
            drop(engine);
        }
        out
    }
}

impl Drop for Snapshots {
    fn drop(&mut self) {
        // An engine's runtime may not be dropped from async code.
        let engines = std::mem::take(self.engines.get_mut().expect("engine pool"));
        if !engines.is_empty() {
            let _ = std::thread::spawn(move || drop(engines)).join();
        }
    }
}
