#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 25, the authorization holes an independent attack found: a user
account never takes over a customer's record (R3.3, R9), anonymizing an
account never reaches past it (R6.2, R9.5), rows an account may not read
it may not write either, and refused rows answer as missing ones (R3.3);
self-service corrections tell nothing of other people (R3.4)."""
import json

from harness import (ADMIN_PW, Server, TempDir, api_vault, expect, main, ok,
                     test)

PW = "correct horse battery staple 2026"
JANE = {"phone": "+49 30 123456789", "email": "jane.doe@example.org"}


def jane(d):
    """A customer, Jane, with a call of hers on record; her subject id."""
    sid = int(ok("subject", "add", "--data", d, "--phone", JANE["phone"],
                 "--email", JANE["email"], "--name", "Jane Doe").out)
    ok("interaction", "add", "--data", d, "--media", "chat", "--email",
       JANE["email"], "--start", "2026-11-20T10:00:00Z", "--outcome",
       "answered")
    return sid


def idents(d, sid):
    doc = json.loads(ok("subject", "show", "--data", d, str(sid)).out)
    return sorted((i["kind"], i["value"]) for i in doc["identifiers"])


def profile(s, root, name, *perms):
    st, _, doc = s.call("POST", "/v1/profiles", {"name": name,
                        "permissions": list(perms)}, token=root)
    expect(st == 201, f"profile {name}: {st} {doc}")


@test
def user_never_takes_over_a_person():
    """Issue 25.1: a system_assistant's new user whose mobile or email is
    a customer's is refused (409 person_exists, naming nobody), never
    attached to her; only a profile with subjects.write makes a user a
    known person, on purpose and audited"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        sid = jane(d)
        before = idents(d, sid)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            s.make_user(root, "SA1", "system_assistant", PW)
            sa = s.login("SA1", PW)
            for field, value in (("mobile", JANE["phone"]),
                                 ("email", JANE["email"]),
                                 ("work_phone", "030 123456789")):
                st, _, doc = s.call("POST", "/v1/users", {
                    "logon": "EVIL", "first_name": "Eve", field: value},
                    token=sa)
                expect(st == 409 and doc["error"]["code"] ==
                       "person_exists", f"{field}: {st} {doc}")
                expect(str(sid) not in json.dumps(doc) and "Jane" not in
                       json.dumps(doc), doc)
            _, _, users = s.call("GET", "/v1/users", token=root)
            expect(len(users["items"]) == 2, users)
            expect(idents(d, sid) == before, idents(d, sid))
            # Asking to be her needs subjects.write.
            st, _, doc = s.call("POST", "/v1/users", {
                "logon": "EVIL", "mobile": JANE["phone"], "subject": sid},
                token=sa)
            expect(st == 403 and doc["error"]["code"] == "forbidden", doc)
            # A fresh number is a new person.
            st, _, u = s.call("POST", "/v1/users", {
                "logon": "NEWBIE", "mobile": "+49 89 5550001"}, token=sa)
            expect(st == 201, u)
            _, _, one = s.call("GET", f"/v1/users/{u['user']}", token=root)
            expect(one["subject"] != sid, one)
            # A DPO who also manages users decides she is an employee.
            profile(s, root, "dpo-admin", "users.write", "users.read",
                    "subjects.write")
            s.make_user(root, "DPO", "dpo-admin", PW)
            dpo = s.login("DPO", PW)
            st, _, u = s.call("POST", "/v1/users", {
                "logon": "JANE", "mobile": JANE["phone"], "subject": sid},
                token=dpo)
            expect(st == 201, u)
            _, _, one = s.call("GET", f"/v1/users/{u['user']}", token=root)
            expect(one["subject"] == sid, one)
            # Another person's number cannot ride along.
            other = int(ok("subject", "add", "--data", d, "--phone",
                           "+49 40 7770000").out)
            st, _, doc = s.call("POST", "/v1/users", {
                "logon": "JANE2", "mobile": "+49 40 7770000",
                "subject": sid}, token=dpo)
            expect(st == 409 and doc["error"]["code"] == "person_exists",
                   doc)
            expect(other != sid, "two people")
        trail = ok("audit", "list", "--data", d).out
        expect('"action":"user.attach"' in trail.replace(" ", "") and
               f'"object_id":"{sid}"' in trail.replace(" ", ""),
               "the attachment is not audited")
        # The command line: refused alike, --subject on purpose.
        r = ok("user", "add", "--data", d, "--logon", "CLI1", "--email",
               "fresh@example.org")
        expect(r.out.strip().isdigit(), r)
        from harness import cx, fails
        fails(cx("user", "add", "--data", d, "--logon", "CLI2", "--email",
                 JANE["email"]), 1, "known already")


@test
def anonymize_stays_within_the_account():
    """Issue 25.2: anonymizing a user whose person is under legal hold is
    refused with nothing deleted; otherwise it takes the account's own
    identifiers only, and a person with records beyond the account keeps
    hers (erasure is the way to remove a person)"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        sid = jane(d)
        ok("user", "add", "--data", d, "--logon", "JANE", "--subject",
           str(sid), "--mobile", JANE["phone"], "--first-name", "Jane")
        ok("subject", "hold", "--data", d, str(sid), "--on")
        before = idents(d, sid)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            _, _, users = s.call("GET", "/v1/users", token=root)
            uid = [u["user"] for u in users["items"]
                   if u["subject"] == sid][0]
            st, _, doc = s.call("POST", f"/v1/users/{uid}/anonymize",
                                token=root)
            expect(st == 409 and doc["error"]["code"] == "legal_hold", doc)
            expect(idents(d, sid) == before, idents(d, sid))
            ok("subject", "hold", "--data", d, str(sid), "--off")
            st, _, doc = s.call("POST", f"/v1/users/{uid}/anonymize",
                                token=root)
            expect(st == 200 and doc["identifiers_kept"] is True, doc)
        after = idents(d, sid)
        expect(("logon", "jane") not in after and
               ("phone", "+4930123456789") in after and
               ("email", JANE["email"]) in after, after)
        found = ok("subject", "find", "--data", d, "--phone",
                   JANE["phone"]).out
        expect(str(sid) in found, "the customer is no longer found")
        # A plain employee, nothing but the account: every identifier of
        # the account goes, as before.
        ok("user", "add", "--data", d, "--logon", "A0200", "--mobile",
           "+49 89 5550002", "--first-name", "Otto", "--last-name", "Agent")
        r = ok("user", "anonymize", "--data", d, "A0200")
        expect("beyond" not in r.err, r)
        expect(ok("subject", "find", "--data", d, "--phone",
                  "+49 89 5550002").out == "", "employee still found")


@test
def writes_have_the_row_limits_of_reads():
    """Issue 25.3, R3.3: an agent may neither read nor add to another
    agent's interaction, and each refusal is, byte for byte, the answer
    to an interaction that does not exist (no id oracle); its own it may"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            a = s.make_user(root, "A0100", "agent", PW, extension="100")
            s.make_user(root, "A0101", "agent", PW, extension="101")
            feed = s.feed_token(root, "cdr.ingest")
            ids = []
            for n, ext in (("c-1", "100"), ("c-2", "101")):
                st, _, doc = s.call("POST", "/v1/cdr", {
                    "id": n, "caller": "+49 30 1111111", "callee": ext,
                    "start": "2026-11-20T10:00:00Z", "outcome": "answered"},
                    token=feed)
                expect(st == 201, doc)
                ids.append(doc["interaction"])
            mine, theirs = ids
            missing = theirs ^ 1
            while missing in ids:
                missing += 2
            ta = s.login("A0100", PW)
            item = {"name": "note", "value": "called back"}
            for method, path, body in (
                    ("GET", "/v1/interactions/{}", None),
                    ("POST", "/v1/interactions/{}/items", item)):
                got = s.call(method, path.format(theirs), body, token=ta)
                none = s.call(method, path.format(missing), body, token=ta)
                expect(got[0] == 404 and (got[0], got[2]) ==
                       (none[0], none[2]), f"{method} {path}: {got} {none}")
            st, _, doc = s.call("POST", f"/v1/interactions/{mine}/items",
                                item, token=ta)
            expect(st == 201, doc)
            # A custom profile that may upload, but only to its own.
            profile(s, root, "own-uploader", "interactions.own",
                    "content.write")
            s.make_user(root, "A0102", "own-uploader", PW, extension="102")
            tu = s.login("A0102", PW)
            got = s.call("POST", f"/v1/interactions/{theirs}/content"
                         "?kind=recording", raw=b"RIFF", token=tu)
            none = s.call("POST", f"/v1/interactions/{missing}/content"
                          "?kind=recording", raw=b"RIFF", token=tu)
            expect(got[0] == 404 and (got[0], got[2]) == (none[0], none[2]),
                   f"upload: {got} {none}")
        shown = json.loads(ok("interaction", "show", "--data", d,
                              str(theirs)).out)
        expect(shown["items"] == [] and shown["content"] == [] and
               shown["agent"] != a, shown)


@test
def searches_in_bodies_and_answers_echo_nothing():
    """Issue 25.9: the searches by identifier take a POST body (the GET
    form stays for API clients), with the same answers; issue 25.10: a
    400 for an unknown member names its place, never the member, which
    may be a person's number"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        sid = jane(d)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            profile(s, root, "finder", "subjects.read", "interactions.read")
            s.make_user(root, "F1", "finder", PW)
            tf = s.login("F1", PW)
            st, _, by_get = s.call("GET", "/v1/subjects?phone=030%20"
                                   "123456789", token=tf)
            st2, _, by_post = s.call("POST", "/v1/subjects/search",
                                     {"phone": "030 123456789"}, token=tf)
            expect(st == st2 == 200 and by_get == by_post and
                   by_post["items"] == [{"subject": sid}], by_post)
            st, _, ia = s.call("POST", "/v1/interactions/search", {
                "email": JANE["email"], "since": "2026-11-01",
                "limit": 10}, token=tf)
            expect(st == 200 and len(ia["items"]) == 1, ia)
            for body in ({"phone": "030 123456789", "+49 30 5550123": 1},
                         {"email": JANE["email"], "x": "y",
                          "jane.doe@example.org ": 2}):
                st, _, doc = s.call("POST", "/v1/subjects/search", body,
                                    token=tf)
                text = json.dumps(doc)
                expect(st == 400 and "5550123" not in text and
                       "x'" not in text and "example.org " not in text and
                       "member 2" in doc["error"]["message"], doc)
            st, _, doc = s.call("POST", "/v1/users", {
                "logon": "Z", "+49 30 5550123": "x"}, token=root)
            expect(st == 400 and "5550123" not in json.dumps(doc), doc)
            st, _, doc = s.call("POST", "/v1/subjects/search",
                                {"phone": 491}, token=tf)
            expect(st == 400, doc)


@test
def self_service_corrections_tell_nothing_of_others():
    """Issue 25.6, R3.4, R9.3: an end user's change of its number answers
    alike whether the new number is someone else's or free (nothing is
    applied before staff confirm), every attempt is audited, the
    attempts are limited per account, and staff see the values and
    decide: another person's number is refused, a free one applied"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        jane(d)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            s.make_user(root, "EU1", "end_user", PW, first_name="Erika",
                        mobile="+49 171 5550100")
            te = s.login("EU1", PW)
            mine = "+49 171 5550100"
            answers = []
            for new in (JANE["phone"], "+49 171 5550199"):
                st, h, doc = s.call("POST", "/v1/me/rectify", {
                    "kind": "phone", "old": mine, "new": new}, token=te)
                answers.append((st, sorted(doc), doc.get("status")))
            expect(answers[0] == answers[1] == (202, ["correction", "status"],
                                                "pending"), answers)
            _, _, me = s.call("GET", "/v1/me", token=te)
            expect(me["mobile"] == mine, me)
            for i in range(3):
                st, _, _ = s.call("POST", "/v1/me/rectify", {
                    "kind": "email", "old": "a@example.org",
                    "new": f"b{i}@example.org"}, token=te)
                expect(st == 202, st)
            st, h, doc = s.call("POST", "/v1/me/rectify", {
                "kind": "phone", "old": mine, "new": "+49 171 5550111"},
                token=te)
            expect(st == 429 and doc["error"]["code"] == "too_many_attempts"
                   and int(h["retry-after"]) > 0, (st, doc))
            # Names are corrected at once: they identify nobody alone.
            st, _, doc = s.call("POST", "/v1/me/rectify", {
                "kind": "name", "old": "Erika", "new": "Erika M"},
                token=te)
            expect(st in (200, 404), (st, doc))
            # Staff decide, seeing the values.
            s.make_user(root, "DPO", "auditor", PW)
            dpo = s.login("DPO", PW)
            _, _, pend = s.call("GET", "/v1/corrections?status=pending",
                                token=dpo)
            expect(len(pend["items"]) == 5, pend)
            ids = [c["correction"] for c in pend["items"]
                   if c["kind"] == "phone"]
            expect(len(ids) == 2, pend)
            shown = {}
            for cid in ids:
                st, _, c = s.call("GET", f"/v1/corrections/{cid}",
                                  token=dpo)
                expect(st == 200 and c["old"] == mine, c)
                shown[c["new"]] = cid
            held, free = shown[JANE["phone"]], shown["+49 171 5550199"]
            st, _, doc = s.call("POST", f"/v1/corrections/{held}/approve",
                                {}, token=dpo)
            expect(st == 409, doc)
            st, _, doc = s.call("POST", f"/v1/corrections/{held}/reject",
                                {"reason": "value_not_verified"}, token=dpo)
            expect(st == 200 and doc["status"] == "rejected", doc)
            st, _, doc = s.call("POST", f"/v1/corrections/{free}/approve",
                                {}, token=dpo)
            expect(st == 200 and doc["status"] == "executed", doc)
            _, _, me = s.call("GET", "/v1/me", token=te)
            expect(me["mobile"] == "+49 171 5550199", me)
            _, _, mine_list = s.call("GET", "/v1/me/corrections", token=te)
            states = {c["correction"]: (c["status"], c.get("refusal"))
                      for c in mine_list["items"]}
            expect(states[held] == ("rejected", "value_not_verified") and
                   states[free] == ("executed", None), states)
            # A decided correction keeps no values.
            st, _, _ = s.call("GET", f"/v1/corrections/{free}", token=dpo)
            expect(st == 404, st)
        acts = [json.loads(l)["action"] for l in
                ok("audit", "list", "--data", d).out.splitlines()]
        expect(acts.count("correction.file") == 5 and
               acts.count("correction.refused") == 1 and
               "correction.read" in acts and
               "correction.approve" in acts and "correction.reject" in acts,
               [a for a in acts if a.startswith("correction")])


if __name__ == "__main__":
    main()
