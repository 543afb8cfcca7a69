//! Writing a segment: one Parquet file whose columns are encoded in
//! parallel.
//!
//! Encoding is most of what writing costs (strings, dictionaries,
//! compression, statistics), and an import's writer would otherwise do it
//! on one core while the parsing threads wait for room in the pipeline. The
//! columns of each row group are encoded as rayon tasks, so the import's
//! parsing and writing share every core, and the last segments of an import
//! are written at the speed of all of them.

use std::fs::File;
use std::path::Path;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::Schema;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::arrow::arrow_writer::{
    ArrowColumnChunk, ArrowColumnWriter, compute_leaves,
};
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use rayon::prelude::*;

use crate::error::{Result, io};

/// Rows per row group: small enough to keep encoding buffers small and let
/// readers skip groups by their statistics.
const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Batches smaller than [`SMALL_ROWS`] are concatenated up to this size
/// before they are encoded (bigger ones are encoded as they are: copying
/// them would cost more than it saves).
const COALESCE_ROWS: usize = 16 * 1024;
const SMALL_ROWS: usize = 1024;

pub(crate) fn properties(schema: &Schema) -> WriterProperties {
    // Dictionary encoding pays off only on repetitive columns; on ids and
    // texts it is built, overflows and is thrown away, at a high cost.
    let repetitive = [
        "channel",
        "kind",
        "import_id",
        "source_file",
        "lang",
        "status",
        "currency",
        "actor",
        "author",
        "target_account",
        "account",
        "name",
        "rule",
    ];
    let mut b = WriterProperties::builder().set_dictionary_enabled(false);
    for f in schema.fields() {
        let name = f.name().as_str();
        if repetitive.contains(&name) {
            b = b.set_column_dictionary_enabled(name.into(), true);
        } else if !f.data_type().is_primitive() {
            // Ids and texts: their min and max prune nothing (ids carry
            // random DIDs and numbers, texts are free), and comparing every
            // value to them is a good part of what encoding them costs.
            b = b.set_column_statistics_enabled(name.into(), EnabledStatistics::None);
        }
    }
    b.set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("levain {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Writes `batches` (one schema, at least one batch) as the Parquet file
/// `path`, and syncs it.
pub(crate) fn write(path: &Path, batches: &[RecordBatch]) -> Result<()> {
    let schema = batches[0].schema();
    let f = io(path, File::create(path))?;
    // The ArrowWriter sets up the file (schema, Arrow metadata, properties);
    // its row groups are written here, column by column.
    let (mut file, factory) = ArrowWriter::try_new(f, schema.clone(), Some(properties(&schema)))?
        .into_serialized_writer()?;
    // Each Arrow field's leaf columns, in order (one for every levain
    // column: none is a struct).
    let descr = file.schema_descr();
    let mut leaves_of = vec![0usize; schema.fields().len()];
    for leaf in 0..descr.num_columns() {
        leaves_of[descr.get_column_root_idx(leaf)] += 1;
    }
    for (i, group) in row_groups(&coalesce(&schema, batches)?).iter().enumerate() {
        let mut writers = factory.create_column_writers(i)?.into_iter();
        let per_field: Vec<(usize, Vec<ArrowColumnWriter>)> = leaves_of
            .iter()
            .enumerate()
            .map(|(field, n)| (field, writers.by_ref().take(*n).collect()))
            .collect();
        let chunks: Vec<Vec<ArrowColumnChunk>> = per_field
            .into_par_iter()
            .map(|(field, mut writers)| {
                let f = schema.field(field);
                for b in group {
                    for (w, leaf) in writers.iter_mut().zip(compute_leaves(f, b.column(field))?) {
                        w.write(&leaf)?;
                    }
                }
                writers.into_iter().map(ArrowColumnWriter::close).collect()
            })
            .collect::<std::result::Result<_, _>>()?;
        let mut rg = file.next_row_group()?;
        for chunk in chunks.into_iter().flatten() {
            chunk.append_to_row_group(&mut rg)?;
        }
        rg.close()?;
    }
    let f = file.into_inner()?;
    io(path, f.sync_all())
}

/// The rows of many small files come as many small batches; each costs a
/// pass over every column, so small ones go in together.
fn coalesce(schema: &std::sync::Arc<Schema>, batches: &[RecordBatch]) -> Result<Vec<RecordBatch>> {
    let mut out = Vec::new();
    let mut small: Vec<&RecordBatch> = Vec::new();
    let mut small_rows = 0;
    for b in batches {
        if b.num_rows() >= SMALL_ROWS {
            out.push(b.clone());
            continue;
        }
        small_rows += b.num_rows();
        small.push(b);
        if small_rows >= COALESCE_ROWS {
            out.push(concat_batches(schema, small.drain(..))?);
            small_rows = 0;
        }
    }
    if !small.is_empty() {
        out.push(concat_batches(schema, small)?);
    }
    Ok(out)
}

/// Cuts `batches` into row groups of [`ROW_GROUP_ROWS`] rows (the last one
/// shorter), slicing without copying.
fn row_groups(batches: &[RecordBatch]) -> Vec<Vec<RecordBatch>> {
    let mut groups = Vec::new();
    let mut current = Vec::new();
    let mut rows = 0;
    for b in batches {
        let mut offset = 0;
        while offset < b.num_rows() {
            let take = (ROW_GROUP_ROWS - rows).min(b.num_rows() - offset);
            current.push(b.slice(offset, take));
            offset += take;
            rows += take;
            if rows == ROW_GROUP_ROWS {
                groups.push(std::mem::take(&mut current));
                rows = 0;
            }
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Int64Array, ListBuilder, StringArray, StringBuilder};
    use datafusion::arrow::datatypes::{DataType, Field};
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    use super::*;

    fn batch(schema: &Arc<Schema>, from: i64, n: usize) -> RecordBatch {
        let mut tags = ListBuilder::new(StringBuilder::new());
        for i in 0..n as i64 {
            for t in 0..(from + i) % 3 {
                tags.values().append_value(format!("t{t}"));
            }
            tags.append((from + i) % 5 != 0);
        }
        RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(from..from + n as i64)),
                Arc::new(StringArray::from_iter(
                    (from..from + n as i64).map(|i| (i % 7 != 0).then(|| format!("row {i}"))),
                )),
                Arc::new(tags.finish()),
            ],
        )
        .unwrap()
    }

    #[test]
    fn a_segment_reads_back_as_written_across_row_groups_and_small_batches() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int64, false),
            Field::new("text", DataType::Utf8, true),
            Field::new(
                "hashtags",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
        ]));
        // A big batch crossing two row-group boundaries, then many small ones.
        let mut batches = vec![batch(&schema, 0, 2 * ROW_GROUP_ROWS + 1000)];
        let mut next = 2 * ROW_GROUP_ROWS as i64 + 1000;
        for k in 0..300 {
            let n = 1 + k % 200;
            batches.push(batch(&schema, next, n));
            next += n as i64;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.parquet");
        write(&path, &batches).unwrap();

        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
        let groups: Vec<i64> = reader
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(groups.len(), 3);
        assert!(groups[..2].iter().all(|n| *n == ROW_GROUP_ROWS as i64));
        let read: Vec<RecordBatch> = reader.build().unwrap().map(|b| b.unwrap()).collect();
        let read = concat_batches(&schema, &read).unwrap();
        let written = concat_batches(&schema, &batches).unwrap();
        assert_eq!(read.num_rows() as i64, next);
        assert_eq!(read, written);
    }
}
