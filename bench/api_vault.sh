# SPDX-License-Identifier: Apache-2.0
# Sourced by the API benchmarks: a fresh vault served on loopback with
# what the runs need. api_vault DIR BIN PORT sets, for that server:
#   url, stok (a supervisor's session), ftok (an API token with
#   cdr.ingest), ia (one stored CDR's interaction id), pid.
api_vault_pw="bench pass phrase 2026"

api_vault() {
	local dir=$1 bin=$2 port=$3 root feed
	"$bin" init --data "$dir/v" --admin root --password-stdin \
	    <<<"$api_vault_pw" >/dev/null
	if [ -n "${API_VAULT_CONF:-}" ]; then	# "key = value" replaces key's line
		sed -i "s/^${API_VAULT_CONF%% =*} = .*/$API_VAULT_CONF/" \
		    "$dir/v/cxvault.conf"
	fi
	"$bin" serve --data "$dir/v" --listen "127.0.0.1:$port" \
	    2>"$dir/serve.err" &
	pid=$!
	url="https://127.0.0.1:$port"
	# Ready when it answers (the port listens before the TLS set-up ends).
	for _ in $(seq 50); do
		_curl "$dir" "$url/v1/health" >/dev/null 2>&1 && break
		sleep 0.2
	done
	root=$(_curl "$dir" "$url/v1/sessions" \
	    -d "{\"name\":\"root\",\"password\":\"$api_vault_pw\"}" | _json '["token"]')
	feed=$(_mkuser "$dir" "$root" pbx api_integration)
	ftok=$(_curl "$dir" -H "Authorization: Bearer $root" \
	    "$url/v1/users/$feed/tokens" -d '{"permissions":["cdr.ingest"]}' |
	    _json '["token"]')
	_mkuser "$dir" "$root" sup supervisor >/dev/null
	stok=$(_curl "$dir" "$url/v1/sessions" \
	    -d "{\"name\":\"sup\",\"password\":\"$api_vault_pw\"}" | _json '["token"]')
	ia=$(_curl "$dir" -H "Authorization: Bearer $ftok" "$url/v1/cdr" -d '{"id":"b-1",
	    "caller":"+49 30 1234567","caller_name":"Bench Caller","callee":"100",
	    "start":"2026-11-20T10:00:00Z","end":"2026-11-20T10:01:00Z",
	    "outcome":"answered"}' | _json '["interaction"]')
}

_curl() { local dir=$1; shift; curl -sf --cacert "$dir/v/tls/cert.pem" "$@"; }
_json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
_mkuser() {	# dir root-token logon profile -> user id
	local id
	id=$(_curl "$1" -H "Authorization: Bearer $2" "$url/v1/users" \
	    -d "{\"logon\":\"$3\"}" | _json '["user"]')
	_curl "$1" -H "Authorization: Bearer $2" -X PUT "$url/v1/users/$id/login" \
	    -d "{\"profile\":\"$4\",\"password\":\"$api_vault_pw\",\"must_change\":false}" >/dev/null
	echo "$id"
}
