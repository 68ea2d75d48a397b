# SPDX-License-Identifier: Apache-2.0
"""Issue 5, data-subject rights: a person with data in every store is
found everywhere (R9.1), exported whole (R9.2), rectified (R9.3), held
(R9.5), erased through the request workflow with a receipt (R9.4, R6.8)
and leaves no byte behind; users are anonymized (R6.2); the record of
processing is generated (R10.3)."""
import io
import json
import os
import tarfile

from harness import (ADMIN_PW, api_vault, cx, expect, fails, files_containing,
                     main, new_vault, ok, Server, store_files_containing,
                     TempDir, test)
from people import CONTENT, person_in_every_store

PW = "tangerine submarine 42"
JANE = [b"+4930123456789", b"4930123456789", b"030123456789",
        b"030 123456789", b"0049 30 123456789", b"jane.doe@example.org",
        b"Jane.Doe@Example.org", b"Jane Doe", b"Jane.D", b"jane.d"]


def records(d, *extra):
    out = ok("subject", "find", "--data", d, "--phone", "030 123456789",
             "--records", *extra).out.splitlines()
    return [json.loads(l) for l in out[1:]]


def per_store(recs):
    counts = {}
    for r in recs:
        counts[r["store"]] = counts.get(r["store"], 0) + 1
    return counts


def members(archive):
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        return {m.name: t.extractfile(m).read() for m in t.getmembers()}


@test
def scenario_find_export_erase():
    """Issue 5 must-show: find lists every item, the export holds every
    item and content byte-identical, the receipt's counts match, and
    afterwards no file holds the person in any spelling; others intact"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid, content = person_in_every_store(d, tmp)
        found = per_store(records(d))
        expect(found == {"interaction": 6, "data_item": 1, "content": 4,
                         "call_log": 4, "contact": 1, "campaign_entry": 1,
                         "campaign_result": 1, "charge": 1,
                         "statistics": 6}, found)
        out = os.path.join(tmp, "jane.tar")
        ok("subject", "export", "--data", d, str(sid), "--out", out)
        files = members(open(out, "rb").read())
        doc = json.loads(files.pop("person.json"))
        expect(doc["subject"] == sid and doc["format"] ==
               "cxvault-export/1", doc.keys())
        kinds = {i["kind"] for i in doc["identifiers"]}
        expect(kinds == {"phone", "email", "name", "chat"}, kinds)
        exported = per_store(doc["records"])
        exported["content"] = len(doc["content"])
        exported["statistics"] = sum(s["rows"] for s in doc["statistics"])
        expect(exported == found, f"{exported} != {found}")
        expect(all(r["about"]["purpose"] for r in doc["records"]), "purpose")
        item = [r for r in doc["records"] if r["store"] == "data_item"][0]
        expect(item["fields"]["value"] == "90817263", item)
        call = [r for r in doc["records"] if r["store"] == "interaction" and
                r["details"]["media"] == "voice"][0]
        expect(call["details"]["trail"][0]["step"] == "entered_service",
               call)
        all_content = dict(content)
        rec_id = [c["content"] for c in doc["content"]
                  if c["kind"] == "recording"][0]
        all_content[rec_id] = CONTENT["recording"]
        for c in doc["content"]:
            expect(files[c["file"]] == all_content[c["content"]],
                   f"content {c['kind']} differs")
        expect(len(files) == 4, sorted(files))
        # The other caller stays.
        max_before = ok("interaction", "list", "--data", d, "--phone",
                        "030 98765432").out
        r = json.loads(ok("subject", "erase", "--data", d, str(sid),
                          "--reason", "consent_withdrawn").out)
        got = r["erased"]
        expect(r["ground"] == "consent_withdrawn", r)
        expect(got["interactions"] == found["interaction"] and
               got["content"] == found["content"] and
               got["call_log_entries"] == found["call_log"] and
               got["data_items"] == found["data_item"] and
               got["statistics"] == found["statistics"], got)
        expect(ok("subject", "find", "--data", d, "--phone",
                  "030 123456789").out == "", "still found")
        os.remove(out)
        expect(files_containing(d, JANE) == [], files_containing(d, JANE))
        expect(ok("interaction", "list", "--data", d, "--phone",
                  "030 98765432").out == max_before, "Max changed")


@test
def rectify_everywhere():
    """R9.3: a wrong email is corrected in the identifier and in every
    record holding it; the audit names fields, not values"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid = ok("user", "add", "--data", d, "--logon", "EMP7",
                 "--first-name", "Erik", "--email", "erik@old.example",
                 "--extension", "170").out.strip()
        uid = json.loads(ok("user", "show", "--data", d, "EMP7").out)
        ok("contact", "add", "--data", d, "--first-name", "Erik",
           "--email", "Erik@Old.Example")
        subject = str(uid["subject"])
        out = json.loads(ok("subject", "rectify", "--data", d, subject,
                            "--email", "ERIK@old.example", "--to",
                            "erik@new.example").out)
        expect(out["records"] == {"user": 1, "contact": 1}, out)
        expect(ok("subject", "find", "--data", d, "--email",
                  "erik@old.example").out == "", "old email still found")
        expect(json.loads(ok("subject", "find", "--data", d, "--email",
                             "erik@new.example").out)["subject"] ==
               uid["subject"], "new email not found")
        expect(json.loads(ok("user", "show", "--data", d, "EMP7").out)
               ["email"] == "erik@new.example", "user record")
        contacts = [json.loads(l) for l in ok("contact", "list", "--data",
                                              d).out.splitlines()]
        expect(contacts[0]["email"] == "erik@new.example", contacts)
        audit = ok("audit", "list", "--data", d).out
        expect("email:user.email,contact.email" in audit, audit[-600:])
        expect(store_files_containing(d, [b"erik@old"]) == [],
               "old email in the store")
        fails(cx("subject", "rectify", "--data", d, subject, "--email",
                 "nobody@example.org", "--to", "x@example.org"), 1,
              "does not hold")
        other = ok("subject", "add", "--data", d, "--email",
                   "taken@example.org").out.strip()
        fails(cx("subject", "rectify", "--data", d, subject, "--email",
                 "erik@new.example", "--to", "taken@example.org"), 1,
              "another person")
        fails(cx("subject", "rectify", "--data", d, subject, "--email",
                 "erik@new.example", "--to", "not an email"), 1)
        expect(other != sid, "ids")


@test
def hold_blocks_erasure():
    """R9.5: a held person cannot be erased (clear error naming the hold);
    released, they can"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid = ok("subject", "add", "--data", d, "--phone", "0301111111").out
        sid = sid.strip()
        ok("subject", "hold", "--data", d, sid, "--on")
        expect(json.loads(ok("subject", "show", "--data", d, sid).out)
               ["legal_hold"] is True, "flag")
        fails(cx("subject", "erase", "--data", d, sid, "--reason",
                 "objection"), 1, "legal hold")
        ok("subject", "hold", "--data", d, sid, "--off")
        ok("subject", "erase", "--data", d, sid, "--reason", "objection")


@test
def request_workflow_and_report():
    """R9.4: an end user files an erasure request and follows it; the DPO
    rejects, then (after a hold is released) approves and the erasure
    runs with its receipt; R10.3: the record of processing"""
    with TempDir() as tmp:
        d = api_vault(tmp, controller="Example Hotels GmbH, Berlin")
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)

            eu = s.make_user(root, "EU9", "end_user", PW, first_name="Edda",
                             mobile="0171 9999999")
            s.make_user(root, "DPO1", "auditor", PW)
            te, dpo = s.login("EU9", PW), s.login("DPO1", PW)
            st, _, req = s.call("POST", "/v1/me/requests",
                                {"reason": "consent_withdrawn"}, token=te)
            expect(st == 201 and req["status"] == "pending", req)
            st, _, mine = s.call("GET", "/v1/me/requests", token=te)
            expect([r["status"] for r in mine["items"]] == ["pending"], mine)
            st, _, pend = s.call("GET", "/v1/requests?status=pending",
                                 token=dpo)
            expect([r["request"] for r in pend["items"]] ==
                   [req["request"]], pend)
            st, _, rej = s.call("POST", f"/v1/requests/{req['request']}"
                                "/reject", {"reason": "identity_not_verified"},
                                token=dpo)
            expect(st == 200 and rej["status"] == "rejected", rej)
            st, _, mine = s.call("GET", "/v1/me/requests", token=te)
            expect(mine["items"][0]["refusal"] == "identity_not_verified",
                   mine)
            st, _, req2 = s.call("POST", "/v1/me/requests",
                                 {"reason": "objection"}, token=te)
            sid = req2["subject"]
            st, _, held = s.call("PUT", f"/v1/subjects/{sid}/hold",
                                 {"on": True}, token=dpo)
            expect(st == 200 and held["legal_hold"], held)
            r = s.call("POST", f"/v1/requests/{req2['request']}/approve", {},
                       token=dpo)
            expect(r[0] == 409 and r[2]["error"]["code"] == "legal_hold", r)
            s.call("PUT", f"/v1/subjects/{sid}/hold", {"on": False},
                   token=dpo)
            st, _, done = s.call("POST", f"/v1/requests/{req2['request']}"
                                 "/approve", {}, token=dpo)
            expect(st == 200 and done["status"] == "executed" and
                   done["receipt"]["subject"] == sid and
                   done["receipt"]["erased"]["users"] == 1, done)
            r = s.call("POST", "/v1/sessions", {"name": "EU9",
                                                "password": PW})
            expect(r[0] == 401, f"erased user still logs in: {r}")
            expect(s.call("GET", f"/v1/users/{eu}", token=root)[0] == 404,
                   "user record")
            st, _, rep = s.call("GET", "/v1/reports/processing", token=dpo)
            cats = {c["store"]: c for c in rep["categories"]}
            expect(st == 200 and rep["controller"]["name"] ==
                   "Example Hotels GmbH, Berlin" and rep["subjects"]
                   ["erased"] == 1 and cats["user"]["records"] == 2 and
                   rep["audit"]["intact"], rep)
            st, h, page = s.call("GET", "/v1/reports/processing?format=html",
                                 token=dpo)
            expect(st == 200 and h["content-type"].startswith("text/html")
                   and b"<table>" in page and b"Edda" not in page, h)
            expect(s.call("GET", "/v1/me", token=te)[0] == 401,
                   "the erased user's session outlived the erasure")


@test
def export_over_api_and_anonymize():
    """R9.2 over the API (streamed tar); R6.2: an agent anonymized becomes
    'Deleted User N' while the calls it handled stay reportable"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        ok("user", "add", "--data", d, "--logon", "DPO2")
        ok("user", "login", "--data", d, "DPO2", "--profile", "auditor",
           "--password-stdin", stdin=PW.encode() + b"\n")
        sid, content = person_in_every_store(d, tmp)
        # The agent on extension 100 took Jane's calls.
        ok("user", "login", "--data", d, "A0100", "--profile", "agent")
        greeting = os.path.join(tmp, "greeting.wav")
        open(greeting, "wb").write(b"RIFF-Anna-greeting" * 512)
        own = json.loads(ok("import", "content", "--data", d, "--user",
                            "A0100", "--kind", "greeting",
                            greeting).out)["content"]
        stored = set(os.listdir(os.path.join(d, "content")))
        with Server(d) as s:
            dpo = s.login("DPO2", PW)
            st, h, archive = s.call("POST", f"/v1/subjects/{sid}/export",
                                    token=dpo)
            expect(st == 200 and h["content-type"] == "application/x-tar" and
                   int(h["content-length"]) == len(archive), h)
            files = members(archive)
            doc = json.loads(files["person.json"])
            for c in doc["content"]:
                if c["content"] in content:
                    expect(files[c["file"]] == content[c["content"]],
                           c["kind"])
            root = s.login("root", ADMIN_PW)
            _, _, users = s.call("GET", "/v1/users", token=root)
            anna = [u for u in users["items"] if u["kind"] == "local"][0]
            for u in users["items"]:
                st, _, one = s.call("GET", f"/v1/users/{u['user']}",
                                    token=root)
                if one.get("logon") == "A0100":
                    anna = one
            st, _, an = s.call("POST", f"/v1/users/{anna['user']}/anonymize",
                               token=root)
            expect(st == 200 and an["deleted_user"] == 1, an)
            _, _, after = s.call("GET", f"/v1/users/{anna['user']}",
                                 token=root)
            expect(after["first_name"] == "Deleted User 1" and "extension"
                   not in after and after["status"] == "disabled", after)
            r = s.call("PUT", f"/v1/users/{anna['user']}/login",
                       {"profile": "agent", "password": PW}, token=root)
            expect(r[0] == 200, "an anonymized user may get a login again")
            _, _, calls = s.call("GET", f"/v1/interactions?agent="
                                 f"{anna['user']}", token=dpo)
            expect(len(calls["items"]) >= 3, calls)
        expect(ok("subject", "find", "--data", d, "--logon",
                  "A0100").out == "", "anonymized user still found")
        # Her own content (a greeting) went with her data, file and row.
        left = set(os.listdir(os.path.join(d, "content")))
        expect(len(stored - left) == 1 and not left - stored, (stored, left))
        fails(cx("content", "get", "--data", d, str(own), "--out", "-"), 1,
              "no such content")


if __name__ == "__main__":
    main()
