#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bench (issue 28.2): what an erasure rewrites on PostgreSQL at a large
# site's size, and what key lookups feel of it.
#   1. SUBJECTS wrapped keys (72 bytes, as the vault's) in the vault's own
#      schema (cxvault init on a throwaway cluster): 64 partitions.
#   2. VACUUM FULL of one partition (an erasure's rewrite now), RUNS
#      times, and of the same rows in one table (the rewrite before).
#   3. pgbench, 2 clients: the vault's key lookup by id (prepared, as the
#      vault runs it) for SECS s alone, then while a partition is
#      rewritten every second; p50/p99/max from pgbench's transaction log,
#      with the server's plan choice (auto) and with custom plans.
# usage: bench/bench_shred.sh [BUILD_DIR] [SUBJECTS] [SECS] [RUNS]
#        (default build 10000000 20 5). Needs Debian's postgresql.
set -euo pipefail
build=${1:-build}
n=${2:-10000000}
secs=${3:-20}
runs=${4:-5}
cx=$(realpath "$build/src/cxvault")
here=$(dirname "$(realpath "$0")")
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
tmp=$(mktemp -d /tmp/cxv-shred-bench-XXXXXX)
chmod 711 "$tmp"
trap 'bash "$here/../tests/pg_cluster.sh" stop "$tmp/pg"; rm -rf "$tmp"' EXIT

base=$(bash "$here/../tests/pg_cluster.sh" start "$tmp/pg")
psql "${base/\{db\}/postgres}" -qc "CREATE DATABASE shred"
url=${base/\{db\}/shred}
"$cx" init --data "$tmp/v" --store "$url" >/dev/null
q() { psql "$url" -qAtX "$@"; }

echo "filling $n subjects..." >&2
q -c "INSERT INTO subject (id, wrapped_key, created_ms)
      SELECT i, decode(md5(i::text) || md5((-i)::text) || md5((i * 7)::text)
             || md5((i * 13)::text) || left(md5((i * 17)::text), 16), 'hex'),
             1793600000000
      FROM generate_series(1, $n) i" \
  -c "CREATE TABLE subject_flat AS SELECT * FROM subject" \
  -c "ALTER TABLE subject_flat ADD PRIMARY KEY (id)" \
  -c "VACUUM ANALYZE" -c "CHECKPOINT"

# The median and range of a column of numbers.
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "median %.1f (%.1f-%.1f)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
# The server's time for one statement, in ms (psql's \timing: no connecting).
ms() { q -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'; }

size=$(q -c "SELECT pg_size_pretty(pg_total_relation_size('subject_p00')) || ' of ' || pg_size_pretty(pg_total_relation_size('subject_flat'))")
echo "one partition: $size"
echo -n "VACUUM FULL of one partition, ms: "
for i in $(seq "$runs"); do ms "VACUUM FULL subject_p$(printf %02d $((RANDOM % 64)))"; done | stats; echo
echo -n "VACUUM FULL of the whole table (before), ms: "
for i in $(seq "$runs"); do ms "VACUUM FULL subject_flat"; done | stats; echo
q -c "DROP TABLE subject_flat" -c "CHECKPOINT"

printf '\\set id random(1, %d)\nSELECT wrapped_key FROM subject WHERE id = :id;\n' "$n" >"$tmp/find.sql"
# p50, p99 and max of one pgbench run's transaction log, in ms.
lookups() {
	rm -f "$tmp"/log.*
	(cd "$tmp" && PGOPTIONS="-c plan_cache_mode=$1" "$bin/pgbench" -n \
	    -M prepared -c 2 -j 2 -T "$secs" -f find.sql -l --log-prefix=log \
	    "$url" >/dev/null 2>&1)
	cat "$tmp"/log.* | awk '{ print $3 / 1000 }' | sort -n | awk '
	    { v[NR] = $1 } END { printf "%d lookups, p50 %.3f ms, p99 %.3f ms, max %.1f ms\n",
	    NR, v[int(NR * 0.5)], v[int(NR * 0.99)], v[NR] }'
}
rewrites() {
	local end=$((SECONDS + secs))
	while [ $SECONDS -lt $end ]; do
		q -c "VACUUM FULL subject_p$(printf %02d $((RANDOM % 64)))" >/dev/null
		sleep 1
	done
}
for mode in auto force_custom_plan; do
	echo "lookups ($mode plans), alone: $(lookups $mode)"
	rewrites &
	echo "lookups ($mode plans), a partition rewritten every second: $(lookups $mode)"
	wait
done
