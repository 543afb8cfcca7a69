//! Columnar row builders, one per table.
//!
//! Importers push borrowed rows (`&str` fields pointing into their input) with
//! the row's natural [`Key`] and whether it is the *primary* row of its input
//! record (the one that says whether the record was new). [`Rows::finish`]
//! turns what was pushed into Arrow record batches.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Float64Builder, ListBuilder, RecordBatch, StringArray, StringBuilder,
    TimestampMicrosecondBuilder, UInt64Builder,
};

use crate::keys::Key;
use crate::{InteractionKind, Micros, Table};

/// Where rows come from: constant for a whole batch.
#[derive(Clone, Copy, Debug)]
pub struct Provenance<'a> {
    pub import_id: &'a str,
    pub source_file: &'a str,
}

/// A finished batch of one table, with each row's key and primary flag.
#[derive(Debug, Clone)]
pub struct Batch {
    pub table: Table,
    pub batch: RecordBatch,
    pub keys: Vec<Key>,
    pub primary: Vec<bool>,
}

/// Bookkeeping shared by every builder: keys, primary flags, record positions.
#[derive(Default)]
struct Meta {
    keys: Vec<Key>,
    primary: Vec<bool>,
    pos: UInt64Builder,
}

impl Meta {
    fn push(&mut self, key: Key, primary: bool, pos: u64) {
        self.keys.push(key);
        self.primary.push(primary);
        self.pos.append_value(pos);
    }

    fn finish(&mut self, table: Table, mut columns: Vec<ArrayRef>, prov: Provenance) -> Batch {
        let n = self.keys.len();
        columns.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(prov.import_id, n),
        )));
        columns.push(Arc::new(StringArray::from_iter_values(
            std::iter::repeat_n(prov.source_file, n),
        )));
        columns.push(Arc::new(self.pos.finish()));
        let batch = RecordBatch::try_new(table.schema(), columns)
            .expect("builders follow the table schema");
        Batch {
            table,
            batch,
            keys: std::mem::take(&mut self.keys),
            primary: std::mem::take(&mut self.primary),
        }
    }
}

fn ts() -> TimestampMicrosecondBuilder {
    TimestampMicrosecondBuilder::new().with_timezone("UTC")
}

fn push_list(b: &mut ListBuilder<StringBuilder>, items: &[&str]) {
    for i in items {
        b.values().append_value(i);
    }
    b.append(true);
}

fn arc<A: datafusion::arrow::array::Array + 'static>(a: A) -> ArrayRef {
    Arc::new(a)
}

/// One observation of an account.
#[derive(Debug, Default, Clone)]
pub struct AccountRow<'a> {
    pub account: &'a str,
    pub channel: &'a str,
    pub native_id: &'a str,
    pub handle: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub bio: Option<&'a str>,
    pub links: &'a [&'a str],
    pub created_at: Option<Micros>,
    pub status: Option<&'a str>,
    pub observed_at: Micros,
}

#[derive(Debug, Default, Clone)]
pub struct PostRow<'a> {
    pub post: &'a str,
    pub channel: &'a str,
    pub author: &'a str,
    pub at: Micros,
    pub text: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub url: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    pub reply_root: Option<&'a str>,
    pub quote_of: Option<&'a str>,
    pub hashtags: &'a [&'a str],
    pub mentions: &'a [&'a str],
    pub links: &'a [&'a str],
    pub venue: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct InteractionRow<'a> {
    pub actor: &'a str,
    pub kind: InteractionKind,
    pub channel: &'a str,
    pub at: Micros,
    pub target_post: Option<&'a str>,
    pub target_account: Option<&'a str>,
    pub record: Option<&'a str>,
    pub via: Option<&'a str>,
    pub ends: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct DeletionRow<'a> {
    /// The ended record, in the same `channel:…` form as post ids and `record`.
    pub record: &'a str,
    pub channel: &'a str,
    pub actor: &'a str,
    /// What was deleted: `post`, `like`, `reshare`, `follow`, `profile`, …
    pub kind: &'a str,
    pub at: Micros,
}

#[derive(Debug, Clone)]
pub struct CampaignRow<'a> {
    pub channel: &'a str,
    pub name: &'a str,
    pub start: Micros,
    pub end: Micros,
    pub spend: f64,
    pub currency: &'a str,
    pub promoted_posts: &'a [&'a str],
}

/// A period of organic work (`organic-costs` CSV): its hours, its cost, or
/// both; a cost-less period is costed at `hourly_cost` by the analyses.
#[derive(Debug, Clone)]
pub struct OrganicCostRow<'a> {
    pub start: Micros,
    pub end: Micros,
    pub hours: Option<f64>,
    pub cost: Option<f64>,
    pub currency: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub note: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct ConversionRow<'a> {
    pub at: Micros,
    pub value: f64,
    pub currency: &'a str,
    pub channel: Option<&'a str>,
    pub campaign: Option<&'a str>,
    pub utm_source: Option<&'a str>,
    pub utm_medium: Option<&'a str>,
    pub utm_campaign: Option<&'a str>,
}

/// Declares a table's builder: one Arrow builder per column, in schema
/// order, filled from the row struct's field of the same name.
///
/// Column kinds: `str` (required text), `opt_str`, `ts` (required time),
/// `opt_ts`, `list` (list of text), `f64`, `kind` (an [`InteractionKind`]).
macro_rules! table_builder {
    ($(#[$doc:meta])* $name:ident, $row:ident, $table:expr, { $($field:ident : $kind:ident),* $(,)? }) => {
        $(#[$doc])*
        pub struct $name {
            meta: Meta,
            $($field: col_type!($kind),)*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { meta: Meta::default(), $($field: col_new!($kind),)* }
            }
        }

        impl $name {
            pub fn push(&mut self, r: &$row, key: Key, primary: bool, pos: u64) {
                self.meta.push(key, primary, pos);
                $(col_push!($kind, self.$field, r.$field);)*
            }

            pub fn len(&self) -> usize {
                self.meta.keys.len()
            }

            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            fn finish(&mut self, prov: Provenance) -> Batch {
                let cols = vec![$(arc(self.$field.finish()),)*];
                self.meta.finish($table, cols, prov)
            }

            /// Rows held, then the bytes of each text column.
            fn shape(&self) -> Vec<usize> {
                let mut s = vec![self.len()];
                $(s.push(col_bytes!($kind, self.$field));)*
                s
            }

            /// Builders with room for what [`Self::shape`] described.
            fn with_shape(shape: &[usize]) -> Self {
                let Some((&rows, bytes)) = shape.split_first() else {
                    return Self::default();
                };
                let mut bytes = bytes.iter().copied();
                let mut meta = Meta::default();
                meta.keys.reserve(rows);
                meta.primary.reserve(rows);
                meta.pos = UInt64Builder::with_capacity(rows);
                $name {
                    meta,
                    $($field: col_with!($kind, rows, bytes.next().unwrap_or(0)),)*
                }
            }
        }
    };
}

macro_rules! col_bytes {
    (str, $b:expr) => {
        $b.values_slice().len()
    };
    (opt_str, $b:expr) => {
        $b.values_slice().len()
    };
    (kind, $b:expr) => {
        $b.values_slice().len()
    };
    (list, $b:expr) => {
        $b.values_ref().values_slice().len()
    };
    ($other:ident, $b:expr) => {
        0
    };
}

macro_rules! col_with {
    (str, $rows:expr, $bytes:expr) => {
        StringBuilder::with_capacity($rows, $bytes)
    };
    (opt_str, $rows:expr, $bytes:expr) => {
        StringBuilder::with_capacity($rows, $bytes)
    };
    (kind, $rows:expr, $bytes:expr) => {
        StringBuilder::with_capacity($rows, $bytes)
    };
    (ts, $rows:expr, $bytes:expr) => {
        TimestampMicrosecondBuilder::with_capacity($rows).with_timezone("UTC")
    };
    (opt_ts, $rows:expr, $bytes:expr) => {
        TimestampMicrosecondBuilder::with_capacity($rows).with_timezone("UTC")
    };
    (list, $rows:expr, $bytes:expr) => {
        ListBuilder::with_capacity(StringBuilder::with_capacity($rows, $bytes), $rows)
    };
    (f64, $rows:expr, $bytes:expr) => {
        Float64Builder::with_capacity($rows)
    };
    (opt_f64, $rows:expr, $bytes:expr) => {
        Float64Builder::with_capacity($rows)
    };
}

macro_rules! col_type {
    (str) => { StringBuilder };
    (opt_str) => { StringBuilder };
    (kind) => { StringBuilder };
    (ts) => { TimestampMicrosecondBuilder };
    (opt_ts) => { TimestampMicrosecondBuilder };
    (list) => { ListBuilder<StringBuilder> };
    (f64) => { Float64Builder };
    (opt_f64) => { Float64Builder };
}

macro_rules! col_new {
    (str) => {
        StringBuilder::new()
    };
    (opt_str) => {
        StringBuilder::new()
    };
    (kind) => {
        StringBuilder::new()
    };
    (ts) => {
        ts()
    };
    (opt_ts) => {
        ts()
    };
    (list) => {
        ListBuilder::new(StringBuilder::new())
    };
    (f64) => {
        Float64Builder::new()
    };
    (opt_f64) => {
        Float64Builder::new()
    };
}

macro_rules! col_push {
    (str, $b:expr, $v:expr) => {
        $b.append_value($v)
    };
    (opt_str, $b:expr, $v:expr) => {
        $b.append_option($v)
    };
    (kind, $b:expr, $v:expr) => {
        $b.append_value($v.as_str())
    };
    (ts, $b:expr, $v:expr) => {
        $b.append_value($v)
    };
    (opt_ts, $b:expr, $v:expr) => {
        $b.append_option($v)
    };
    (list, $b:expr, $v:expr) => {
        push_list(&mut $b, $v)
    };
    (f64, $b:expr, $v:expr) => {
        $b.append_value($v)
    };
    (opt_f64, $b:expr, $v:expr) => {
        $b.append_option($v)
    };
}

table_builder!(AccountsBuilder, AccountRow, Table::Accounts, {
    account: str, channel: str, native_id: str, handle: opt_str, display_name: opt_str,
    bio: opt_str, links: list, created_at: opt_ts, status: opt_str, observed_at: ts,
});

table_builder!(PostsBuilder, PostRow, Table::Posts, {
    post: str, channel: str, author: str, at: ts, text: opt_str, lang: opt_str, url: opt_str,
    reply_to: opt_str, reply_root: opt_str, quote_of: opt_str, hashtags: list, mentions: list,
    links: list, venue: opt_str,
});

table_builder!(InteractionsBuilder, InteractionRow, Table::Interactions, {
    actor: str, kind: kind, channel: str, at: ts, target_post: opt_str, target_account: opt_str,
    record: opt_str, via: opt_str, ends: opt_str,
});

table_builder!(DeletionsBuilder, DeletionRow, Table::Deletions, {
    record: str, channel: str, actor: str, kind: str, at: ts,
});

table_builder!(CampaignsBuilder, CampaignRow, Table::Campaigns, {
    channel: str, name: str, start: ts, end: ts, spend: f64, currency: str, promoted_posts: list,
});

table_builder!(ConversionsBuilder, ConversionRow, Table::Conversions, {
    at: ts, value: f64, currency: str, channel: opt_str, campaign: opt_str, utm_source: opt_str,
    utm_medium: opt_str, utm_campaign: opt_str,
});

table_builder!(OrganicCostsBuilder, OrganicCostRow, Table::OrganicCosts, {
    start: ts, end: ts, hours: opt_f64, cost: opt_f64, currency: opt_str, channel: opt_str,
    note: opt_str,
});

/// Builders for every table an importer can write.
#[derive(Default)]
pub struct Rows {
    pub accounts: AccountsBuilder,
    pub posts: PostsBuilder,
    pub interactions: InteractionsBuilder,
    pub deletions: DeletionsBuilder,
    pub campaigns: CampaignsBuilder,
    pub conversions: ConversionsBuilder,
    pub organic_costs: OrganicCostsBuilder,
    /// Unfollows whose target is not in the record (a deleted Bluesky follow
    /// names only the follow record, in `ends`): the import pipeline fills the
    /// target from that follow before storing them in `interactions`.
    pub unresolved_unfollows: InteractionsBuilder,
}

/// How much each builder of a [`Rows`] held, so that the next [`Rows`] of
/// a like input starts with room for as much: growing a builder row by row
/// copies its buffers again at each doubling and touches fresh memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowsShape(Vec<Vec<usize>>);

impl RowsShape {
    /// The larger of two shapes, builder by builder and column by column.
    pub fn max(&self, other: &RowsShape) -> RowsShape {
        let longest = self.0.len().max(other.0.len());
        RowsShape(
            (0..longest)
                .map(|i| {
                    let (a, b) = (self.0.get(i), other.0.get(i));
                    let (a, b) = (
                        a.map_or(&[][..], Vec::as_slice),
                        b.map_or(&[][..], Vec::as_slice),
                    );
                    (0..a.len().max(b.len()))
                        .map(|j| {
                            a.get(j)
                                .copied()
                                .unwrap_or(0)
                                .max(b.get(j).copied().unwrap_or(0))
                        })
                        .collect()
                })
                .collect(),
        )
    }
}

impl Rows {
    /// What these builders hold now (call before [`Rows::finish`]).
    pub fn shape(&self) -> RowsShape {
        RowsShape(vec![
            self.accounts.shape(),
            self.posts.shape(),
            self.interactions.shape(),
            self.deletions.shape(),
            self.campaigns.shape(),
            self.conversions.shape(),
            self.organic_costs.shape(),
            self.unresolved_unfollows.shape(),
        ])
    }

    /// Empty builders with room for rows of `shape`.
    pub fn with_shape(shape: &RowsShape) -> Rows {
        let of = |i: usize| shape.0.get(i).map_or(&[][..], Vec::as_slice);
        Rows {
            accounts: AccountsBuilder::with_shape(of(0)),
            posts: PostsBuilder::with_shape(of(1)),
            interactions: InteractionsBuilder::with_shape(of(2)),
            deletions: DeletionsBuilder::with_shape(of(3)),
            campaigns: CampaignsBuilder::with_shape(of(4)),
            conversions: ConversionsBuilder::with_shape(of(5)),
            organic_costs: OrganicCostsBuilder::with_shape(of(6)),
            unresolved_unfollows: InteractionsBuilder::with_shape(of(7)),
        }
    }

    pub fn len(&self) -> usize {
        self.accounts.len()
            + self.posts.len()
            + self.interactions.len()
            + self.deletions.len()
            + self.campaigns.len()
            + self.conversions.len()
            + self.organic_costs.len()
            + self.unresolved_unfollows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Finishes every non-empty builder but [`Rows::unresolved_unfollows`];
    /// those builders are empty afterwards.
    pub fn finish(&mut self, prov: Provenance) -> Vec<Batch> {
        let mut out = Vec::new();
        if !self.accounts.is_empty() {
            out.push(self.accounts.finish(prov));
        }
        if !self.posts.is_empty() {
            out.push(self.posts.finish(prov));
        }
        if !self.interactions.is_empty() {
            out.push(self.interactions.finish(prov));
        }
        if !self.deletions.is_empty() {
            out.push(self.deletions.finish(prov));
        }
        if !self.campaigns.is_empty() {
            out.push(self.campaigns.finish(prov));
        }
        if !self.conversions.is_empty() {
            out.push(self.conversions.finish(prov));
        }
        if !self.organic_costs.is_empty() {
            out.push(self.organic_costs.finish(prov));
        }
        out
    }

    /// Finishes [`Rows::unresolved_unfollows`], if any were pushed.
    pub fn finish_unresolved(&mut self, prov: Provenance) -> Option<Batch> {
        (!self.unresolved_unfollows.is_empty()).then(|| self.unresolved_unfollows.finish(prov))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_produce_batches_of_the_table_schema() {
        let mut rows = Rows::default();
        rows.interactions.push(
            &InteractionRow {
                actor: "bluesky:did:plc:a",
                kind: InteractionKind::Like,
                channel: "bluesky",
                at: 1,
                target_post: Some("bluesky:at://did:plc:b/app.bsky.feed.post/1"),
                target_account: Some("bluesky:did:plc:b"),
                record: None,
                via: None,
                ends: None,
            },
            Key(7),
            true,
            3,
        );
        rows.posts.push(
            &PostRow {
                post: "p",
                channel: "bluesky",
                author: "a",
                at: 2,
                hashtags: &["velotaf"],
                ..Default::default()
            },
            Key(8),
            true,
            4,
        );
        let batches = rows.finish(Provenance {
            import_id: "i1",
            source_file: "f",
        });
        assert_eq!(batches.len(), 2);
        for b in &batches {
            assert_eq!(b.batch.schema(), b.table.schema());
            assert_eq!(b.batch.num_rows(), 1);
        }
        assert!(rows.is_empty());
    }

    #[test]
    fn rows_of_a_shape_have_room_for_it() {
        let mut rows = Rows::default();
        for i in 0..3000 {
            let post = format!("bluesky:at://did:plc:b/app.bsky.feed.post/{i}");
            rows.interactions.push(
                &InteractionRow {
                    actor: "bluesky:did:plc:a",
                    kind: InteractionKind::Like,
                    channel: "bluesky",
                    at: i,
                    target_post: Some(&post),
                    target_account: None,
                    record: None,
                    via: None,
                    ends: None,
                },
                Key(i as u128),
                true,
                i as u64,
            );
        }
        let shape = rows.shape();
        assert_eq!(shape, shape.max(&RowsShape::default()));
        let sized = Rows::with_shape(&shape);
        assert!(sized.is_empty());
        assert_eq!(sized.shape().0[2][0], 0);
        assert!(sized.interactions.target_post.values_slice().is_empty());
        // Room for as many rows and text bytes as the shape had.
        assert!(sized.interactions.meta.keys.capacity() >= 3000);
        let other = RowsShape(vec![vec![], vec![], vec![5000, 1, 2]]);
        let both = shape.max(&other);
        assert_eq!(both.0[2][0], 5000);
        assert_eq!(both.0[2][1], shape.0[2][1]);
        assert_eq!(both.0.len(), shape.0.len());
        let finished = Rows::with_shape(&shape).finish(Provenance {
            import_id: "i",
            source_file: "f",
        });
        assert!(finished.is_empty());
    }
}
