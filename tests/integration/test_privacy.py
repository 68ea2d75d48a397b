# SPDX-License-Identifier: Apache-2.0
"""DESIGN 2, 6: no file of the vault holds a personal value in clear,
yet lookups work through blind indexes; logs follow the level rules."""
import json
import os
import re
import sqlite3

from harness import (ADMIN_PW, api_vault, cx, expect, fails, files_containing,
                     main, new_vault, ok, require_sqlite, Server, TempDir,
                     test)
from people import person_everywhere

JANE = [b"4930123456789", b"jane.doe@example.org", b"Jane Doe"]


TOKEN_SHAPED = "cxv_" + "Q" * 43


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
    require_sqlite("SQLite's WAL file (PostgreSQL's WAL: test_erase)")
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


@test
def log_of_full_scenario():
    """Must-show (R8.1, R8.4): the default-level log of an ingest and API
    scenario holds none of its numbers, emails or names; a card number in
    a request is masked, a Luhn-invalid 16-digit order number is not"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        sid, _ = person_everywhere(d, tmp)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            s.make_user(root, "DPO1", "auditor", "dpo pass phrase 2026")
            tok = s.login("DPO1", "dpo pass phrase 2026")
            for q in ("phone=030%20123456789", "email=Jane.Doe%40Example.org",
                      "name=Jane%20Doe", "chat=Jane.D"):
                st, _, doc = s.call("GET", f"/v1/subjects?{q}", token=tok)
                expect(st == 200, f"{q}: {st} {doc}")
            st, _, _ = s.call("GET", f"/v1/subjects/{sid}", token=tok)
            expect(st == 200, st)
            st, _, _ = s.call("GET", "/v1/interactions?phone=030123456789"
                              "&ref=4111%201111%201111%201111"
                              "&order=1234567812345678&since=never",
                              token=tok)
            expect(st == 400, st)
            st, _, _ = s.call("GET", "/v1/jane.doe@example.org/4111111111111111",
                              token=tok)
            expect(st == 404, st)
            st, _, _ = s.call("GET", "/v1/call/+4930123456789", token=tok)
            expect(st == 404, st)
            # Issue 25.8: a name or a token-shaped value in an unknown path.
            st, _, _ = s.call("GET", "/v1/people/Erika%20Musterfrau"
                              f"/{TOKEN_SHAPED}?q=Erika", token=tok)
            expect(st == 404, st)
            s.call("POST", "/v1/sessions", {"name": "Jane Doe",
                                            "password": "x"})
        log = open(os.path.join(d, "logs", "cxvault.log"), "rb").read()
        spellings = [b"+4930123456789", b"4930123456789", b"030123456789",
                     b"030 123456789", b"123456789", b"jane.doe@example.org",
                     b"Jane.Doe@Example.org", b"Jane Doe", b"Jane%20Doe",
                     b"Jane", b"Jane.D", b"Max Mustermann", b"98765432",
                     b"4111 1111 1111 1111", b"4111111111111111", b"4111",
                     b"Erika", b"Musterfrau", TOKEN_SHAPED.encode()]
        # A run of digits only as a number of its own: the log's random
        # 16-digit ids contain "4111" in about one run in sixty.
        found = [n for n in spellings if re.search(
            rb"(?<![0-9])" + re.escape(n) + rb"(?![0-9])" if n.isdigit()
            else re.escape(n), log)]
        expect(found == [], f"in the log: {found}")
        lines = [l for l in log.decode().splitlines() if "http.request" in l]
        # At the default level, the refused and failed requests, each by
        # its route's template or "unknown", never by what was sent.
        expect(len(lines) == 5 and all("status=" + c in "".join(lines)
                                       for c in ("400", "404", "401")),
               lines)
        routes = sorted(re.search(r"route=(\S+)", l).group(1) for l in lines)
        expect(routes == ["/v1/interactions", "/v1/sessions", "unknown",
                          "unknown", "unknown"], routes)
        expect(not any("target=" in l or "?" in l for l in lines), lines)


if __name__ == "__main__":
    main()
