//! The stored tables and their Arrow schemas.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// A stored table. Each is a set of Parquet segments in the store; the SQL
/// names users see (`accounts`, `posts`, …) are views over these (see the
/// store's `query` module).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Observations of accounts: first sighting, handle, profile, status.
    /// Several rows per account; the `accounts` view folds them.
    Accounts,
    Posts,
    Interactions,
    /// End-times: a deleted post, like, reshare or follow record is ended here,
    /// never erased from its own table.
    Deletions,
    Campaigns,
    Conversions,
    /// Organic work as the user logged it: periods with hours and/or cost.
    OrganicCosts,
}

impl Table {
    pub const ALL: [Table; 7] = [
        Table::Accounts,
        Table::Posts,
        Table::Interactions,
        Table::Deletions,
        Table::Campaigns,
        Table::Conversions,
        Table::OrganicCosts,
    ];

    /// The table's directory and raw name in the store.
    pub fn name(self) -> &'static str {
        match self {
            Table::Accounts => "account_observations",
            Table::Posts => "posts",
            Table::Interactions => "interactions",
            Table::Deletions => "deletions",
            Table::Campaigns => "campaigns",
            Table::Conversions => "conversions",
            Table::OrganicCosts => "organic_costs",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn schema(self) -> SchemaRef {
        static SCHEMAS: LazyLock<Vec<SchemaRef>> =
            LazyLock::new(|| Table::ALL.iter().map(|t| Arc::new(build(*t))).collect());
        SCHEMAS[self as usize].clone()
    }
}

pub(crate) fn timestamp() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

pub(crate) fn string_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn provenance() -> [Field; 3] {
    [
        Field::new("import_id", DataType::Utf8, false),
        Field::new("source_file", DataType::Utf8, false),
        Field::new("source_pos", DataType::UInt64, false),
    ]
}

fn build(table: Table) -> Schema {
    use DataType::{Float64, Utf8};
    let s = |name: &str, nullable: bool| Field::new(name, Utf8, nullable);
    let t = |name: &str, nullable: bool| Field::new(name, timestamp(), nullable);
    let l = |name: &str| Field::new(name, string_list(), false);
    let mut fields = match table {
        Table::Accounts => vec![
            s("account", false),
            s("channel", false),
            s("native_id", false),
            s("handle", true),
            s("display_name", true),
            s("bio", true),
            l("links"),
            t("created_at", true),
            s("status", true),
            t("observed_at", false),
        ],
        Table::Posts => vec![
            s("post", false),
            s("channel", false),
            s("author", false),
            t("at", false),
            s("text", true),
            s("lang", true),
            s("url", true),
            s("reply_to", true),
            s("reply_root", true),
            s("quote_of", true),
            l("hashtags"),
            l("mentions"),
            l("links"),
            s("venue", true),
        ],
        Table::Interactions => vec![
            s("actor", false),
            s("kind", false),
            s("channel", false),
            t("at", false),
            s("target_post", true),
            s("target_account", true),
            s("record", true),
            s("via", true),
            s("ends", true),
        ],
        Table::Deletions => vec![
            s("record", false),
            s("channel", false),
            s("actor", false),
            s("kind", false),
            t("at", false),
        ],
        Table::Campaigns => vec![
            s("channel", false),
            s("name", false),
            t("start", false),
            t("end", false),
            Field::new("spend", Float64, false),
            s("currency", false),
            l("promoted_posts"),
        ],
        Table::Conversions => vec![
            t("at", false),
            Field::new("value", Float64, false),
            s("currency", false),
            s("channel", true),
            s("campaign", true),
            s("utm_source", true),
            s("utm_medium", true),
            s("utm_campaign", true),
        ],
        Table::OrganicCosts => vec![
            t("start", false),
            t("end", false),
            Field::new("hours", Float64, true),
            Field::new("cost", Float64, true),
            s("currency", true),
            s("channel", true),
            s("note", true),
        ],
    };
    fields.extend(provenance());
    Schema::new(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_provenance_and_a_unique_name() {
        let mut names = std::collections::HashSet::new();
        for t in Table::ALL {
            assert!(names.insert(t.name()));
            assert_eq!(Table::from_name(t.name()), Some(t));
            let schema = t.schema();
            for col in ["import_id", "source_file", "source_pos"] {
                assert!(schema.field_with_name(col).is_ok(), "{t:?} lacks {col}");
            }
        }
    }
}
