# SPDX-License-Identifier: Apache-2.0
"""DESIGN 2, 6: no file of the vault holds a personal value in clear,
yet lookups work through blind indexes; logs follow the level rules."""
import json
import os
import sqlite3

from harness import (TempDir, cx, expect, fails, files_containing, main,
                     new_vault, ok, test)

JANE = [b"4930123456789", b"jane.doe@example.org", b"Jane Doe"]


@test
def nothing_in_clear_on_disk():
    """issue 2 must-show: db, WAL, logs hold no plaintext; find and show work"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid = ok("subject", "add", "--data", d, "--phone", "+4930123456789",
                 "--email", "jane.doe@example.org", "--name", "Jane Doe").out.strip()
        r = ok("subject", "find", "--data", d, "--phone", "030 123456789")
        expect(json.loads(r.out)["subject"] == int(sid), r.out)
        r = ok("subject", "find", "--data", d, "--email", "JANE.DOE@example.org")
        expect(json.loads(r.out)["subject"] == int(sid), r.out)
        got = json.loads(ok("subject", "show", "--data", d, sid).out)
        vals = [i["value"] for i in got["identifiers"]]
        expect(vals == ["+4930123456789", "jane.doe@example.org", "Jane Doe"],
               vals)
        hits = files_containing(d, JANE + [b"jane doe", b"030 123456789"])
        expect(hits == [], f"plaintext found: {hits}")
        expect(os.path.getsize(os.path.join(d, "logs", "cxvault.log")) > 0,
               "nothing logged at all")


@test
def nothing_in_clear_in_wal():
    """the WAL of a vault in use holds no plaintext either"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        # A reader holding a snapshot keeps the WAL from being checkpointed
        # and deleted, as a running server would.
        con = sqlite3.connect(os.path.join(d, "vault.db"), isolation_level=None)
        con.execute("BEGIN")
        con.execute("SELECT count(*) FROM subject").fetchone()
        for i in range(30):
            ok("subject", "add", "--data", d, "--phone", f"+4930555{i:04d}",
               "--name", f"Person Number {i}")
        wal = os.path.join(d, "vault.db-wal")
        expect(os.path.getsize(wal) > 30 * 4096, "WAL was not kept")
        hits = files_containing(d, [b"4930555", b"Person Number"])
        con.close()
        expect(hits == [], f"plaintext found: {hits}")


@test
def log_levels():
    """R8.1: level 3 pseudonymizes; R8.3: so does level 7 while the privacy
    switch is on (the default); switched off, 7 writes values"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        conf = os.path.join(d, "cxvault.conf")
        text = open(conf).read().replace("log_level = 3", "log_level = 6")
        open(conf, "w").write(text)
        ok("subject", "add", "--data", d, "--email", "first@example.org")
        log = open(os.path.join(d, "logs", "cxvault.log")).read()
        expect("subject.ident.add" in log and "value=ps:" in log, log)
        expect("first@example.org" not in log, log)
        text = text.replace("log_level = 6", "log_level = 7")
        open(conf, "w").write(text)
        ok("subject", "add", "--data", d, "--email", "second@example.org")
        log = open(os.path.join(d, "logs", "cxvault.log")).read()
        expect("second@example.org" not in log, log)
        open(conf, "w").write(text.replace("hide_private_data = yes",
                                           "hide_private_data = no"))
        ok("subject", "add", "--data", d, "--email", "third@example.org")
        log = open(os.path.join(d, "logs", "cxvault.log")).read()
        expect("value=third@example.org" in log, log)


@test
def errors_never_echo_identifiers():
    """a malformed identifier is refused without quoting it"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        for kind, bad in (("--phone", "+49 30 CALL-ME-123"),
                          ("--email", "jane.doe.example.org"),
                          ("--name", "Jane\x01Doe")):
            r = cx("subject", "add", "--data", d, kind, bad)
            fails(r, 1, "invalid input")
            expect(bad not in r.err and "jane" not in r.err.lower(), r.err)
        st = json.loads(ok("status", "--data", d).out)
        expect(st["subjects"] == 0, st)


if __name__ == "__main__":
    main()
