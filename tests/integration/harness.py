# SPDX-License-Identifier: Apache-2.0
"""Tiny TAP harness for integration tests that drive the real cxvault binary.

Each test is a function decorated with @test; main() runs them in order and
prints TAP (meson counts the subtests). Tests get a fresh temporary
directory and remove it afterwards.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

BIN = os.environ.get("CXVAULT_BIN", "cxvault")
_tests = []


def test(fn):
    _tests.append(fn)
    return fn


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return f"rc={self.rc} out={self.out!r} err={self.err!r}"


def cx(*args, stdin=b"", env=None, timeout=120):
    """Run cxvault with args; stdin is bytes. Returns a Result."""
    e = dict(os.environ)
    e.pop("CXVAULT_DATA", None)
    if env:
        e.update(env)
    proc = subprocess.run([BIN, *args], input=stdin, capture_output=True,
                          env=e, timeout=timeout)
    return Result(proc)


def cx_at(offset, *args, timeout=120):
    """cxvault args run with the clock moved by offset (libfaketime's
    "+8d", "+30m"), as if that time had passed; the CompletedProcess."""
    env = dict(os.environ)
    env.pop("CXVAULT_DATA", None)
    # ASan wants its runtime first, but faketime preloads itself before
    # it; and ASan's allocator asks the clock (to return memory to the
    # system) before libfaketime has set itself up, which deadlocks.
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
        ":verify_asan_link_order=0:allocator_release_to_os_interval_ms=-1"
    return subprocess.run(["faketime", "-f", offset, BIN, *args],
                          capture_output=True, env=env, timeout=timeout)


def ok(*args, **kw):
    """Run cxvault and insist on exit 0."""
    r = cx(*args, **kw)
    if r.rc != 0:
        raise AssertionError(f"cxvault {' '.join(args)} failed: {r}")
    return r


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def fails(r, rc, *needles):
    """r exited with rc, printed 'cxvault: ' errors naming every needle."""
    expect(r.rc == rc, f"want exit {rc}: {r}")
    expect(r.err.startswith("cxvault: "), f"error format: {r.err!r}")
    for n in needles:
        expect(n in r.err, f"{n!r} not in {r.err!r}")


def snapshot(d):
    """{relative path: sha256} of every file under d."""
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def files_containing(d, needles):
    """[(file, needle)] for each needle (bytes) found in any file under d."""
    hits = []
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                data = fh.read()
            for n in needles:
                if n in data:
                    hits.append((os.path.relpath(p, d), n))
    return hits


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="cxv-it-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


# The suite's second engine (issue 7): the 'pg' suite runs these tests
# with CXV_TEST_ENGINE=postgresql against the throwaway cluster whose
# base URL ("{db}" for the database) tests/pg_cluster.sh printed.
ON_PG = os.environ.get("CXV_TEST_ENGINE") == "postgresql"
PG_URL = os.environ.get("CXV_TEST_PG", "")


def pg_database():
    """A new, empty database of the test cluster; its URL."""
    name = "v_" + os.urandom(8).hex()
    subprocess.run(["psql", PG_URL.replace("{db}", "postgres"), "-qc",
                    f"CREATE DATABASE {name}"], check=True,
                   capture_output=True, timeout=60)
    return PG_URL.replace("{db}", name)


def store_args():
    """init's --store for a vault of the engine under test."""
    return ["--store", pg_database()] if ON_PG else []


def _sql_literal(v):
    if isinstance(v, bytes):
        return "'\\x" + v.hex() + "'" + ("::bytea" if ON_PG else "")
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def _psql(d, sql, params):
    for p in params:
        sql = sql.replace("?", _sql_literal(p), 1)
    r = subprocess.run(["psql", read_config(d)["store"], "-qAtF", "\t",
                        "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"psql: {r.stderr.decode()}")
    rows = []
    for line in r.stdout.decode().splitlines():
        row = []
        for x in line.split("\t"):
            if x.startswith("\\x"):
                row.append(bytes.fromhex(x[2:]))
            elif x.lstrip("-").isdigit():
                row.append(int(x))
            else:
                row.append(x)
        rows.append(tuple(row))
    return rows


def db_rows(d, sql, params=()):
    """The rows of a query (? parameters) on vault d's store, either engine."""
    if ON_PG:
        return _psql(d, sql, params)
    import sqlite3
    con = sqlite3.connect(os.path.join(d, "vault.db"))
    try:
        rows = con.execute(sql, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def audit_ids(entries):
    """The record ids audit entries name: "7", or ranges "3..5,9" of the
    entries for a batch of records (ids as ints)."""
    ids = []
    for e in entries:
        for run in e["object_id"].split(","):
            first, _, last = run.partition("..")
            ids.extend(range(int(first), int(last or first) + 1))
    return ids


def pg_files_containing(d, needles, wal=True):
    """[(file, needle)] in the files of d's PostgreSQL database and, with
    wal, the cluster's WAL (the test cluster's data directory)."""
    data = os.path.join(os.path.dirname(
        re.search(r"sslrootcert=([^&]+)", PG_URL).group(1)), "data")
    oid, = db_rows(d, "SELECT oid FROM pg_database WHERE "
                   "datname = current_database()")[0]
    hits = []
    for sub in [f"base/{oid}"] + (["pg_wal"] if wal else []):
        for root, _, files in os.walk(os.path.join(data, sub)):
            for f in files:
                p = os.path.join(root, f)
                try:  # the server recycles WAL segments meanwhile
                    with open(p, "rb") as fh:
                        blob = fh.read()
                except FileNotFoundError:
                    continue
                hits += [(p, n) for n in needles if n in blob]
    return hits


def store_files_containing(d, needles):
    """files_containing() over d and, on PostgreSQL, the files of d's
    database and the cluster's WAL."""
    hits = files_containing(d, needles)
    if ON_PG:
        hits += pg_files_containing(d, needles)
    return hits


def new_vault(tmp, name="v", passphrase=None):
    d = os.path.join(tmp, name)
    if passphrase is None:
        ok("init", "--data", d, *store_args())
    else:
        ok("init", "--data", d, "--passphrase-stdin", *store_args(),
           stdin=passphrase.encode() + b"\n")
    return d


class Skip(Exception):
    """Raised by a test that cannot run here; reported as TAP SKIP with
    the reason, counted as skipped, never as passed."""


def require_root():
    """For tests of what only root can do (CI runs as root)."""
    if os.geteuid() != 0:
        raise Skip("needs root")


def require_sqlite(why):
    """For tests of what only the SQLite engine has (its file, ...)."""
    if ON_PG:
        raise Skip(f"SQLite only: {why}")


def main():
    if ON_PG and "{db}" not in PG_URL:
        print("1..0 # SKIP no PostgreSQL cluster (tests/pg_cluster.sh "
              "start DIR, then CXV_TEST_PG=its URL)", flush=True)
        sys.exit(0)
    print(f"1..{len(_tests)}", flush=True)
    failed = 0
    for i, fn in enumerate(_tests, 1):
        name = (fn.__doc__ or fn.__name__).strip().splitlines()[0]
        try:
            fn()
            print(f"ok {i} - {name}", flush=True)
        except Skip as why:
            print(f"ok {i} - {name} # SKIP {why}", flush=True)
        except Exception:  # noqa: BLE001 - report every failure as TAP
            failed += 1
            print(f"not ok {i} - {name}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
    sys.exit(1 if failed else 0)


def free_port():
    """A TCP port on loopback that nothing listens on right now."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_config(d):
    """The keys of d/cxvault.conf."""
    out = {}
    for line in open(os.path.join(d, "cxvault.conf")):
        if "=" in line and not line.lstrip().startswith("#"):
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def set_config(d, **keys):
    """Change keys of d/cxvault.conf (values as the file writes them)."""
    path = os.path.join(d, "cxvault.conf")
    lines = open(path).read().splitlines()
    for k, v in keys.items():
        lines = [f"{k} = {v}" if l.split("=")[0].strip() == k else l
                 for l in lines]
    open(path, "w").write("\n".join(lines) + "\n")


class Server:
    """cxvault serve on a free loopback port, stopped (SIGTERM) on exit.

    call() speaks HTTPS, checking the vault's own certificate, and
    returns (status, headers, body): body parsed as JSON when it is.
    """

    def __init__(self, d, stdin=b"", env=None):
        self.d = d
        self.port = free_port()
        self.stdin = stdin
        self.env = dict(os.environ, **(env or {}))

    def __enter__(self):
        import select
        import ssl
        import time
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.d, "--listen",
             f"127.0.0.1:{self.port}"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env)
        self.proc.stdin.write(self.stdin)
        self.proc.stdin.close()
        self.ctx = ssl.create_default_context(
            cafile=os.path.join(self.d, "tls", "cert.pem"))
        # Ready once it says it serves: the port listens earlier, while
        # the certificate is still being read.
        self.early = b""
        ready = f"serving https://127.0.0.1:{self.port}".encode()
        deadline = time.monotonic() + 60
        while ready not in self.early:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("serve did not start")
            if select.select([self.proc.stderr], [], [], left)[0]:
                got = os.read(self.proc.stderr.fileno(), 4096)
                if not got:
                    self.proc.wait(30)
                    raise AssertionError(
                        "serve exited: " + self.early.decode())
                self.early += got
        return self

    def stop(self):
        import signal
        if hasattr(self, "err"):
            return self.proc.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("serve did not stop on SIGTERM")
        self.err = (self.early + self.proc.stderr.read()).decode(
            "utf-8", "replace")
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc

    def __exit__(self, *exc):
        died = self.proc.poll()
        self.stop()
        if exc[0] is not None:
            # A failed test says how the server was; its last words if it
            # had died (diagnostics only: the failure stands).
            print(f"# server {'exited ' + str(died) if died is not None else 'running'}"
                  " when the test failed", flush=True)
            for line in (self.err[-4000:] if died is not None else "").splitlines():
                print(f"# serve: {line}", flush=True)

    def call(self, method, path, body=None, token=None, raw=None,
             headers=None, source=None):
        import http.client
        import json as _json
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = raw
        if body is not None:
            data = _json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.ctx, timeout=60,
            source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            payload = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()
        if hdrs.get("content-type", "").startswith("application/json"):
            payload = _json.loads(payload)
        return resp.status, hdrs, payload

    def make_user(self, admin, logon, profile, password=None, **fields):
        """A user with profile (and a password), made over the API by the
        administrator session admin; returns its user id."""
        st, _, u = self.call("POST", "/v1/users", dict(logon=logon,
                                                       **fields), token=admin)
        if st != 201:
            raise AssertionError(f"user {logon}: {st} {u}")
        body = {"profile": profile}
        if password:
            body.update(password=password, must_change=False)
        st, _, x = self.call("PUT", f"/v1/users/{u['user']}/login", body,
                             token=admin)
        if st != 200:
            raise AssertionError(f"login of {logon}: {st} {x}")
        return u["user"]

    def feed_token(self, admin, *permissions):
        """The PBX: an api_integration user 'PBX' made by admin, and an
        API token of its with permissions, valid for a day."""
        pbx = self.make_user(admin, "PBX", "api_integration", kind="api")
        st, _, doc = self.call("POST", f"/v1/users/{pbx}/tokens", {
            "permissions": list(permissions), "days": 1}, token=admin)
        if st != 201:
            raise AssertionError(f"token: {st} {doc}")
        return doc["token"]

    def login(self, name, password, **kw):
        st, _, doc = self.call("POST", "/v1/sessions",
                               {"name": name, "password": password}, **kw)
        if st != 201:
            raise AssertionError(f"login {name}: {st} {doc}")
        return doc["token"]


ADMIN_PW = "admin pass phrase 2026"


def api_vault(tmp, **config):
    """A vault with an administrator 'root' (ADMIN_PW) and config keys."""
    d = os.path.join(tmp, "v")
    ok("init", "--data", d, "--admin", "root", "--password-stdin",
       *store_args(), stdin=ADMIN_PW.encode() + b"\n")
    if config:
        set_config(d, **config)
    return d
