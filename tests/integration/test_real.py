# SPDX-License-Identifier: Apache-2.0
"""Issue 26: real CDR files that platforms wrote (tests/data/real,
SOURCES.md), each imported with the source settings a site would give
it: every call leg stored or rightly skipped, rejections only for
malformed lines, and, for hand-checked lines, each party filed under
the right person."""
import json
import os

from harness import (cx, expect, main, new_vault, ok, set_config, TempDir,
                     test)

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
REAL = os.path.join(DATA, "real")


def imp(d, fmt, name, *source):
    r = cx("import", "cdr", "--data", d, "--format", fmt, *source,
           os.path.join(REAL, name))
    return r, json.loads(r.out)


def counts(rep):
    return (rep["read"], rep["imported"], rep["duplicates"],
            rep["rejected"], rep["skipped"]["service_leg"],
            rep["skipped"]["no_person"])


def calls(d, *ident):
    return [json.loads(l) for l in ok("interaction", "list", "--data", d,
                                      *ident).out.splitlines()]


@test
def us_production_pbx():
    """A US production PBX (pseudonymised by its author): every leg of
    every parallel ring, a byte-identical line once, numbers of area
    codes that do not exist kept as dialled digits, never a made-up
    number; the caller found by a national spelling and erased with
    every leg"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        set_config(d, default_country_code="1")
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write("source.us.region = US\n")
        src = ("--source", "us")
        r, rep = imp(d, "asterisk-csv", "asterisk/fafeitsch-smallcdr.csv",
                     *src)
        expect(r.rc == 0 and counts(rep) == (45, 44, 1, 0, 0, 0), rep)
        r, rep = imp(d, "asterisk-csv",
                     "asterisk/fafeitsch-smallcdr-wo-parallelcalls.csv", *src)
        expect(r.rc == 0 and counts(rep) == (34, 0, 34, 0, 0, 0), rep)
        # Line 1: the caller (clid name Leanna Cuphus) is 917-375-0980,
        # the caller of 8 lines.
        leanna = calls(d, "--phone", "(917) 375-0980")
        expect(len(leanna) == 8, leanna)
        expect(calls(d, "--name", "leanna cuphus")[0]["subject"] ==
               leanna[0]["subject"], "name")
        # Lines 4-5: one uniqueid, one start, two legs.
        legs = [c for c in calls(d, "--phone", "+1 334 442 8436")
                if c["started"] == "2017-06-27T10:38:47.000Z"]
        expect(sorted(c["outcome"] for c in legs) ==
               ["answered", "no_answer"], legs)
        # Lines 9, 12, 14: area code 190 does not exist: dialled digits.
        magdalene = calls(d, "--dialled", "1905900260")
        expect(len(magdalene) == 3, magdalene)
        expect(ok("subject", "find", "--data", d, "--phone",
                  "+11905900260").out == "", "a made-up number")
        sid = leanna[0]["subject"]
        rc = json.loads(ok("subject", "erase", "--data", d, str(sid),
                           "--reason", "objection").out)["erased"]
        expect(rc["interactions"] == 8, rc)
        expect(calls(d, "--phone", "9173750980") == [], "legs left")


@test
def us_week():
    """A week of the same PBX: legs that differ only in a duration are
    two legs; the 8 byte-identical lines are one record each"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write("source.us.region = US\n")
        r, rep = imp(d, "asterisk-csv", "asterisk/fafeitsch-cdr.csv",
                     "--source", "us")
        expect(r.rc == 0 and counts(rep) == (218, 210, 8, 0, 0, 0), rep)
        # Lines 5-6 (area code 462 does not exist: dialled digits).
        legs = [c for c in calls(d, "--dialled", "462-658-8898")
                if c["started"] == "2017-06-20T10:37:06.000Z"]
        expect(len(legs) == 2, legs)


@test
def asterisk_testsuite():
    """Asterisk's own test output: console calls to a one-digit code
    are service legs, skipped; a SIP user name is its own identifier;
    malformed lines, and only they, are rejected"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        r, rep = imp(d, "asterisk-csv", "asterisk/testsuite-self_test-Master.csv")
        expect(r.rc == 0 and counts(rep) == (2, 0, 0, 0, 2, 0), rep)
        r, rep = imp(d, "asterisk-csv",
                     "asterisk/testsuite-self_test-Master2.csv")
        expect(r.rc == 0 and counts(rep) == (1, 0, 0, 0, 1, 0), rep)
        r, rep = imp(d, "asterisk-csv", "asterisk/testsuite-cdrlib-good.csv")
        expect(r.rc == 1 and counts(rep) == (5, 4, 0, 1, 0, 0) and
               "good.csv:2: duration/billsec not numbers" in r.err, (r, rep))
        test_ = calls(d, "--sip", "test")
        expect(sorted(c["outcome"] for c in test_) ==
               ["answered", "busy", "failed", "no_answer"], test_)
        r, rep = imp(d, "asterisk-csv", "asterisk/testsuite-cdrlib-buggy.csv")
        expect(r.rc == 1 and counts(rep) == (1, 0, 0, 1, 0, 0) and
               "buggy.csv:1: malformed CSV" in r.err, (r, rep))
        st = json.loads(ok("status", "--data", d).out)
        expect(st["subjects"] == 1, st)


@test
def cdr_custom_between_endpoints():
    """An Asterisk 18 cdr_custom file (sample mapping) of calls between
    two PJSIP endpoints: with the site's users (each endpoint's SIP name
    and extension), every call is between users, filed under the one
    called and in both call logs; no customer is made"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        users = {}
        for logon, sip, ext in (("U1", "client1", "1234"),
                                ("U2", "client2", "6789")):
            sid = ok("subject", "add", "--data", d, "--sip", sip).out.strip()
            ok("user", "add", "--data", d, "--logon", logon, "--subject",
               sid, "--extension", ext)
            users[logon] = int(sid)
        r, rep = imp(d, "asterisk-custom",
                     "asterisk/kelysaina-cdr_custom-Master.csv")
        expect(r.rc == 0 and counts(rep) == (14, 14, 0, 0, 0, 0), rep)
        st = json.loads(ok("status", "--data", d).out)
        expect(st["subjects"] == 2, st)
        # Line 1: client1 dials 6789 (client2), answered at 01:51:50.
        u2 = calls(d, "--agent", "U2")
        first = [c for c in u2 if c["started"] == "2023-07-26T01:51:32.000Z"]
        expect(len(first) == 1 and first[0]["subject"] == users["U2"] and
               first[0]["outcome"] == "answered", u2)
        log = [json.loads(l) for l in ok("calllog", "show", "--data", d,
                                         "--agent", "U1").out.splitlines()]
        expect(("outgoing", "6789", "2023-07-26T01:51:32.000Z") in
               [(e["direction"], e["number"], e["time"]) for e in log], log)
        expect(len(calls(d, "--agent", "U1")) + len(u2) == 14, "agents")


@test
def freeswitch_lab():
    """FreeSWITCH mod_json_cdr documents of a lab: the caller number only
    in the caller profile, two profiles after a transfer; extension
    1001 calling 1002 is a call between the lab's users"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        for ext in ("1001", "1002"):
            ok("user", "add", "--data", d, "--logon", "F" + ext,
               "--extension", ext)
        for name in ("freeswitch/cgrates-engine-fscdr.json",
                     "freeswitch/cgrates-agents-fsevent.json"):
            r, rep = imp(d, "freeswitch-json", name)
            expect(r.rc == 0 and counts(rep) == (1, 1, 0, 0, 0, 0),
                   (name, rep))
        took = calls(d, "--agent", "F1002")
        expect(len(took) == 2, took)
        log = [json.loads(l) for l in ok("calllog", "show", "--data", d,
                                         "--agent", "F1001").out.splitlines()]
        expect([e["direction"] for e in log] == ["outgoing", "outgoing"],
               log)


if __name__ == "__main__":
    main()
