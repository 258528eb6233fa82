"""The flush's INSERT statement alone, in the shapes it had and has, timed on a database that holds history.

Each run fills a temporary table with 5,000 event documents (as the flush's COPY does), times one
INSERT ... SELECT of a given shape into tracking_event, and rolls back, so the table is unchanged:

- old: before partitioning (ON CONFLICT (uuid) on the plain table; run it on such a database);
- row_probe: partitioned, with a NOT EXISTS probe per row within 7 days (the flush's, storage.py);
- set_probe: partitioned, the batch's stored UUIDs read at once (= ANY) and anti-joined by hash (tried);
- no_probe: partitioned, without any UUID probe (what the probe costs); a "-nojit" suffix turns JIT off.

    .venv/bin/python bench/flush_statement.py tracking_bench_now 7 row_probe,set_probe,no_probe
    .venv/bin/python bench/flush_statement.py tracking_bench_before 7 old

(bench/flush_compare.py makes those databases, with --history older events.)
"""

import statistics
import sys
import time

import psycopg

FILL = """INSERT INTO tracking_event_incoming
SELECT jsonb_build_object('uuid', gen_random_uuid(), 'type', 'list_impression',
  'timestamp', now() - g * interval '1 second', 'recorded_at', now(), 'visitor_id', 'bench-' || g,
  'user_id', null, 'session_key', '', 'product_id', (g % 50) + 1, 'path', '/c/', 'referrer', '',
  'context', '{"position": 1}'::jsonb, 'value', null)
FROM generate_series(1, 5000) g"""
INSERT = """INSERT INTO tracking_event ("uuid", "type", "timestamp", "recorded_at", "visitor_id", "user_id",
  "session_key", "product_id", "path", "referrer", "context", "value")
SELECT (d->>'uuid')::uuid, d->>'type', (d->>'timestamp')::timestamptz, (d->>'recorded_at')::timestamptz,
  d->>'visitor_id', (d->>'user_id')::bigint, d->>'session_key', p.id, d->>'path', d->>'referrer', d->'context',
  (d->>'value')::numeric"""
JOIN = "LEFT JOIN shop_product p ON p.id = (d->>'product_id')::bigint"
USERS = "(d->'user_id' = 'null'::jsonb OR EXISTS (SELECT 1 FROM auth_user u WHERE u.id = (d->>'user_id')::bigint))"
DISTINCT = "(SELECT DISTINCT ON ((doc->>'uuid')::uuid) doc AS d FROM tracking_event_incoming)"
NEAR = """BETWEEN (d->>'timestamp')::timestamptz - interval '7 days'
  AND (d->>'timestamp')::timestamptz + interval '7 days'"""
SHAPES = {
    "old": f"""{INSERT} FROM (SELECT doc AS d FROM tracking_event_incoming) i {JOIN} WHERE {USERS}
        ON CONFLICT (uuid) DO NOTHING""",
    "row_probe": f"""{INSERT} FROM {DISTINCT} i {JOIN} WHERE {USERS}
        AND NOT EXISTS (SELECT 1 FROM tracking_event e WHERE e.uuid = (d->>'uuid')::uuid AND e."timestamp" {NEAR})
        ON CONFLICT DO NOTHING""",
    "no_probe": f"{INSERT} FROM {DISTINCT} i {JOIN} WHERE {USERS} ON CONFLICT DO NOTHING",
    "set_probe": f"""WITH i AS MATERIALIZED {DISTINCT},
        stored AS MATERIALIZED (SELECT e.uuid, e."timestamp" FROM tracking_event e
          WHERE e.uuid = ANY (ARRAY(SELECT (d->>'uuid')::uuid FROM i))
            AND e."timestamp" BETWEEN (SELECT min((d->>'timestamp')::timestamptz) FROM i) - interval '7 days'
                                  AND (SELECT max((d->>'timestamp')::timestamptz) FROM i) + interval '7 days')
        {INSERT} FROM i {JOIN} WHERE {USERS}
        AND NOT EXISTS (SELECT 1 FROM stored s WHERE s.uuid = (d->>'uuid')::uuid AND s."timestamp" {NEAR})
        ON CONFLICT DO NOTHING""",
}


def main() -> None:
    database, reps, names = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    times: dict[str, list[float]] = {name: [] for name in names}
    with psycopg.connect(f"postgres://postgres@127.0.0.1:5432/{database}") as conn:
        for _ in range(reps):
            for name in names:
                sql = SHAPES[name.removesuffix("-nojit")]
                with conn.transaction(force_rollback=True):
                    conn.execute(f"SET LOCAL jit = {'off' if name.endswith('-nojit') else 'on'}")
                    conn.execute("CREATE TEMPORARY TABLE tracking_event_incoming (doc jsonb) ON COMMIT DROP")
                    conn.execute(FILL)
                    started = time.perf_counter()
                    conn.execute(sql)
                    times[name].append(time.perf_counter() - started)
    for name in names:
        median = statistics.median(times[name])
        runs = [round(t * 1000) for t in times[name]]
        print(f"{name:16s} median {median * 1000:7.1f} ms per 5,000 events ({5000 / median:,.0f}/s); runs (ms) {runs}")


if __name__ == "__main__":
    main()
