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

pub struct AccountsBuilder {
    meta: Meta,
    account: StringBuilder,
    channel: StringBuilder,
    native_id: StringBuilder,
    handle: StringBuilder,
    display_name: StringBuilder,
    bio: StringBuilder,
    links: ListBuilder<StringBuilder>,
    created_at: TimestampMicrosecondBuilder,
    status: StringBuilder,
    observed_at: TimestampMicrosecondBuilder,
}

impl Default for AccountsBuilder {
    fn default() -> Self {
        Self {
            meta: Meta::default(),
            account: StringBuilder::new(),
            channel: StringBuilder::new(),
            native_id: StringBuilder::new(),
            handle: StringBuilder::new(),
            display_name: StringBuilder::new(),
            bio: StringBuilder::new(),
            links: ListBuilder::new(StringBuilder::new()),
            created_at: ts(),
            status: StringBuilder::new(),
            observed_at: ts(),
        }
    }
}

impl AccountsBuilder {
    pub fn push(&mut self, r: &AccountRow, key: Key, primary: bool, pos: u64) {
        self.meta.push(key, primary, pos);
        self.account.append_value(r.account);
        self.channel.append_value(r.channel);
        self.native_id.append_value(r.native_id);
        self.handle.append_option(r.handle);
        self.display_name.append_option(r.display_name);
        self.bio.append_option(r.bio);
        push_list(&mut self.links, r.links);
        self.created_at.append_option(r.created_at);
        self.status.append_option(r.status);
        self.observed_at.append_value(r.observed_at);
    }

    pub fn len(&self) -> usize {
        self.meta.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finish(&mut self, prov: Provenance) -> Batch {
        let cols = vec![
            arc(self.account.finish()),
            arc(self.channel.finish()),
            arc(self.native_id.finish()),
            arc(self.handle.finish()),
            arc(self.display_name.finish()),
            arc(self.bio.finish()),
            arc(self.links.finish()),
            arc(self.created_at.finish()),
            arc(self.status.finish()),
            arc(self.observed_at.finish()),
        ];
        self.meta.finish(Table::Accounts, cols, prov)
    }
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

pub struct PostsBuilder {
    meta: Meta,
    post: StringBuilder,
    channel: StringBuilder,
    author: StringBuilder,
    at: TimestampMicrosecondBuilder,
    text: StringBuilder,
    lang: StringBuilder,
    url: StringBuilder,
    reply_to: StringBuilder,
    reply_root: StringBuilder,
    quote_of: StringBuilder,
    hashtags: ListBuilder<StringBuilder>,
    mentions: ListBuilder<StringBuilder>,
    links: ListBuilder<StringBuilder>,
    venue: StringBuilder,
}

impl Default for PostsBuilder {
    fn default() -> Self {
        Self {
            meta: Meta::default(),
            post: StringBuilder::new(),
            channel: StringBuilder::new(),
            author: StringBuilder::new(),
            at: ts(),
            text: StringBuilder::new(),
            lang: StringBuilder::new(),
            url: StringBuilder::new(),
            reply_to: StringBuilder::new(),
            reply_root: StringBuilder::new(),
            quote_of: StringBuilder::new(),
            hashtags: ListBuilder::new(StringBuilder::new()),
            mentions: ListBuilder::new(StringBuilder::new()),
            links: ListBuilder::new(StringBuilder::new()),
            venue: StringBuilder::new(),
        }
    }
}

impl PostsBuilder {
    pub fn push(&mut self, r: &PostRow, key: Key, primary: bool, pos: u64) {
        self.meta.push(key, primary, pos);
        self.post.append_value(r.post);
        self.channel.append_value(r.channel);
        self.author.append_value(r.author);
        self.at.append_value(r.at);
        self.text.append_option(r.text);
        self.lang.append_option(r.lang);
        self.url.append_option(r.url);
        self.reply_to.append_option(r.reply_to);
        self.reply_root.append_option(r.reply_root);
        self.quote_of.append_option(r.quote_of);
        push_list(&mut self.hashtags, r.hashtags);
        push_list(&mut self.mentions, r.mentions);
        push_list(&mut self.links, r.links);
        self.venue.append_option(r.venue);
    }

    pub fn len(&self) -> usize {
        self.meta.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finish(&mut self, prov: Provenance) -> Batch {
        let cols = vec![
            arc(self.post.finish()),
            arc(self.channel.finish()),
            arc(self.author.finish()),
            arc(self.at.finish()),
            arc(self.text.finish()),
            arc(self.lang.finish()),
            arc(self.url.finish()),
            arc(self.reply_to.finish()),
            arc(self.reply_root.finish()),
            arc(self.quote_of.finish()),
            arc(self.hashtags.finish()),
            arc(self.mentions.finish()),
            arc(self.links.finish()),
            arc(self.venue.finish()),
        ];
        self.meta.finish(Table::Posts, cols, prov)
    }
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

pub struct InteractionsBuilder {
    meta: Meta,
    actor: StringBuilder,
    kind: StringBuilder,
    channel: StringBuilder,
    at: TimestampMicrosecondBuilder,
    target_post: StringBuilder,
    target_account: StringBuilder,
    record: StringBuilder,
    via: StringBuilder,
    ends: StringBuilder,
}

impl Default for InteractionsBuilder {
    fn default() -> Self {
        Self {
            meta: Meta::default(),
            actor: StringBuilder::new(),
            kind: StringBuilder::new(),
            channel: StringBuilder::new(),
            at: ts(),
            target_post: StringBuilder::new(),
            target_account: StringBuilder::new(),
            record: StringBuilder::new(),
            via: StringBuilder::new(),
            ends: StringBuilder::new(),
        }
    }
}

impl InteractionsBuilder {
    pub fn push(&mut self, r: &InteractionRow, key: Key, primary: bool, pos: u64) {
        self.meta.push(key, primary, pos);
        self.actor.append_value(r.actor);
        self.kind.append_value(r.kind.as_str());
        self.channel.append_value(r.channel);
        self.at.append_value(r.at);
        self.target_post.append_option(r.target_post);
        self.target_account.append_option(r.target_account);
        self.record.append_option(r.record);
        self.via.append_option(r.via);
        self.ends.append_option(r.ends);
    }

    pub fn len(&self) -> usize {
        self.meta.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finish(&mut self, prov: Provenance) -> Batch {
        let cols = vec![
            arc(self.actor.finish()),
            arc(self.kind.finish()),
            arc(self.channel.finish()),
            arc(self.at.finish()),
            arc(self.target_post.finish()),
            arc(self.target_account.finish()),
            arc(self.record.finish()),
            arc(self.via.finish()),
            arc(self.ends.finish()),
        ];
        self.meta.finish(Table::Interactions, cols, prov)
    }
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

pub struct DeletionsBuilder {
    meta: Meta,
    record: StringBuilder,
    channel: StringBuilder,
    actor: StringBuilder,
    kind: StringBuilder,
    at: TimestampMicrosecondBuilder,
}

impl Default for DeletionsBuilder {
    fn default() -> Self {
        Self {
            meta: Meta::default(),
            record: StringBuilder::new(),
            channel: StringBuilder::new(),
            actor: StringBuilder::new(),
            kind: StringBuilder::new(),
            at: ts(),
        }
    }
}

impl DeletionsBuilder {
    pub fn push(&mut self, r: &DeletionRow, key: Key, primary: bool, pos: u64) {
        self.meta.push(key, primary, pos);
        self.record.append_value(r.record);
        self.channel.append_value(r.channel);
        self.actor.append_value(r.actor);
        self.kind.append_value(r.kind);
        self.at.append_value(r.at);
    }

    pub fn len(&self) -> usize {
        self.meta.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finish(&mut self, prov: Provenance) -> Batch {
        let cols = vec![
            arc(self.record.finish()),
            arc(self.channel.finish()),
            arc(self.actor.finish()),
            arc(self.kind.finish()),
            arc(self.at.finish()),
        ];
        self.meta.finish(Table::Deletions, cols, prov)
    }
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

pub struct CampaignsBuilder {
    meta: Meta,
    channel: StringBuilder,
    name: StringBuilder,
    start: TimestampMicrosecondBuilder,
    end: TimestampMicrosecondBuilder,
    spend: Float64Builder,
    currency: StringBuilder,
    promoted_posts: ListBuilder<StringBuilder>,
}

impl Default for CampaignsBuilder {
    fn default() -> Self {
        Self {
            meta: Meta::default(),
            channel: StringBuilder::new(),
            name: StringBuilder::new(),
            start: ts(),
            end: ts(),
            spend: Float64Builder::new(),
            currency: StringBuilder::new(),
            promoted_posts: ListBuilder::new(StringBuilder::new()),
        }
    }
}

impl CampaignsBuilder {
    pub fn push(&mut self, r: &CampaignRow, key: Key, primary: bool, pos: u64) {
        self.meta.push(key, primary, pos);
        self.channel.append_value(r.channel);
        self.name.append_value(r.name);
        self.start.append_value(r.start);
        self.end.append_value(r.end);
        self.spend.append_value(r.spend);
        self.currency.append_value(r.currency);
        push_list(&mut self.promoted_posts, r.promoted_posts);
    }

    pub fn len(&self) -> usize {
        self.meta.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finish(&mut self, prov: Provenance) -> Batch {
        let cols = vec![
            arc(self.channel.finish()),
            arc(self.name.finish()),
            arc(self.start.finish()),
            arc(self.end.finish()),
            arc(self.spend.finish()),
            arc(self.currency.finish()),
            arc(self.promoted_posts.finish()),
        ];
        self.meta.finish(Table::Campaigns, cols, prov)
    }
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

pub struct ConversionsBuilder {
    meta: Meta,
    at: TimestampMicrosecondBuilder,
    value: Float64Builder,
    currency: StringBuilder,
    channel: StringBuilder,
    campaign: StringBuilder,
    utm_source: StringBuilder,
    utm_medium: StringBuilder,
    utm_campaign: StringBuilder,
}

impl Default for ConversionsBuilder {
    fn default() -> Self {
        Self {
            meta: Meta::default(),
            at: ts(),
            value: Float64Builder::new(),
            currency: StringBuilder::new(),
            channel: StringBuilder::new(),
            campaign: StringBuilder::new(),
            utm_source: StringBuilder::new(),
            utm_medium: StringBuilder::new(),
            utm_campaign: StringBuilder::new(),
        }
    }
}

impl ConversionsBuilder {
    pub fn push(&mut self, r: &ConversionRow, key: Key, primary: bool, pos: u64) {
        self.meta.push(key, primary, pos);
        self.at.append_value(r.at);
        self.value.append_value(r.value);
        self.currency.append_value(r.currency);
        self.channel.append_option(r.channel);
        self.campaign.append_option(r.campaign);
        self.utm_source.append_option(r.utm_source);
        self.utm_medium.append_option(r.utm_medium);
        self.utm_campaign.append_option(r.utm_campaign);
    }

    pub fn len(&self) -> usize {
        self.meta.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finish(&mut self, prov: Provenance) -> Batch {
        let cols = vec![
            arc(self.at.finish()),
            arc(self.value.finish()),
            arc(self.currency.finish()),
            arc(self.channel.finish()),
            arc(self.campaign.finish()),
            arc(self.utm_source.finish()),
            arc(self.utm_medium.finish()),
            arc(self.utm_campaign.finish()),
        ];
        self.meta.finish(Table::Conversions, cols, prov)
    }
}

/// Builders for every table an importer can write.
#[derive(Default)]
pub struct Rows {
    pub accounts: AccountsBuilder,
    pub posts: PostsBuilder,
    pub interactions: InteractionsBuilder,
    pub deletions: DeletionsBuilder,
    pub campaigns: CampaignsBuilder,
    pub conversions: ConversionsBuilder,
    /// Unfollows whose target is not in the record (a deleted Bluesky follow
    /// names only the follow record, in `ends`): the import pipeline fills the
    /// target from that follow before storing them in `interactions`.
    pub unresolved_unfollows: InteractionsBuilder,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.accounts.len()
            + self.posts.len()
            + self.interactions.len()
            + self.deletions.len()
            + self.campaigns.len()
            + self.conversions.len()
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
}
