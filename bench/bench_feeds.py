#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bench (issue 27): the live feeds into one vault, each beside
`import cdr` of the same records, run by run:

  freeswitch  POST /v1/cdr/freeswitch with the body FreeSWITCH sends (a
              real mod_json_cdr document of tests/data/real, 11.7 kB, a new
              uuid and caller each time; encode=false, Basic token), wrk
              with 100 connections for SECONDS: CDRs/s, p99, server CPU
              per CDR; then import cdr --format freeswitch-json of as
              many such documents.
  ami         N Event: Cdr (real Master.csv rows, re-keyed) pushed by the
              manager peer of tests/integration/amiserver.py as fast as
              the vault reads them: events/s until all are committed,
              server CPU per event; then import cdr --format asterisk-csv
              of the same rows.

usage: bench/bench_feeds.py BUILD_DIR [SECONDS] [EVENTS] [RUNS]
Needs wrk (Debian package). Prints each run and the medians."""
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from amiserver import FakeAMI, master_rows  # noqa: E402

PW = "bench pass phrase 2026"
SECRET = "bench-ami-secret"
TICK = os.sysconf("SC_CLK_TCK")
FS_DOC = os.path.join(ROOT, "tests", "data", "real", "freeswitch",
                      "cgrates-engine-fscdr.json")
MASTER = os.path.join(ROOT, "tests", "data", "real", "asterisk",
                      "fafeitsch-cdr.csv")


def cpu_s(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / TICK


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, **kw)


class Vault:
    def __init__(self, bin_, tmp, extra=""):
        self.bin, self.d = bin_, os.path.join(tmp, "v")
        run(bin_, "init", "--data", self.d, "--admin", "root",
            "--password-stdin", input=PW.encode() + b"\n")
        conf = os.path.join(self.d, "cxvault.conf")
        text = open(conf).read()
        # 100 senders from one address: above the default 64 per address.
        text = re.sub(r"(?m)^http_max_connections_per_ip = .*$",
                      "http_max_connections_per_ip = 256", text)
        with open(conf, "w") as f:
            f.write(text + "source.pbx.region = US\n" + extra)

    def serve(self, port):
        self.port = port
        self.proc = subprocess.Popen(
            [self.bin, "serve", "--data", self.d, "--listen",
             f"127.0.0.1:{port}"], stderr=subprocess.PIPE)
        line = b""
        while b"serving" not in line:
            line = self.proc.stderr.readline()
            if not line:
                raise SystemExit("serve did not start")
        return self.proc.pid

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)

    def curl(self, path, body=None, token=None, method=None):
        args = ["curl", "-sf", "--cacert", os.path.join(self.d, "tls",
                                                        "cert.pem")]
        if token:
            args += ["-H", f"Authorization: Bearer {token}"]
        if method:
            args += ["-X", method]
        if body is not None:
            args += ["-H", "Content-Type: application/json", "-d",
                     json.dumps(body)]
        return json.loads(run(*args, f"https://127.0.0.1:{self.port}{path}")
                          .stdout)

    def feed_token(self):
        root = self.curl("/v1/sessions", {"name": "root", "password": PW})
        u = self.curl("/v1/users", {"logon": "fs", "kind": "api"},
                      root["token"])
        self.curl(f"/v1/users/{u['user']}/login",
                  {"profile": "api_integration"}, root["token"], "PUT")
        return self.curl(f"/v1/users/{u['user']}/tokens",
                         {"permissions": ["cdr.ingest"]},
                         root["token"])["token"]

    def imported(self, fmt, path):
        t0 = time.monotonic()
        p = subprocess.Popen([self.bin, "import", "cdr", "--data", self.d,
                              "--format", fmt, "--source", "pbx", path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        out = json.loads(p.stdout.read())
        n = out["imported"] + out["duplicates"] + sum(out["skipped"].values())
        return n / wall, (ru.ru_utime + ru.ru_stime) / n * 1e6


def fs_template(tmp):
    """The real document with placeholders for the uuid and the caller."""
    d = json.load(open(FS_DOC))
    d["variables"]["uuid"] = "@UUID@"
    d["variables"]["caller_id_number"] = "@CALLER@"
    path = os.path.join(tmp, "fs.json")
    with open(path, "w") as f:
        f.write(json.dumps(d, separators=(",", ":")))
    return path


WRK_LUA = r"""
local f = io.open("@TEMPLATE@")
local doc = f:read("*a")
f:close()
local n = 0
local tag = tostring(math.random(1, 1000000000))
request = function()
	n = n + 1
	local body = doc:gsub("@UUID@", "b-" .. tag .. "-" .. n, 1)
	body = body:gsub("@CALLER@", string.format("+1415555%04d", n % 10000), 1)
	return wrk.format("POST", nil, nil, body)
end
"""


def bench_freeswitch(bin_, tmp, secs, port):
    v = Vault(bin_, tmp)
    pid = v.serve(port)
    token = v.feed_token()
    lua = os.path.join(tmp, "fs.lua")
    with open(lua, "w") as f:
        f.write(WRK_LUA.replace("@TEMPLATE@", fs_template(tmp)))
    import base64
    basic = base64.b64encode(b"ingest:" + token.encode()).decode()
    c0 = cpu_s(pid)
    out = run("wrk", "-t2", "-c100", f"-d{secs}s", "--latency", "-s", lua,
              "-H", f"Authorization: Basic {basic}", "-H",
              "Content-Type: application/json", "-H",
              "User-Agent: freeswitch-json/1.0",
              f"https://127.0.0.1:{port}/v1/cdr/freeswitch?source=pbx").stdout
    cpu = cpu_s(pid) - c0
    v.stop()
    text = out.decode()
    reqs = int(re.search(r"(\d+) requests in", text).group(1))
    if "Socket errors" in text:
        raise SystemExit("freeswitch: " + text)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if bad:
        raise SystemExit(f"freeswitch: {bad.group(1)} non-2xx answers")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    # The same number of documents, imported from one file.
    docs = os.path.join(tmp, "docs.json")
    tpl = open(os.path.join(tmp, "fs.json")).read()
    with open(docs, "w") as f:
        for i in range(reqs):
            f.write(tpl.replace("@UUID@", f"i-{i}", 1).replace(
                "@CALLER@", f"+1415555{i % 10000:04d}", 1) + "\n")
    w = Vault(bin_, os.path.join(tmp, "imp"))
    imp_rate, imp_cpu = w.imported("freeswitch-json", docs)
    return rps, p99, cpu / reqs * 1e6, imp_rate, imp_cpu


def committed(v):
    st = json.loads(run(v.bin, "status", "--data", v.d).stdout)["ami"]["pbx"]
    return st.get("stored", 0) + st.get("duplicates", 0) + \
        st.get("skipped", 0) + st.get("rejected", 0)


def bench_ami(bin_, tmp, events, port):
    ami = FakeAMI("cxvault", SECRET)
    secret = os.path.join(tmp, "ami.secret")
    with open(secret, "w") as f:
        f.write(SECRET)
    v = Vault(bin_, tmp, f"source.pbx.ami = tcp://127.0.0.1:{ami.port}\n"
              "source.pbx.ami_user = cxvault\n"
              f"source.pbx.ami_secret_file = {secret}\n")
    pid = v.serve(port)
    if not ami.up.wait(30):
        raise SystemExit("ami: no login")
    rows = master_rows(MASTER, events)
    c0, t0 = cpu_s(pid), time.monotonic()
    for r in rows:
        ami.send(r)
    while committed(v) < events:
        time.sleep(0.05)
    wall, cpu = time.monotonic() - t0, cpu_s(pid) - c0
    v.stop()
    ami.close()
    master = os.path.join(tmp, "Master.csv")
    with open(master, "w", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)
    w = Vault(bin_, os.path.join(tmp, "imp"))
    imp_rate, imp_cpu = w.imported("asterisk-csv", master)
    return events / wall, cpu / events * 1e6, imp_rate, imp_cpu


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    secs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    events = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    bin_ = os.path.abspath(os.path.join(build, "src", "cxvault"))
    fs, am = [], []
    for i in range(runs):
        with tempfile.TemporaryDirectory(prefix="cxv-feeds-") as tmp:
            os.makedirs(os.path.join(tmp, "fs", "imp"))
            os.makedirs(os.path.join(tmp, "ami", "imp"))
            fs.append(bench_freeswitch(bin_, os.path.join(tmp, "fs"), secs,
                                       18600 + 2 * i))
            am.append(bench_ami(bin_, os.path.join(tmp, "ami"), events,
                                18601 + 2 * i))
        print("run %d: freeswitch %.0f CDR/s p99 %.1f ms %.0f us CPU/CDR"
              " (import %.0f/s %.0f us) | ami %.0f events/s %.0f us CPU/"
              "event (import %.0f/s %.0f us)" % ((i + 1,) + fs[-1] + am[-1]),
              flush=True)
    med = [statistics.median(c) for c in zip(*fs)]
    mam = [statistics.median(c) for c in zip(*am)]
    print("median freeswitch POST: %.0f CDR/s, p99 %.1f ms, server CPU "
          "%.0f us/CDR; import of the same documents %.0f/s, %.0f us/CDR"
          % tuple(med))
    print("median ami: %.0f events/s, server CPU %.0f us/event; import of "
          "the same rows %.0f/s, %.0f us/CDR" % tuple(mam))


if __name__ == "__main__":
    main()
