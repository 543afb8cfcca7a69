use std::path::{Path, PathBuf};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{} is not a levain store (no manifest.json); import data with `levain import`, or try `levain demo`",
        path.display()
    )]
    NotAStore { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is damaged: {message}", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error("{}: this store was written by a newer levain (store format {found}, this levain reads up to {supported}); upgrade levain", path.display())]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{0}")]
    Query(#[from] datafusion::error::DataFusionError),
    #[error("{0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error("{0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
}

/// Attaches `path` to an I/O error.
pub(crate) fn io<T>(path: &Path, r: std::io::Result<T>) -> Result<T> {
    r.map_err(|source| StoreError::Io {
        path: path.to_owned(),
        source,
    })
}
