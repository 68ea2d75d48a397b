#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The developer's and CI's one entry point (README quick start):
#   ./dev.sh demo   install what is missing, build, make ./vault with demo
#                   data and show it
#   ./dev.sh test   install what is missing, then build and run every test:
#                   gcc build (unit, integration, pg, lint), clang
#                   ASan+UBSan build (unit, integration, pg), libFuzzer
#                   smoke runs; 'pg' is the integration tests on a
#                   throwaway PostgreSQL cluster (tests/pg_cluster.sh);
#                   'package' builds the Debian package and runs it.
#                   Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# Debian/Ubuntu packages, each needed (README "Dependencies" says why).
PKGS=(build-essential meson ninja-build pkg-config python3 clang john-data python3-zxcvbn
      libsodium-dev libsqlite3-dev libpq-dev postgresql libjansson-dev libcmocka-dev libcsv-dev
      libphonenumber-dev libicu-dev libspandsp-dev systemd sox espeak-ng
      libgnutls28-dev libmicrohttpd-dev libldap2-dev libcurl4-gnutls-dev libseccomp-dev
      curl openssl faketime rsyslog rsyslog-gnutls slapd ldap-utils python3-aiosmtpd
      chromium testssl.sh sqlmap cppcheck clang-tidy man-db groff-base
      debhelper lintian git)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null |
	    grep -q "install ok installed"
}

# libFuzzer's runtime, which some distributions ship apart from clang.
fuzzer_runtime() {
	local d
	d=$(clang -print-resource-dir 2>/dev/null) &&
	    compgen -G "$d/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null
}

install_deps() {
	local missing=() p sudo="" updated=0 major
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	for p in "${PKGS[@]}"; do
		installed "$p" || missing+=("$p")
	done
	# Node.js for the browser tests: any recent one; Debian's if none.
	command -v node >/dev/null && command -v npm >/dev/null ||
	    missing+=(nodejs npm)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "installing: ${missing[*]}"
		$sudo apt-get update -qq
		updated=1
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends "${missing[@]}" >/dev/null
	fi
	fuzzer_runtime && return 0
	major=$(clang -dumpversion | cut -d. -f1)
	[ $updated -eq 1 ] || $sudo apt-get update -qq
	echo "installing: libclang-rt-$major-dev"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "libclang-rt-$major-dev" >/dev/null
}

# setup DIR [meson options...]: configure once, then build.
build() {
	local dir=$1
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
	ninja -C "$dir" --quiet
}

demo() {
	local cx=build/src/cxvault pw
	build build
	if [ ! -e vault ]; then
		# No default credentials (R2.7): a random administrator password,
		# kept for the demo in a file only its owner can read.
		pw=$(head -c 15 /dev/urandom | base64 | tr '+/' '-_')
		(umask 077 && printf '%s\n' "$pw" >vault.admin-password)
		$cx init --data vault --admin admin --password-stdin \
		    <vault.admin-password
		$cx subject add --data vault --phone "+49 30 123456789" \
		    --email jane.doe@example.org --name "Jane Doe" >/dev/null
		$cx subject add --data vault --phone "+1 (714) 555-1234" \
		    --name "Lisa Bookworm" >/dev/null
		$cx subject add --data vault --chat bo.stenlund \
		    --email bo.stenlund@example.se --name "Bo Stenlund" >/dev/null
		$cx user add --data vault --logon A0100 --first-name Anna \
		    --last-name Agent --extension 100 >/dev/null
		$cx user add --data vault --logon A0003 --first-name Laura \
		    --last-name Stevens --extension 2053 \
		    --email laura@company.example >/dev/null
		$cx import cdr --data vault --format asterisk-csv \
		    tests/data/asterisk/Master.csv >/dev/null 2>&1 || true
	fi
	echo "== demo vault in ./vault"
	$cx status --data vault
	$cx audit verify --data vault
	echo "== serving https://127.0.0.1:8443 (Ctrl-C stops it): open it in a"
	echo "   browser and log in as admin with the password in"
	echo "   ./vault.admin-password (the certificate is the vault's own, in"
	echo "   vault/tls/cert.pem); or try:"
	echo "  curl --cacert vault/tls/cert.pem https://127.0.0.1:8443/v1/sessions \\"
	echo "    -d '{\"name\":\"admin\",\"password\":\"'\$(cat vault.admin-password)'\"}'"
	echo "  $cx subject find --data vault --phone '030 123456789'"
	exec $cx serve --data vault
}

run_tests() {
	local rc=0
	# playwright-core, pinned by tests/browser/package-lock.json; it
	# drives Debian's chromium and downloads no browser.
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	# The second engine: a throwaway PostgreSQL cluster for the 'pg'
	# suite (the integration tests again, on PostgreSQL).
	PG_DIR=$(mktemp -d /tmp/cxv-pg.XXXXXX)
	trap 'tests/pg_cluster.sh stop "$PG_DIR"' EXIT
	CXV_TEST_PG=$(tests/pg_cluster.sh start "$PG_DIR")
	export CXV_TEST_PG
	build build --buildtype=debugoptimized
	meson test -C build --print-errorlogs || rc=1
	CC=clang CXX=clang++ build build-asan --buildtype=debug \
	    -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    meson test -C build-asan --suite unit --suite integration --suite pg \
	    --print-errorlogs || rc=1
	CC=clang CXX=clang++ build build-fuzz --buildtype=debug -Dfuzz=true \
	    -Db_sanitize=address,undefined -Db_lundef=false
	meson test -C build-fuzz --suite fuzz --print-errorlogs || rc=1
	python3 tests/summary.py build build-asan build-fuzz || rc=1
	return $rc
}

case "${1:-}" in
demo)	install_deps; demo ;;
test)	install_deps; run_tests ;;
*)	echo "usage: ./dev.sh demo | test" >&2; exit 2 ;;
esac
