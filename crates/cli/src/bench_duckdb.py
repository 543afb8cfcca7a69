# The same engagement and cohort queries as `levain engagement` and
# `levain cohorts`, written for DuckDB over the store's Parquet segments.
# Run by `levain bench query`; prints one JSON document.
import json, sys, tempfile, time, resource

import duckdb

root, own_json, end, period = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
manifest = json.load(open(f"{root}/manifest.json"))
con = duckdb.connect()
# The same memory budget as levain's target (8 GB), spilling beyond it.
con.execute("SET memory_limit = '8GB'")
con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/levain-duckdb-spill'")
for table, files in manifest["tables"].items():
    paths = [f"{root}/{s['file']}" for s in files["segments"]]
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({paths!r})")
con.execute("CREATE TABLE own_accounts(account VARCHAR)")
con.executemany("INSERT INTO own_accounts VALUES (?)", [[a] for a in json.loads(own_json)])
# Latest version of each campaign, as levain's `campaigns` view.
con.execute("""CREATE VIEW camp AS SELECT * FROM (
  SELECT *, row_number() OVER (PARTITION BY channel, name ORDER BY import_id DESC, source_pos DESC) AS v
  FROM campaigns) WHERE v = 1""")

ENGAGEMENT = """
WITH own_posts AS (
  SELECT p.post, p.channel, epoch_us(p.at) AS t FROM posts p
  WHERE p.author IN (SELECT account FROM own_accounts) AND p.reply_to IS NULL),
src AS (
  SELECT o.post,
    EXISTS (SELECT 1 FROM camp c WHERE list_contains(c.promoted_posts, o.post))
    OR EXISTS (SELECT 1 FROM camp c WHERE c.channel = o.channel
               AND epoch_us(c.start) <= o.t AND o.t < epoch_us(c."end")) AS paid
  FROM own_posts o),
e AS (
  SELECT i.actor, i.kind, i.target_post, s.paid FROM interactions i JOIN src s ON i.target_post = s.post
  WHERE i.kind IN ('like', 'reshare', 'reply', 'quote')
    AND i.actor NOT IN (SELECT account FROM own_accounts))
SELECT paid, count(*) AS unique_engagers, sum(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeat_engagers,
       (SELECT count(*) FROM e) AS engagements
FROM (SELECT paid, actor, count(DISTINCT target_post) AS n FROM e GROUP BY paid, actor)
GROUP BY paid ORDER BY paid
"""

COHORTS = f"""
WITH acq AS (
  SELECT actor, t, channel, ended FROM (
    SELECT i.actor, epoch_us(i.at) AS t, i.channel, epoch_us(d.ended_at) AS ended,
           row_number() OVER (PARTITION BY i.actor ORDER BY i.at, i.record) AS rn
    FROM interactions i
    LEFT JOIN (SELECT record, min(deletions."at") AS ended_at FROM deletions GROUP BY record) d
      ON i.record = d.record
    WHERE i.kind = 'follow' AND i.target_account IN (SELECT account FROM own_accounts)
      AND i.actor NOT IN (SELECT account FROM own_accounts))
  WHERE rn = 1),
labelled AS (
  SELECT a.*, coalesce((SELECT 'campaign:' || c.name FROM camp c
                        WHERE c.channel = a.channel AND epoch_us(c.start) <= a.t AND a.t < epoch_us(c."end")
                        ORDER BY c.start DESC, c.name LIMIT 1), 'organic') AS cohort
  FROM acq a),
eng AS (
  SELECT m.cohort, m.actor, (epoch_us(e.at) - m.t) // {period} AS k, m.t
  FROM interactions e JOIN labelled m ON e.actor = m.actor
  WHERE e.kind IN ('like', 'reshare', 'reply', 'quote') AND e.target_post IS NOT NULL
    AND e.target_account IN (SELECT account FROM own_accounts) AND epoch_us(e.at) >= m.t)
SELECT cohort, k, count(DISTINCT actor) AS n FROM eng
WHERE t + (k + 1) * {period} <= {end}
GROUP BY cohort, k ORDER BY cohort, k
"""

out = {}
for name, sql in [("engagement", ENGAGEMENT), ("cohorts", COHORTS)]:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        rows = con.execute(sql).fetchall()
        runs.append(time.perf_counter() - started)
    out[name] = {"cold_s": runs[0], "warm_s": sorted(runs[1:])[0], "rows": [list(r) for r in rows]}
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["duckdb"] = duckdb.__version__
print(json.dumps(out, default=str))
