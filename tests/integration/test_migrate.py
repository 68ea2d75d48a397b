# SPDX-License-Identifier: Apache-2.0
"""Issue 7: cxvault migrate moves a vault's records from its SQLite file
to an empty PostgreSQL database, every table counted on both sides; the
vault then works as before, on PostgreSQL, and the old file is gone.
Runs in the 'pg' suite (it needs the test cluster)."""
import json
import os

from harness import (TempDir, cx, expect, fails, main, ok, pg_database,
                     read_config, test)
from people import CONTENT, person_everywhere


def sqlite_vault(tmp):
    """A vault on SQLite whatever the suite's engine."""
    d = os.path.join(tmp, "v")
    ok("init", "--data", d)
    return d


@test
def migrate_everything():
    """Must-show: a person in every store moves over; counts per table
    match, find, export, content and the audit trail work on PostgreSQL,
    the move is audited, vault.db is removed"""
    with TempDir() as tmp:
        d = sqlite_vault(tmp)
        jane, _ = person_everywhere(d, tmp)
        # Text COPY must carry as it is (COPY's own escapes).
        ok("campaign", "create", "--data", d, "Q4 \\ north \\N \\x41")
        names_before = ok("campaign", "list", "--data", d).out
        export_before = ok("subject", "show", "--data", d, str(jane)).out
        before = json.loads(ok("status", "--data", d).out)
        url = pg_database()
        out = ok("migrate", "--from", d, "--to", url).out
        tables = {t["table"]: t["rows"] for t in map(json.loads,
                                                     out.splitlines())}
        # (status leaves out the placeholder subject of anonymized rows)
        expect(tables["subject"] - before["subjects"] in (0, 1) and
               tables["interaction"] == before["interactions"] and
               tables["content"] >= 1 and tables["call_log"] >= 1 and
               tables["charge"] >= 1, tables)
        expect(not any(os.path.exists(os.path.join(d, f)) for f in
                       ("vault.db", "vault.db-wal", "vault.db-shm")),
               os.listdir(d))
        expect(read_config(d)["store"] == url, "store not set")
        after = json.loads(ok("status", "--data", d).out)
        expect(after["subjects"] == before["subjects"] and
               after["interactions"] == before["interactions"] and
               after["audit_entries"] == before["audit_entries"] + 1,
               (before, after))
        expect(ok("subject", "show", "--data", d, str(jane)).out ==
               export_before, "the person reads differently")
        expect(ok("campaign", "list", "--data", d).out == names_before,
               "campaign names changed")
        audit = ok("audit", "list", "--data", d).out
        expect('"store.migrate"' in audit, "move not audited")
        ok("audit", "verify", "--data", d)
        entries = [json.loads(l) for l in audit.splitlines()]
        cid = [e for e in entries if e["action"] == "content.create"][0][
            "object_id"]
        got = os.path.join(tmp, "got.wav")
        ok("content", "get", "--data", d, cid, "--out", got)
        expect(open(got, "rb").read() == CONTENT["recording"], "content")
        # New rows number on from the copied ones (identity sequences).
        ok("subject", "add", "--data", d, "--phone", "+4940555000333")
        ok("stats", "--data", d)
        ok("subject", "erase", "--data", d, str(jane), "--reason",
           "consent_withdrawn")
        expect(ok("subject", "find", "--data", d, "--phone",
                  "+4930123456789").out.strip() == "", "Jane still found")


@test
def refusals_leave_the_vault_as_it_was():
    """a database that is not empty, a vault on PostgreSQL already, a
    wrong URL, missing options: clear errors, vault.db stays in use"""
    with TempDir() as tmp:
        d = sqlite_vault(tmp)
        ok("subject", "add", "--data", d, "--phone", "+4930123456789")
        used = pg_database()
        ok("init", "--data", os.path.join(tmp, "other"), "--store", used)
        fails(cx("migrate", "--from", d, "--to", used), 1, "not empty")
        fails(cx("migrate", "--from", d, "--to", "/tmp/x.db"), 1,
              "postgresql://")
        r = cx("migrate", "--from", d)
        expect(r.rc == 2 and "--to" in r.err, r)
        expect(os.path.exists(os.path.join(d, "vault.db")) and
               "store" not in {k for k, v in read_config(d).items() if v},
               "the vault moved")
        ok("subject", "find", "--data", d, "--phone", "+4930123456789")
        fails(cx("migrate", "--from", os.path.join(tmp, "other"), "--to",
                 pg_database()), 1, "already")


if __name__ == "__main__":
    main()
