//! SQL over a manifest snapshot, with DataFusion.
//!
//! Stored tables are registered under their raw names; the names users see
//! are views that fold observations and attach end-times:
//!
//! | SQL name | what it is |
//! |---|---|
//! | `accounts` | one row per account: latest handle, name, bio, status, `own`, first/last seen |
//! | `persons` | one row per account with the person it belongs to (itself unless linked) |
//! | `person_links` | the latest `levain persons` matching: person, account, rule, confidence, evidence (one row per account of a person of several accounts) |
//! | `posts` | posts, with `deleted_at` when the post was deleted |
//! | `interactions` | likes, reshares, replies, …, with `ended_at` when the record was deleted (an unfollow ends its follow, and names the followed account even when the follow was imported after it) |
//! | `campaigns` | the latest imported version of each (channel, name) |
//! | `conversions` | conversions as imported |
//! | `fraud_verdicts` | the latest `levain fraud` run: account, score, suspicious, patterns, reasons |
//! | `fraud_marks` | the user's own verdicts (`levain fraud mark`): account, verdict (`real`/`fake`), at |
//! | `suspicious_accounts` | what `--exclude-suspicious` leaves out: the detector's suspicious accounts, minus those marked real, plus those marked fake |
//! | `deletions`, `account_observations`, `posts_raw`, `interactions_raw`, `campaigns_raw` | the stored tables themselves |

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::TableProvider;
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::prelude::{SessionConfig, SessionContext};
use levain_model::Table;
use std::sync::LazyLock;

use crate::error::Result;
use crate::manifest::Manifest;

/// A DataFusion session over one manifest snapshot.
pub struct Engine {
    ctx: SessionContext,
    runtime: Arc<tokio::runtime::Runtime>,
    /// Whether the snapshot has fraud verdicts or marks to exclude by.
    judged: bool,
    /// The store's root and the snapshot the engine reads, for derived data
    /// kept beside the segments (the analytics' audience index).
    root: std::path::PathBuf,
    manifest: Arc<Manifest>,
}

/// The raw name a stored table is registered under in SQL.
pub fn raw_name(table: Table) -> String {
    match table {
        Table::Posts | Table::Interactions | Table::Campaigns => format!("{}_raw", table.name()),
        _ => table.name().to_owned(),
    }
}

const VIEWS: &[(&str, &str)] = &[
    (
        "accounts",
        "SELECT a.*, o.account IS NOT NULL AS own FROM (
           SELECT account,
             min(channel) AS channel,
             min(native_id) AS native_id,
             last_value(handle ORDER BY observed_at) FILTER (WHERE handle IS NOT NULL) AS handle,
             last_value(display_name ORDER BY observed_at) FILTER (WHERE display_name IS NOT NULL) AS display_name,
             last_value(bio ORDER BY observed_at) FILTER (WHERE bio IS NOT NULL) AS bio,
             min(created_at) AS created_at,
             last_value(status ORDER BY observed_at) FILTER (WHERE status IS NOT NULL) AS status,
             min(observed_at) AS first_seen,
             max(observed_at) AS last_seen
           FROM account_observations GROUP BY account) a
         LEFT JOIN own_accounts o ON a.account = o.account",
    ),
    (
        "persons",
        "SELECT COALESCE(l.person, a.account) AS person, a.account,
                COALESCE(l.rule, 'self') AS rule, COALESCE(l.confidence, 1.0) AS confidence
         FROM accounts a LEFT JOIN person_links l ON a.account = l.account",
    ),
    (
        "posts",
        "SELECT p.*, d.at AS deleted_at FROM posts_raw p
         LEFT JOIN (SELECT record, min(at) AS at FROM deletions GROUP BY record) d ON p.post = d.record",
    ),
    (
        "interactions",
        // An unfollow whose follow came in a later import is stored without a
        // target; the view still names it, from the follow record it ends.
        "SELECT i.actor, i.kind, i.channel, i.at, i.target_post,
                COALESCE(i.target_account, f.target_account) AS target_account,
                i.record, i.via, i.ends, i.import_id, i.source_file, i.source_pos,
                d.at AS ended_at
         FROM interactions_raw i
         LEFT JOIN (SELECT record, min(at) AS at FROM deletions GROUP BY record) d ON i.record = d.record
         LEFT JOIN (SELECT record, min(target_account) AS target_account FROM interactions_raw
                    WHERE kind = 'follow' GROUP BY record) f ON i.ends = f.record",
    ),
    (
        "suspicious_accounts",
        "SELECT account FROM fraud_verdicts WHERE suspicious
           AND account NOT IN (SELECT account FROM fraud_marks WHERE verdict = 'real')
         UNION SELECT account FROM fraud_marks WHERE verdict = 'fake'",
    ),
    (
        "campaigns",
        "SELECT channel, name, start, \"end\", spend, currency, promoted_posts, import_id, source_file, source_pos
         FROM (SELECT *, row_number() OVER (PARTITION BY channel, name ORDER BY import_id DESC, source_pos DESC) AS version
               FROM campaigns_raw)
         WHERE version = 1",
    ),
];

impl Engine {
    /// Registers the tables of `manifest` (files relative to `root`).
    pub fn new(root: &Path, manifest: &Manifest) -> Result<Engine> {
        let runtime = Arc::new(
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("levain-query")
                .build()
                .map_err(|e| crate::StoreError::Io {
                    path: root.to_owned(),
                    source: e,
                })?,
        );
        let config = SessionConfig::new().with_information_schema(true);
        let ctx = SessionContext::new_with_config(config);
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
        for table in Table::ALL {
            let files: Vec<String> = manifest
                .table(table)
                .map(|t| {
                    t.segments
                        .iter()
                        .map(|s| root.join(&s.file).to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            ctx.register_table(raw_name(table), provider(table.schema(), &files)?)?;
        }
        let own_schema = Arc::new(Schema::new(vec![Field::new(
            "account",
            DataType::Utf8,
            false,
        )]));
        let own = RecordBatch::try_new(
            own_schema.clone(),
            vec![Arc::new(StringArray::from_iter_values(manifest.own.iter()))],
        )?;
        ctx.register_table(
            "own_accounts",
            Arc::new(MemTable::try_new(own_schema, vec![vec![own]])?),
        )?;
        let verdict_files: Vec<String> = manifest
            .fraud
            .iter()
            .map(|f| root.join(&f.file).to_string_lossy().into_owned())
            .collect();
        ctx.register_table(
            "fraud_verdicts",
            provider(verdicts_schema(), &verdict_files)?,
        )?;
        let marks_schema = Arc::new(Schema::new(vec![
            Field::new("account", DataType::Utf8, false),
            Field::new("verdict", DataType::Utf8, false),
            Field::new("at", DataType::Utf8, false),
        ]));
        let marks = RecordBatch::try_new(
            marks_schema.clone(),
            vec![
                Arc::new(StringArray::from_iter_values(manifest.marks.keys())),
                Arc::new(StringArray::from_iter_values(
                    manifest.marks.values().map(|m| &m.verdict),
                )),
                Arc::new(StringArray::from_iter_values(
                    manifest.marks.values().map(|m| &m.at),
                )),
            ],
        )?;
        ctx.register_table(
            "fraud_marks",
            Arc::new(MemTable::try_new(marks_schema, vec![vec![marks]])?),
        )?;
        let link_files: Vec<String> = manifest
            .persons
            .iter()
            .map(|p| root.join(&p.file).to_string_lossy().into_owned())
            .collect();
        ctx.register_table(
            "person_links",
            provider(person_links_schema(), &link_files)?,
        )?;
        let engine = Engine {
            ctx,
            runtime,
            judged: manifest.fraud.is_some() || !manifest.marks.is_empty(),
            root,
            manifest: Arc::new(manifest.clone()),
        };
        for (name, sql) in VIEWS {
            engine.run(engine.ctx.sql(&format!("CREATE VIEW {name} AS {sql}")))?;
        }
        Ok(engine)
    }

    /// Opens the committed state of the store at `root`.
    pub fn open(store: &crate::Store) -> Result<Engine> {
        Engine::new(store.root(), &store.manifest()?)
    }

    /// Whether `levain fraud` ran (or the user marked accounts) in this
    /// snapshot, so that `suspicious_accounts` means something.
    pub fn judged(&self) -> bool {
        self.judged
    }

    /// The (absolute) root of the store this engine reads.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The manifest snapshot this engine reads.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    fn run<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// Runs one SQL statement and hands its result to `f` batch by batch,
    /// without holding it all in memory.
    pub fn for_each_batch(
        &self,
        sql: &str,
        mut f: impl FnMut(&RecordBatch) -> Result<()>,
    ) -> Result<()> {
        use futures::StreamExt;
        self.run(async {
            let mut stream = self.ctx.sql(sql).await?.execute_stream().await?;
            while let Some(batch) = stream.next().await {
                f(&batch?)?;
            }
            Ok(())
        })
    }

    /// Runs one SQL statement and collects its result.
    pub fn sql(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        self.run(async {
            let df = self.ctx.sql(sql).await?;
            let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
            let batches = df.collect().await?;
            Ok((schema, batches))
        })
    }
}

/// Schema of the fraud verdicts file (`levain fraud`).
pub fn verdicts_schema() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        let list = || DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
        Arc::new(Schema::new(vec![
            Field::new("account", DataType::Utf8, false),
            Field::new("score", DataType::Float64, false),
            Field::new("suspicious", DataType::Boolean, false),
            Field::new("patterns", list(), false),
            Field::new("reasons", list(), false),
        ]))
    });
    SCHEMA.clone()
}

/// Schema of the person links file (`levain persons`).
pub fn person_links_schema() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        let list = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
        Arc::new(Schema::new(vec![
            Field::new("person", DataType::Utf8, false),
            Field::new("account", DataType::Utf8, false),
            Field::new("rule", DataType::Utf8, false),
            Field::new("confidence", DataType::Float64, false),
            Field::new("evidence", list, false),
            Field::new(
                "at",
                DataType::Timestamp(
                    datafusion::arrow::datatypes::TimeUnit::Microsecond,
                    Some("UTC".into()),
                ),
                false,
            ),
        ]))
    });
    SCHEMA.clone()
}

fn provider(schema: SchemaRef, files: &[String]) -> Result<Arc<dyn TableProvider>> {
    if files.is_empty() {
        return Ok(Arc::new(MemTable::try_new(schema, vec![vec![]])?));
    }
    let urls = files
        .iter()
        .map(ListingTableUrl::parse)
        .collect::<datafusion::error::Result<Vec<_>>>()?;
    let options =
        ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
    let config = ListingTableConfig::new_with_multi_paths(urls)
        .with_listing_options(options)
        .with_schema(schema);
    Ok(Arc::new(ListingTable::try_new(config)?))
}
