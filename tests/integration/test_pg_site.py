#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""PostgreSQL as large sites run it (issue 28): a primary with a
synchronous hot standby that takes over, and several vault servers on
one database. PostgreSQL suite only: the failover test makes and removes
its own two clusters; the two-server test uses the suite's cluster."""
import os
import signal
import subprocess
import threading
import time

from harness import (ADMIN_PW, BIN as CXVAULT, ON_PG, Server, Skip, TempDir, api_vault,
                     db_rows, expect, main, ok, read_config, test)

CLUSTER = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "pg_cluster.sh")


def cluster(*args):
    """tests/pg_cluster.sh's last line of output (a URL)."""
    r = subprocess.run(["bash", CLUSTER, *args], capture_output=True,
                       text=True, timeout=300)
    expect(r.returncode == 0, f"pg_cluster.sh {args}: {r.stderr}")
    return r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""


def crash(data):
    """kill -9 of a cluster's postmaster and every process of it, as a
    machine that loses power: nothing is shut down."""
    pid = int(open(os.path.join(data, "postmaster.pid")).readline())
    kids = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:  # the parent is the 4th field, after "(comm)"
            stat = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(p))
    os.kill(pid, signal.SIGKILL)
    for k in kids:
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass


def cdr(uid):
    return {"id": uid, "caller": f"+49 30 {5550000 + int(uid[2:]):07d}",
            "callee": "100", "start": "2026-11-20T10:00:00Z",
            "answer": "2026-11-20T10:00:05Z", "end": "2026-11-20T10:01:00Z",
            "outcome": "answered"}


class Load(threading.Thread):
    """POST /v1/cdr one after another until stopped, each answer kept:
    (uid, status, interaction id or None, seconds taken, when,
    Retry-After)."""

    def __init__(self, srv, token, prefix):
        super().__init__(daemon=True)
        self.srv, self.token, self.prefix = srv, token, prefix
        self.answers, self.halt = [], threading.Event()

    def run(self):
        n = 0
        while not self.halt.is_set():
            uid = f"{self.prefix}{n:06d}"
            t0 = time.monotonic()
            try:
                st, hdrs, doc = self.srv.call("POST", "/v1/cdr", cdr(uid),
                                              token=self.token)
            except Exception as e:  # noqa: BLE001 - a hang or a reset
                st, hdrs, doc = repr(e), {}, {}
            took = time.monotonic() - t0
            got = doc.get("interaction") if isinstance(doc, dict) else None
            self.answers.append((uid, st, got, took, time.monotonic(),
                                 hdrs.get("retry-after")))
            n += 1

    def acked(self):
        return [a for a in self.answers if a[1] in (200, 201)]

    def wait_acked(self, n, timeout=60):
        deadline = time.monotonic() + timeout
        while len(self.acked()) < n:
            expect(time.monotonic() < deadline and self.is_alive(),
                   f"only {len(self.acked())} of {n} CDRs taken: "
                   f"{self.answers[-3:]}")
            time.sleep(0.05)


def feed(srv):
    root = srv.login("root", ADMIN_PW)
    return root, srv.feed_token(root, "cdr.ingest")


@test
def failover_without_loss():
    """Issue 28.3: kill -9 of the primary under a stream of POST /v1/cdr,
    the synchronous standby promoted: the server reconnects by itself,
    answers 503 (never 500, never a hang) only while no primary is up,
    every CDR that got a 2xx is on the new primary, audit verify passes
    there"""
    if not ON_PG:
        raise Skip("PostgreSQL suite only")
    with TempDir() as tmp:
        os.chmod(tmp, 0o711)  # the clusters' owner, postgres, passes
        prim, stby = os.path.join(tmp, "p"), os.path.join(tmp, "s")
        try:
            cluster("start", prim)
            url = cluster("standby", prim, stby)
            subprocess.run(["psql", url.replace("{db}", "postgres"), "-qc",
                            "CREATE DATABASE vf"], check=True,
                           capture_output=True, timeout=60)
            d = os.path.join(tmp, "v")
            ok("init", "--data", d, "--admin", "root", "--password-stdin",
               "--store", url.replace("{db}", "vf"),
               stdin=ADMIN_PW.encode() + b"\n")
            with Server(d) as srv:
                _, tok = feed(srv)
                load = Load(srv, tok, "f-")
                load.start()
                load.wait_acked(50)
                crash(os.path.join(prim, "data"))
                killed = time.monotonic()
                time.sleep(3)  # no primary: every answer a 503
                down = [a for a in load.answers if a[4] > killed + 0.5]
                promoted = time.monotonic()
                cluster("promote", stby)
                before = len(load.acked())
                load.wait_acked(before + 50)
                load.halt.set()
                load.join(90)
                back = next(a[4] for a in load.answers
                            if a[1] in (200, 201) and a[4] > killed)
                print(f"# failover: {back - killed:.2f} s from kill -9 to "
                      f"the first 2xx, {back - promoted:.2f} s from "
                      f"pg_ctl promote; {len(down)} answers while down",
                      flush=True)
                expect(down and all(a[1] == 503 and a[5] == "1"
                                    for a in down),
                       f"while down: {sorted({str(a[1:]) for a in down})}")
                bad = [a for a in load.answers if a[1] not in (200, 201, 503)]
                expect(not bad, f"answers neither 2xx nor 503: {bad[:5]}")
                slow = max(a[3] for a in load.answers)
                expect(slow < 15, f"an answer took {slow:.1f} s")
                # What got a 503 may or may not have been kept: sent
                # again, each is taken or known, never lost.
                for uid, st, *_ in load.answers:
                    if st == 503:
                        r = srv.call("POST", "/v1/cdr", cdr(uid), token=tok)
                        expect(r[0] in (200, 201), (uid, r))
            # The erasures' shredder looked at its queue 5 times a second
            # while no primary was up: its failure is logged once.
            log = open(os.path.join(d, "logs", "cxvault.log")).read()
            said = log.count("subject.erase.shred")
            expect(1 <= said <= 2, f"the shredder logged {said} lines for "
                   "a 3 s outage")
            acked = {a[2] for a in load.acked()}
            held = {r[0] for r in db_rows(d, "SELECT id FROM interaction")}
            expect(acked <= held,
                   f"{len(acked - held)} acknowledged CDRs lost")
            expect(len(held) == len(load.answers),
                   f"{len(held)} rows for {len(load.answers)} CDRs")
            ok("audit", "verify", "--data", d)
        finally:
            cluster("stop", stby)
            cluster("stop", prim)


@test
def two_servers_one_database():
    """Issue 28.4: two cxvault serve processes on one database (the same
    data directory, configuration and key) take CDRs, some the same, and
    an import at once: no record lost or doubled, one audit chain that
    verifies; a session and a lockout made on one hold on the other"""
    if not ON_PG:
        raise Skip("PostgreSQL suite only")
    with TempDir() as tmp:
        d = api_vault(tmp, lockout_failures=3, login_address_burst=100)
        csv = os.path.join(tmp, "cdr.csv")
        with open(csv, "w") as f:  # Asterisk's cdr_csv columns
            for i in range(200):
                at = f"2026-11-21 09:{i // 60:02d}:{i % 60:02d}"
                f.write(f'"","+4940{7000000 + i}","200","default","","",'
                        f'"","","","{at}","{at}","2026-11-21 10:00:00",'
                        f'60,60,"ANSWERED","DOCUMENTATION","imp-{i}",""\n')
        with Server(d) as one, Server(d) as two:
            root, tok = feed(one)
            loads = [Load(one, tok, "a-"), Load(two, tok, "a-"),
                     Load(two, tok, "b-")]
            for x in loads:
                x.start()
            imp = subprocess.Popen(
                [CXVAULT, "import", "cdr", "--data", d,
                 "--format", "asterisk-csv", csv], stdout=subprocess.PIPE,
                stderr=subprocess.PIPE)
            for x in loads:
                x.wait_acked(150, timeout=120)
            out, err = imp.communicate(timeout=300)
            for x in loads:
                x.halt.set()
                x.join(60)
            expect(imp.returncode == 0, err.decode())
            for x in loads:
                bad = [a for a in x.answers if a[1] not in (200, 201)]
                expect(not bad, f"refused: {bad[:5]}")
            # The same CDR sent to both servers is one record: one
            # server took it (201), the other knew it (200 duplicate).
            first = {a[0]: a[1] for a in loads[0].answers}
            both = [(first[a[0]], a[1]) for a in loads[1].answers
                    if a[0] in first]
            expect(len(both) >= 150 and all(sorted(b) == [200, 201]
                                            for b in both),
                   f"one CDR: {[b for b in both if sorted(b) != [200, 201]][:5]}")
            uids = {a[0] for x in loads for a in x.answers}
            n, = db_rows(d, "SELECT count(*) FROM interaction")[0]
            expect(n == len(uids) + 200, f"{n} records for {len(uids)} CDRs "
                   "and 200 imported")
            # A session begun on one is good on the other; ended there,
            # it is refused here once the other's cache (1 s) has passed.
            sess = one.login("root", ADMIN_PW)
            expect(two.call("GET", "/v1/audit?limit=1", token=sess)[0] ==
                   200, "session of one refused by two")
            expect(two.call("DELETE", "/v1/session", token=sess)[0] in
                   (200, 204), "logout on two")
            time.sleep(1.2)
            r = one.call("GET", "/v1/audit?limit=1", token=sess)
            expect(r[0] == 401, f"ended session still good on one: {r}")
            # Three wrong passwords on one lock the account on two.
            for i in range(3):
                r = one.call("POST", "/v1/sessions",
                             {"name": "root", "password": f"wrong {i}"})
                expect(r[0] == 401, r)
            r = two.call("POST", "/v1/sessions",
                         {"name": "root", "password": ADMIN_PW})
            expect(r[0] == 429, f"lockout not seen by two: {r}")
        ok("audit", "verify", "--data", d)
        expect(read_config(d)["store"].startswith("postgresql://"),
               "not on PostgreSQL")


if __name__ == "__main__":
    main()
