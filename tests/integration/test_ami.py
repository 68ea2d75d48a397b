# SPDX-License-Identifier: Apache-2.0
"""Issue 27.2-27.3: `cxvault serve` takes an Asterisk PBX's CDRs live
over the Asterisk Manager Interface. The PBX side is amiserver.py (the
protocol as main/manager.c and cdr/cdr_manager.c speak it; no Asterisk
package here); the records are real ones (tests/data/real: fafeitsch's
Master.csv, MIT), re-timed to now, sent as cdr_manager formats them.
Checked: MD5 challenge login asking for CDR events only; each event
stored as it comes, with the leg key of its Master.csv line (a full
import of the file afterwards adds nothing); an outage of the PBX and a
SIGKILL of the vault each leave a gap in `cxvault status` whose
`import cdr --ended-from/--ended-to` brings back exactly what the feed
missed; a wrong secret, a plain login, TLS, and refused settings."""
import io
import json
import os
import ssl
import threading
import time

from amiserver import FakeAMI, master_rows
from harness import (Server, TempDir, api_vault, cx, db_rows, expect, main,
                     ok, test)
from tlsutil import make_ca, make_server_cert

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
REAL = os.path.join(DATA, "real", "asterisk", "fafeitsch-cdr.csv")
SECRET = "amp111-manager-secret"


def real_rows(n=None):
    return master_rows(REAL, n)


def at(t):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


def retimed(row, end):
    """The row as if the call had ended at end (epoch s), same lengths."""
    r = list(row)
    dur, bill = int(r[12]), int(r[13])
    r[9], r[11] = at(end - dur), at(end)
    r[10] = at(end - bill) if r[10] else ""
    return r


def master_csv(rows):
    """cdr_csv's Master.csv: every field quoted but the two durations."""
    out = io.StringIO()
    for r in rows:
        out.write(",".join(v if i in (12, 13) else
                           '"' + v.replace('"', '""') + '"'
                           for i, v in enumerate(r)) + "\n")
    return out.getvalue()


def ami_vault(tmp, port, scheme="tcp", host="127.0.0.1", user="cxvault",
              **config):
    d = api_vault(tmp, **config)
    secret = os.path.join(tmp, "ami.secret")
    with open(secret, "w") as f:
        f.write(SECRET + "\n")
    os.chmod(secret, 0o600)
    with open(os.path.join(d, "cxvault.conf"), "a") as f:
        f.write(f"source.pbx.region = US\n"
                f"source.pbx.ami = {scheme}://{host}:{port}\n"
                f"source.pbx.ami_user = {user}\n"
                f"source.pbx.ami_secret_file = {secret}\n")
    return d


def stored(d):
    return db_rows(d, "SELECT count(*) FROM interaction")[0][0]


def wait_for(cond, what, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def status(d):
    return json.loads(ok("status", "--data", d).out)["ami"]["pbx"]


def reference_count(tmp, path):
    """What a plain import of the whole file stores, in a vault of its own."""
    ref = os.path.join(tmp, "ref")
    os.makedirs(ref, exist_ok=True)
    d = api_vault(ref)
    with open(os.path.join(d, "cxvault.conf"), "a") as f:
        f.write("source.pbx.region = US\n")
    ok("import", "cdr", "--data", d, "--format", "asterisk-csv",
       "--source", "pbx", path)
    return stored(d)


def fill_gap(d, path, gap):
    r = cx("import", "cdr", "--data", d, "--format", "asterisk-csv",
           "--source", "pbx", "--ended-from", gap["from"], "--ended-to",
           gap["to"], path)
    expect(r.rc == 0, r)
    return json.loads(r.out)


def taken(d):
    """Events the feed has committed (stored, duplicates, skipped)."""
    f = status(d)
    return f.get("stored", 0) + f.get("duplicates", 0) + f.get("skipped", 0)


def send_all(ami, rows, d):
    """Send rows as events; wait until the vault has committed them all."""
    before = taken(d)
    for r in rows:
        expect(ami.send(r), "the manager session is up")
    wait_for(lambda: taken(d) >= before + len(rows), "the events stored")


@test
def outage_of_the_pbx():
    """1,000 events stored as they come (MD5 login, CDR events only), then
    an outage of the PBX: a gap in status and health; importing
    Master.csv for that gap stores what the feed missed and nothing twice;
    a full import afterwards adds nothing: the feed's records have the
    file's keys"""
    rows = real_rows(1250)
    with TempDir() as tmp:
        ami = FakeAMI("cxvault", SECRET)
        d = ami_vault(tmp, ami.port)
        sent, missed, old = [], [], rows[1240:1250]  # old: 2017, as written
        with Server(d) as s:
            expect(ami.up.wait(30), "the vault logged in")
            now = int(time.time())
            sent += [retimed(r, now) for r in rows[0:500]] + old
            send_all(ami, sent, d)
            ami.drop()
            ami.refuse(3)
            time.sleep(0.5)
            now = int(time.time())
            missed += [retimed(r, now) for r in rows[500:740]]
            expect(ami.up.wait(60), "the vault logged in again")
            now = int(time.time())
            after = [retimed(r, now) for r in rows[740:1240]]
            send_all(ami, after, d)
            sent += after
            st, _, health = s.call("GET", "/v1/health")
            expect(st == 200 and health["ami"]["pbx"]["state"] == "up" and
                   health["ami"]["pbx"]["gaps"] == 1, health)
            feed = status(d)
        expect(ami.masks == ["cdr", "cdr"] and ami.auth == ["md5", "md5"] and
               ami.failed == 0, (ami.masks, ami.auth))
        expect(feed["state"] == "up" and len(feed["gaps"]) == 1 and
               "to" in feed["gaps"][0], feed)
        expect(feed["stored"] + feed["skipped"] + feed["duplicates"] ==
               len(sent), feed)
        path = os.path.join(tmp, "Master.csv")
        with open(path, "w") as f:
            f.write(master_csv(sent[:510] + missed + sent[510:]))
        before, want = stored(d), reference_count(tmp, path)
        expect(before < want, "the outage lost calls to the feed")
        rep = fill_gap(d, path, feed["gaps"][0])
        expect(rep["outside_window"] == len(old), rep)
        expect(rep["imported"] == want - before, (rep, want, before))
        # Exactly what a plain import of the whole file stores.
        expect(stored(d) == want, (stored(d), rep))
        r = json.loads(ok("import", "cdr", "--data", d, "--format",
                          "asterisk-csv", "--source", "pbx", path).out)
        expect(r["imported"] == 0, r)
        ami.close()


@test
def vault_killed_mid_feed():
    """SIGKILL of the server while events stream in: after the restart
    the feed logs in again, status names the gap from the last moment it
    knew the feed complete, and the gap's import leaves the vault with
    every call the PBX sent"""
    rows = real_rows()[:200]
    with TempDir() as tmp:
        ami = FakeAMI("cxvault", SECRET)
        d = ami_vault(tmp, ami.port)
        sent = []
        with Server(d) as s:
            expect(ami.up.wait(30), "the vault logged in")
            now = int(time.time())
            send_all(ami, [retimed(r, now) for r in rows[:20]], d)
            sent += [retimed(r, now) for r in rows[:20]]

            def stream():
                for r in rows[20:]:
                    row = retimed(r, int(time.time()))
                    if not ami.send(row):
                        return
                    sent.append(row)
            t = threading.Thread(target=stream)
            t.start()
            wait_for(lambda: taken(d) >= 40, "some of the stream", 30)
            s.proc.kill()
            t.join(30)
            s.stop()
        ami.drop()
        expect(stored(d) < len(sent) + 1, "killed mid-stream")
        with Server(d):
            expect(ami.up.wait(60), "the vault logged in again")
            feed = status(d)
        expect(feed["gaps"] and "to" in feed["gaps"][-1], feed)
        path = os.path.join(tmp, "Master.csv")
        with open(path, "w") as f:
            f.write(master_csv(sent))
        before = stored(d)
        rep = fill_gap(d, path, feed["gaps"][-1])
        expect(stored(d) == reference_count(tmp, path),
               (stored(d), len(sent)))
        print(f"# {len(sent)} sent, {before} stored by the feed, "
              f"{rep['imported']} from the gap's import", flush=True)
        ami.close()


@test
def logins_and_settings():
    """A wrong secret is login_failed in status, never a secret in the
    log; a PBX without the challenge gets the plain secret over loopback;
    tls:// checks the PBX's certificate; tcp:// off loopback and an ami
    without its account are refused with the key named"""
    with TempDir() as tmp:
        ami = FakeAMI("cxvault", "another secret")
        d = ami_vault(tmp, ami.port)
        with Server(d) as s:
            wait_for(lambda: ami.failed >= 1, "a refused login", 30)
            wait_for(lambda: status(d)["state"] == "login_failed",
                     "login_failed in status", 30)
        expect(SECRET not in s.err and "another secret" not in s.err, s.err)
        ami.close()
    with TempDir() as tmp:
        ami = FakeAMI("cxvault", SECRET, challenge=False)
        d = ami_vault(tmp, ami.port)
        with Server(d):
            expect(ami.up.wait(30), "plain login")
        expect(ami.auth[0] == "plain", ami.auth)
        ami.close()
    with TempDir() as tmp:
        ca_key, ca = make_ca(tmp, "PBX CA")
        key, crt = make_server_cert(tmp, ca_key, ca, "localhost")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        ami = FakeAMI("cxvault", SECRET, tls=ctx)
        d = ami_vault(tmp, ami.port, scheme="tls", host="localhost",
                      tls_client_ca=ca)
        with Server(d):
            expect(ami.up.wait(30), "a login over TLS")
            now = int(time.time())
            send_all(ami, [retimed(r, now) for r in real_rows()[:5]], d)
        ami.close()
    with TempDir() as tmp:
        d = ami_vault(tmp, 5038, host="192.0.2.10")
        r = cx("status", "--data", d)
        expect(r.rc != 0 and "source.pbx.ami" in r.err and
               "loopback" in r.err, r)
    with TempDir() as tmp:
        d = api_vault(tmp)
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write("source.pbx.ami = tcp://127.0.0.1:5038\n")
        r = cx("status", "--data", d)
        expect(r.rc != 0 and "go together" in r.err, r)


if __name__ == "__main__":
    main()
