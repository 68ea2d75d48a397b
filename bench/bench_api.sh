#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bench (issue 4): wrk against `cxvault serve` over TLS, side by side with
# wrk against a static file served by nginx over TLS (same certificate,
# TLS 1.3, 2 workers) as the ceiling of this machine.
#   authenticated GET /v1/interactions/{id} (session token, keep-alive)
#   CDR ingest: POST /v1/cdr, a new CDR each request (API token)
# usage: bench/bench_api.sh [BUILD_DIR] [SECONDS] [RUNS]   (default build 10 3)
# Needs wrk and nginx (Debian packages wrk, nginx-light). Prints medians.
set -euo pipefail
build=${1:-build}
secs=${2:-10}
runs=${3:-3}
cx=$(realpath "$build/src/cxvault")
here=$(dirname "$(realpath "$0")")
tmp=$(mktemp -d /tmp/cxv-api-bench-XXXXXX)
port=18543
nport=18544
pid=
trap 'kill $pid $(cat "$tmp/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$tmp"' EXIT

# shellcheck source=bench/api_vault.sh
. "$here/api_vault.sh"
api_vault "$tmp" "$cx" "$port"

# nginx: the same certificate, a small static file, TLS 1.3.
mkdir -p "$tmp/www"
_curl "$tmp" "$url/v1/health" >"$tmp/www/static.json"
cat >"$tmp/nginx.conf" <<EOF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$nport ssl;
        ssl_certificate $tmp/v/tls/cert.pem;
        ssl_certificate_key $tmp/v/tls/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        keepalive_requests 1000000;
        root $tmp/www;
    }
}
EOF
nginx -c "$tmp/nginx.conf" -p "$tmp"

cat >"$tmp/ingest.lua" <<'EOF'
counter = 0
request = function()
	counter = counter + 1
	local body = string.format('{"id":"w-%d-%d","caller":"+49 30 %07d",' ..
	    '"callee":"101","start":"2026-11-21T10:00:00Z",' ..
	    '"end":"2026-11-21T10:00:30Z","outcome":"answered"}',
	    math.random(1, 1000000000), counter, counter % 1000000)
	return wrk.format("POST", nil, nil, body)
end
EOF

# One wrk run: "requests/s p99(ms)".
run() {
	wrk -t2 -c16 -d"${secs}s" --latency "$@" | awk '
	    /Requests\/sec/ { rps = $2 }
	    /^ +99%/ { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
	        if (u == "us") v /= 1000; if (u == "s") v *= 1000; p99 = v }
	    END { printf "%.0f %.2f\n", rps, p99 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# The machine drifts over minutes: the targets take turns, run by run,
# so each ratio compares figures taken side by side.
labels="nginx-static get-interaction cdr-ingest"
for _ in $(seq "$runs"); do
	for label in $labels; do
		case $label in
		nginx-static) run "https://127.0.0.1:$nport/static.json" ;;
		get-interaction) run -H "Authorization: Bearer $stok" \
		    "$url/v1/interactions/$ia" ;;
		cdr-ingest) run -s "$tmp/ingest.lua" \
		    -H "Authorization: Bearer $ftok" \
		    -H "Content-Type: application/json" "$url/v1/cdr" ;;
		esac >>"$tmp/$label.runs"
	done
	# This run's ratio, to show the spread.
	paste -d' ' <(tail -1 "$tmp/nginx-static.runs") \
	    <(tail -1 "$tmp/get-interaction.runs") |
	    awk '{ printf "%.1f\n", 100 * $3 / $1 }' | tee -a "$tmp/ratio.runs" |
	    sed 's/^/run: GET \/ nginx /; s/$/ %/'
done
for label in $labels; do
	rps=$(cut -d' ' -f1 "$tmp/$label.runs" | median)
	p99=$(cut -d' ' -f2 "$tmp/$label.runs" | median)
	printf "%-44s %9s req/s   p99 %7s ms\n" "$label" "$rps" "$p99"
	echo "$rps" >"$tmp/$label.rps"
done
awk -v a="$(cat "$tmp/get-interaction.rps")" -v b="$(cat "$tmp/nginx-static.rps")" \
    'BEGIN { printf "authenticated GET / nginx static: %.1f %%\n", 100 * a / b }'
# The runs' own ratios: their median, spread, and how many missed 50 %.
sort -n "$tmp/ratio.runs" | awk -v m="$(median <"$tmp/ratio.runs")" \
    '{ r[NR] = $1; if ($1 < 50) under++ }
    END { printf "per-run ratios: median %s %%, %s to %s %%, %d of %d under 50 %%\n",
        m, r[1], r[NR], under, NR }'
grep -c . "$tmp/v/logs/cxvault.log" >/dev/null
