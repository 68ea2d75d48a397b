#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Two builds of cxvault compared on the authenticated GET (issue 4), in
# pairs: both serve a fresh vault at once, wrk takes turns between them
# (the order alternating), and each pair gives B/A ratios of req/s and
# of the server's CPU per request (from /proc). On a machine that drifts
# by a third within minutes, the median of the paired ratios says what
# one change did where medians of separate series cannot.
# usage: bench/bench_api_ab.sh CXVAULT_A CXVAULT_B [PAIRS] [SECONDS]
#   (default 10 pairs of 3 s). API_VAULT_CONF="http_workers = 2" changes
#   one configuration key of B's vault.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 CXVAULT_A CXVAULT_B [PAIRS] [SECONDS]" >&2; exit 2; }
bin_a=$(realpath "$1")
bin_b=$(realpath "$2")
pairs=${3:-10}
secs=${4:-3}
here=$(dirname "$(realpath "$0")")
tmp=$(mktemp -d /tmp/cxv-api-ab-XXXXXX)
pids=
trap 'kill $pids 2>/dev/null || true; rm -rf "$tmp"' EXIT
# shellcheck source=bench/api_vault.sh
. "$here/api_vault.sh"

# name bin port: start one, and keep what wrk needs in $tmp/name.*
start() {
	local conf=
	[ "$1" = b ] && conf=${API_VAULT_CONF:-}
	mkdir -p "$tmp/$1"
	API_VAULT_CONF=$conf api_vault "$tmp/$1" "$2" "$3"
	pids="$pids $pid"
	echo "$pid $url/v1/interactions/$ia $stok" >"$tmp/$1.target"
}
start a "$bin_a" 18601
start b "$bin_b" 18602

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# One run against name: "req/s cpu_us_per_request" appended to name.runs.
run() {
	local p u t c0 c1 n
	read -r p u t <"$tmp/$1.target"
	c0=$(cpu_ticks "$p")
	n=$(wrk -t2 -c16 -d"${secs}s" -H "Authorization: Bearer $t" "$u" |
	    awk '/requests in/ { print $1 }')
	c1=$(cpu_ticks "$p")
	awk -v n="$n" -v s="$secs" -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" \
	    'BEGIN { printf "%.0f %.1f\n", n / s, c * 1e6 / hz / n }' >>"$tmp/$1.runs"
}
for i in $(seq "$pairs"); do
	if [ $((i % 2)) -eq 1 ]; then run a; run b; else run b; run a; fi
done
paste -d' ' "$tmp/a.runs" "$tmp/b.runs" | awk '
	function median(v, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	{ ra[NR] = $1; ca[NR] = $2; rb[NR] = $3; cb[NR] = $4
	  rr[NR] = $3 / $1; cr[NR] = $4 / $2; list = list sprintf(" %.2f", $3 / $1) }
	END {
		printf "A: %d req/s, %.1f us CPU per GET (medians)\n", median(ra, NR), median(ca, NR)
		printf "B: %d req/s, %.1f us CPU per GET (medians)\n", median(rb, NR), median(cb, NR)
		printf "paired B/A: req/s %.3f, CPU per GET %.3f (req/s per pair:%s)\n",
		    median(rr, NR), median(cr, NR), list
	}'
