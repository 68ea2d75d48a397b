# SPDX-License-Identifier: Apache-2.0
"""R1.6: campaigns, calling lists from CSV, results kept apart from the
list, the do-not-call list checked on import and stored as a blind index."""
import json
import os

from harness import (TempDir, cx, expect, fails, files_containing, main,
                     new_vault, ok, test)

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
LIST = os.path.join(DATA, "campaign", "booksale.csv")


def setup(tmp):
    d = new_vault(tmp)
    ok("campaign", "create", "--data", d, "Book sale", "--state", "ongoing")
    ok("dnc", "add", "--data", d, "--phone", "+49 89 1234567")
    return d


def campaign(d):
    return json.loads(ok("campaign", "list", "--data", d).out)


@test
def import_list_with_dnc():
    """R1.6: header mapping, custom fields, DNC skipped and counted"""
    with TempDir() as tmp:
        d = setup(tmp)
        r = cx("import", "campaign", "--data", d, "--campaign", "Book sale",
               LIST)
        rep = json.loads(r.out)
        expect((rep["read"], rep["imported"], rep["duplicates"],
                rep["dnc_skipped"], rep["rejected"]) == (8, 3, 1, 1, 3), rep)
        for line, why in ((6, "empty"), (7, "malformed CSV (quotes)"),
                          (8, "column count differs from the header")):
            expect(f"booksale.csv:{line}: {why}" in r.err, r.err)
        expect("Karl" not in r.err and "1234567" not in r.err, r.err)
        show = json.loads(ok("campaign", "show", "--data", d,
                             "Book sale").out)
        names = sorted(e["name"] for e in show["entries"])
        expect(names == ["Bookworm, Lisa", "Erika Musterfrau",
                         "Max Mustermann"], names)
        lisa = [e for e in show["entries"] if e["name"].startswith("Book")][0]
        expect(lisa["Book"] == "Dune" and lisa["Last purchase"] ==
               "2026-03-01", lisa)
        hits = files_containing(d, [b"Bookworm", b"Musterfrau", b"7145551234",
                                    b"1234567", b"Dune", b"Klammer"])
        expect(hits == [], f"plaintext found: {hits}")


@test
def results_survive_list_deletion():
    """R1.6: clearing the calling list keeps the results, and vice versa"""
    with TempDir() as tmp:
        d = setup(tmp)
        cx("import", "campaign", "--data", d, "--campaign", "Book sale", LIST)
        ok("campaign", "result", "--data", d, "Book sale", "--phone",
           "030 98765432", "--outcome", "sold", "--note", "2 copies")
        expect(campaign(d)["entries"] == 3 and campaign(d)["results"] == 1,
               campaign(d))
        cleared = json.loads(ok("campaign", "clear-list", "--data", d,
                                "Book sale").out)
        expect(cleared["deleted"] == 3, cleared)
        show = json.loads(ok("campaign", "show", "--data", d,
                             "Book sale").out)
        expect(show["entries"] == [], show)
        expect([(x["outcome"], x["note"]) for x in show["results"]] ==
               [("sold", "2 copies")], show)
        ok("campaign", "state", "--data", d, "Book sale", "--state",
           "completed")
        expect(campaign(d)["state"] == "completed", campaign(d))
        fails(cx("campaign", "state", "--data", d, "Book sale", "--state",
                 "done"), 2, "--state")
        # A new list after clearing: results still there.
        cx("import", "campaign", "--data", d, "--campaign", "Book sale", LIST)
        expect(campaign(d)["entries"] == 3 and campaign(d)["results"] == 1,
               campaign(d))


@test
def dnc_is_a_blind_index():
    """DNC: listed numbers refused in any format; no number in clear"""
    with TempDir() as tmp:
        d = setup(tmp)
        got = json.loads(ok("dnc", "check", "--data", d, "--phone",
                            "0049 (0)89 1234567").out)
        expect(got == {"listed": True}, got)
        got = json.loads(ok("dnc", "check", "--data", d, "--phone",
                            "+49 89 7654321").out)
        expect(got == {"listed": False}, got)
        expect(files_containing(d, [b"491234567", b"1234567"]) == [],
               "DNC number in clear")
        acts = [json.loads(l)["action"] for l in
                ok("audit", "list", "--data", d).out.splitlines()]
        expect(acts.count("dnc.check") == 2 and "dnc.add" in acts, acts)


@test
def campaign_errors():
    """bad header, unknown campaign, duplicate name, unknown number"""
    with TempDir() as tmp:
        d = setup(tmp)
        fails(cx("campaign", "create", "--data", d, "Book sale"), 1, "exists")
        bad = os.path.join(tmp, "bad.csv")
        open(bad, "w").write("who,phone\nA,+4930111\n")
        fails(cx("import", "campaign", "--data", d, "--campaign",
                 "Book sale", bad), 1, "bad.csv:1: header needs 'name' and "
              "'number' columns")
        fails(cx("import", "campaign", "--data", d, "--campaign", "Nope",
                 LIST), 1, "no such campaign")
        fails(cx("campaign", "result", "--data", d, "Book sale", "--phone",
                 "+4930999999", "--outcome", "sold"), 1,
              "no person with that number")
        fails(cx("campaign", "create", "--data", d, "X", "--state", "soon"),
              2, "--state")


if __name__ == "__main__":
    main()
