//! End-to-end tests of the `levain` binary. Each module covers one concern.

mod common;

// Amplifiers and suggestions: planted amplifiers first, counts, fraud marks.
mod amplifiers;

// Engagement and cohorts against an independent computation.
mod audience;
// The audience index against the SQL reference, invalidation, damage, pipes.
mod audience_index;
// Download-your-data exports: Mastodon, X, Facebook, Instagram archives.
mod archives;
// Fake engagement: planted families found, --exclude-suspicious, marks.
mod fraud;
// The blog channel: WordPress exports and feeds.
mod blog;
// Discourse forums: topics, /posts.json, profiles, likes.
mod discourse;
// Conversations: sentiment, questions, friends, quality weights.
mod conversations;
// Identity across channels: persons, evidence, look-alikes, overrides.
mod persons;
// ROI: spend, retention, cost per retained follower, attribution.
mod roi;
// The report: HTML and PDF in French and English, headline figures, pages.
mod report;
// Bad input: malformed records, wrong files, --strict.
mod bad_input;
// SIGKILL during imports, then a consistent store and exact counts.
mod crash;
// Bluesky Jetstream semantics: deletes, unfollows, replies, quotes, facets.
mod jetstream;
// Bluesky repository exports (CAR) and Mastodon API responses.
mod live_formats;
// Generated exports of every other format: truth counts, autodetect, once.
mod formats;
// Reddit: dumps (plain, zstd, gzip) and listings, threads, venues, bad input.
mod reddit;
// Re-imports, compaction, own accounts, SQL output, campaigns.
mod store;
// The generator: determinism and agreement with its ground truth.
mod synth;
// Topics (discovered and user-defined) and venue gaps on planted data.
mod topics;
// `levain serve`: the dashboard in a real browser (Playwright, chromium).
mod serve;
