#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A throwaway PostgreSQL cluster for the test suite's second engine
# (issue 7): Debian's server, on loopback only, TLS required and checked
# (sslmode=verify-full against a CA made here), SCRAM passwords from a
# passfile.
#   tests/pg_cluster.sh start DIR   make and start it; prints the base
#                                   URL, "{db}" standing for a database
#   tests/pg_cluster.sh standby PRIMARY DIR
#                                   a hot standby of PRIMARY's cluster in
#                                   DIR (pg_basebackup -R), synchronous:
#                                   PRIMARY's commits wait for it; prints
#                                   a URL naming both, read-write first
#   tests/pg_cluster.sh promote DIR the standby in DIR takes writes
#   tests/pg_cluster.sh stop DIR    stop it and remove DIR
set -euo pipefail

BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# initdb refuses root: the cluster then belongs to the postgres user.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
	local dir=$1 port pw
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	port=$(free_port)
	pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
	# A CA and a server certificate for "localhost" (verify-full), valid
	# a year either side of now: tests move the clock with faketime.
	faketime -f -365d openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 730 -subj /CN=cxvault-test-ca -keyout "$dir/ca.key" \
	    -out "$dir/ca.pem" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -subj /CN=localhost -keyout "$dir/server.key" \
	    -out "$dir/server.csr" 2>/dev/null
	printf 'subjectAltName=DNS:localhost\n' >"$dir/san.ext"
	faketime -f -365d openssl x509 -req -in "$dir/server.csr" \
	    -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 730 \
	    -extfile "$dir/san.ext" -out "$dir/server.pem" 2>/dev/null
	printf '%s\n' "$pw" >"$dir/pw"
	printf 'localhost:%s:*:cxv:%s\n' "$port" "$pw" >"$dir/pgpass"
	chmod 600 "$dir/server.key" "$dir/pw" "$dir/pgpass"
	[ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
	as_owner "$BIN/initdb" -D "$dir/data" -U cxv -A scram-sha-256 \
	    --pwfile="$dir/pw" --no-sync >"$dir/initdb.log"
	rm -f "$dir/pw"
	cat >>"$dir/data/postgresql.conf" <<-EOF
	listen_addresses = '127.0.0.1'
	port = $port
	unix_socket_directories = '$dir'
	ssl = on
	ssl_cert_file = '$dir/server.pem'
	ssl_key_file = '$dir/server.key'
	max_connections = 300
	fsync = off
	full_page_writes = off
	EOF
	# TLS or nothing, on loopback.
	printf 'hostssl all all 127.0.0.1/32 scram-sha-256\n' >"$dir/data/pg_hba.conf"
	printf 'hostssl replication all 127.0.0.1/32 scram-sha-256\n' \
	    >>"$dir/data/pg_hba.conf"
	echo "$port" >"$dir/port"
	as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
	    >/dev/null
	echo "postgresql://cxv@localhost:$port/{db}?sslmode=verify-full&sslrootcert=$dir/ca.pem&passfile=$dir/pgpass"
}

# The standby shares the primary's CA, certificate and passfile (one
# more line in it: its port); both URLs' hosts are tried in turn.
standby() {
	local pdir dir=$2 pport port conn
	pdir=$(cd "$1" && pwd)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	pport=$(cat "$pdir/port")
	port=$(free_port)
	cp "$pdir/server.pem" "$pdir/server.key" "$dir/"
	printf 'localhost:%s:*:cxv:%s\n' "$port" \
	    "$(cut -d: -f5 "$pdir/pgpass" | head -1)" >>"$pdir/pgpass"
	echo "$port" >"$dir/port"
	[ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
	conn="host=localhost port=$pport user=cxv sslmode=verify-full sslrootcert=$pdir/ca.pem passfile=$pdir/pgpass application_name=standby"
	as_owner "$BIN/pg_basebackup" -d "$conn" -D "$dir/data" -R \
	    -X stream --no-sync
	cat >>"$dir/data/postgresql.conf" <<-EOF
	port = $port
	unix_socket_directories = '$dir'
	ssl_cert_file = '$dir/server.pem'
	ssl_key_file = '$dir/server.key'
	EOF
	as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
	    >/dev/null
	PGPASSFILE=$pdir/pgpass psql -qAt "$conn dbname=postgres" \
	    -c "ALTER SYSTEM SET synchronous_standby_names = 'standby'" \
	    -c "SELECT pg_reload_conf()" >/dev/null
	for _ in $(seq 100); do
		[ "$(psql -qAt "$conn dbname=postgres" -c "SELECT sync_state \
		    FROM pg_stat_replication")" = sync ] && break
		sleep 0.1
	done
	echo "postgresql://cxv@localhost:$pport,localhost:$port/{db}?sslmode=verify-full&sslrootcert=$pdir/ca.pem&passfile=$pdir/pgpass&target_session_attrs=read-write&connect_timeout=2"
}

stop() {
	local dir=$1
	[ -d "$dir/data" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast \
	    -w stop >/dev/null || true
	rm -rf "$dir"
}

case "${1:-}" in
start)	start "$2" ;;
standby) standby "$2" "$3" ;;
promote) as_owner "$BIN/pg_ctl" -D "$2/data" -w promote >/dev/null ;;
stop)	stop "$2" ;;
*)	echo "usage: tests/pg_cluster.sh start DIR | standby PRIMARY DIR |" \
	    "promote DIR | stop DIR" >&2
	exit 2 ;;
esac
