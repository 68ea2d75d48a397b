# SPDX-License-Identifier: Apache-2.0
"""R7.1-R7.3: every write and read is audited, by name and without
values; altering one byte of the trail is caught and the entry named."""
import json
import os

from harness import (ADMIN_PW, api_vault, cx, db_rows, expect, fails, main,
                     new_vault, ok, ON_PG, Server, TempDir, test)


def entries(d, *extra):
    return [json.loads(l) for l in
            ok("audit", "list", "--data", d, *extra).out.splitlines()]


@test
def operations_are_audited_without_values():
    """R7.1/R7.2: create, find, read, merge, rotate each leave an entry"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid = ok("subject", "add", "--data", d, "--phone", "+4930123456789",
                 "--email", "jane.doe@example.org").out.strip()
        ok("subject", "find", "--data", d, "--phone", "030 123456789")
        ok("subject", "show", "--data", d, sid)
        other = ok("subject", "add", "--data", d, "--chat", "jd").out.strip()
        ok("subject", "merge", "--data", d, sid, other)
        ok("keys", "rotate", "--data", d)
        got = [(e["action"], e["object_id"], e["fields"]) for e in entries(d)]
        want = [("vault.init", "-", ""),
                ("subject.create", sid, "phone,email"),
                ("subject.find", "*", "phone"),
                ("subject.read", sid, "phone,email"),
                ("subject.create", other, "chat"),
                ("subject.merge", sid, "chat"),
                ("subject.delete", other, "merged"),
                ("keys.rotate", "-", "master_key")]
        expect(got == want, f"{got}")
        user = entries(d)[1]["actor"]
        expect(user.startswith("local:"), user)
        text = ok("audit", "list", "--data", d).out
        for v in ("4930123456789", "jane.doe", "example.org"):
            expect(v not in text, f"{v} in audit trail")
        expect(ok("audit", "verify", "--data", d).out.strip() ==
               "audit trail intact: 8 entries", "verify")


@test
def one_byte_tamper_named():
    """R7.3: one byte changed in vault.db makes verify fail naming the entry"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("subject", "add", "--data", d, "--phone", "+4930123456789")
        ok("subject", "add", "--data", d, "--phone", "+4930999999")
        if ON_PG:
            db_rows(d, "UPDATE audit SET action = 'vault.inih' WHERE seq = 1")
        else:
            db = os.path.join(d, "vault.db")
            data = bytearray(open(db, "rb").read())
            # Entry 1 is vault.init: its action text occurs once in the file.
            at = data.find(b"vault.init")
            expect(at > 0 and data.find(b"vault.init", at + 1) < 0,
                   "not unique")
            data[at + 9] ^= 0x01  # vault.init -> vault.inih
            open(db, "wb").write(bytes(data))
        fails(cx("audit", "verify", "--data", d), 1, "entry 1 is broken",
              "altered")


@test
def deleted_and_reordered_entries():
    """R7.3: a removed middle entry or a swapped hash is caught"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        for i in range(4):
            ok("subject", "add", "--data", d, "--account", f"ACC{i}")
        db_rows(d, "DELETE FROM audit WHERE seq = 3")
        fails(cx("audit", "verify", "--data", d), 1, "entry 4 is broken",
              "missing")
    with TempDir() as tmp:
        d = new_vault(tmp)
        for i in range(3):
            ok("subject", "add", "--data", d, "--account", f"ACC{i}")
        h2, = db_rows(d, "SELECT hash FROM audit WHERE seq = 2")[0]
        h3, = db_rows(d, "SELECT hash FROM audit WHERE seq = 3")[0]
        db_rows(d, "UPDATE audit SET hash = ? WHERE seq = 2", (h3,))
        db_rows(d, "UPDATE audit SET hash = ? WHERE seq = 3", (h2,))
        fails(cx("audit", "verify", "--data", d), 1, "entry 2 is broken")


@test
def list_since():
    """R7.4: audit list --since filters by time"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("subject", "add", "--data", d, "--account", "A1")
        expect(len(entries(d, "--since", "2000-01-01")) == 2, "since past")
        expect(entries(d, "--since", "2999-01-01T00:00:00Z") == [], "future")


def reads_of(d, iid):
    return [e for e in entries(d) if e["action"] == "interaction.read"
            and e["object_id"] == str(iid)]


def one_call(s):
    """A supervisor's session, root's, and one call the PBX fed in."""
    root = s.login("root", ADMIN_PW)
    s.make_user(root, "SV", "supervisor", password=ADMIN_PW)
    sv = s.login("SV", ADMIN_PW)
    feed = s.feed_token(root, "cdr.ingest")
    st, _, doc = s.call("POST", "/v1/cdr", {
        "id": "j-1", "caller": "+49 30 5550101",
        "caller_name": "Jutta Journal", "callee": "100",
        "start": "2026-11-20T10:00:00Z", "end": "2026-11-20T10:01:00Z",
        "outcome": "answered"}, token=feed)
    expect(st == 201, doc)
    return sv, root, doc["interaction"]


@test
def server_reads_reach_the_trail():
    """R7.2: every read the server answered is in the trail for audit list,
    verify and GET /v1/audit while it runs, after a kill -9 and a restart,
    once each (the server's audit journal, architecture.md)"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        journal = os.path.join(d, "audit.journal")
        with Server(d) as s:
            sv, root, iid = one_call(s)
            for _ in range(50):
                expect(s.call("GET", f"/v1/interactions/{iid}",
                              token=sv)[0] == 200, "read")
            # Another process (the CLI) moves the running server's lines.
            expect(len(reads_of(d, iid)) == 50, "CLI sees 50 reads")
            _, _, audit = s.call("GET", "/v1/audit?limit=1000", token=root)
            api = [e for e in audit["items"]
                   if e["action"] == "interaction.read"]
            expect(len(api) == 50 and api[0]["actor"].startswith("user:"),
                   api[:2])
            for _ in range(20):
                s.call("GET", f"/v1/interactions/{iid}", token=sv)
            s.proc.kill()
            s.proc.wait()
        # No value of the record in the journal file.
        text = open(journal, "rb").read()
        for v in (b"5550101", b"Jutta", b"Journal"):
            expect(v not in text, f"{v!r} in the journal")
        expect(len(reads_of(d, iid)) == 70, "reads before the kill")
        with Server(d) as s:
            sv = s.login("SV", ADMIN_PW)
            s.call("GET", f"/v1/interactions/{iid}", token=sv)
        expect(len(reads_of(d, iid)) == 71, "moved once each")
        out = ok("audit", "verify", "--data", d).out
        expect(out.startswith("audit trail intact"), out)
        expect(os.path.getsize(journal) < 200, "started over")
        expect(not any(e["action"] == "audit.journal.broken"
                       for e in entries(d)), "no break")


if __name__ == "__main__":
    main()
