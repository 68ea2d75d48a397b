# SPDX-License-Identifier: Apache-2.0
"""Issue 4: the HTTPS API of the real binary over real TLS: lockout (R2.4),
PIN logins only from trusted networks (R2.3), parallel sessions (R2.5),
the permission matrix (R3), agents' and end users' limits (R3.3, R3.4),
password policy and changes (R2.2), TLS versions (R4.1), CDR feeds and
streamed content over the API."""
import base64
import json
import os
import subprocess
import time

from harness import (ADMIN_PW, Server, TempDir, api_vault, expect, main, ok,
                     set_config, test)

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
PW = "tangerine submarine 42"


def person(s, tok, logon, profile, password=PW, pin=None, kind="local",
           **fields):
    """A user with a login, made over the API by an administrator."""
    st, _, doc = s.call("POST", "/v1/users", dict(logon=logon, kind=kind,
                                                  **fields), token=tok)
    expect(st == 201, f"user {logon}: {st} {doc}")
    body = {"profile": profile}
    if password:
        body.update(password=password, must_change=False)
    if pin:
        body["pin"] = pin
    st, _, doc = s.call("PUT", f"/v1/users/{doc['user']}/login", body,
                        token=tok)
    expect(st == 200, f"login of {logon}: {st} {doc}")
    return doc["user"]


def error_code(resp):
    return resp[2]["error"]["code"]


@test
def lockout():
    """R2.4: 15 wrong passwords lock; the 16th correct one is refused; the
    lock ends by itself; remote accounts wait longer; every failure is
    audited with its source address"""
    with TempDir() as tmp:
        # Account locks alone: the address's own limit (issue 25.5) is
        # set above the 32 failures this test makes from one address.
        d = api_vault(tmp, lockout_seconds=3, lockout_remote_seconds=8,
                      login_address_burst=100)
        with Server(d) as s:
            tok = s.login("root", ADMIN_PW)
            person(s, tok, "L1", "agent")
            person(s, tok, "R1", "agent", kind="remote")
            for name in ("L1", "R1"):
                for i in range(15):
                    r = s.call("POST", "/v1/sessions",
                               {"name": name, "password": f"wrong {i}"})
                    expect(r[0] == 401 and error_code(r) ==
                           "bad_credentials", r)
                r = s.call("POST", "/v1/sessions", {"name": name,
                                                    "password": PW})
                expect(r[0] == 429 and error_code(r) == "account_locked", r)
                expect(int(r[1]["retry-after"]) >= 1, r[1])
            time.sleep(4)
            s.login("L1", PW)
            r = s.call("POST", "/v1/sessions", {"name": "R1", "password": PW})
            expect(r[0] == 429, f"remote account unlocked too soon: {r}")
            time.sleep(5)
            s.login("R1", PW)
            _, _, audit = s.call("GET", "/v1/audit?limit=1000", token=tok)
            fails = [e for e in audit["items"] if e["action"] ==
                     "auth.failure"]
            expect(len(fails) == 30, f"{len(fails)} failures audited")
            expect(all("source=127.0.0.1" in e["fields"] for e in fails),
                   fails[:2])


@test
def unknown_names_lock_alike():
    """R2.4: unknown names are counted and locked like accounts, with the
    same answers, so locking reveals no account"""
    with TempDir() as tmp:
        d = api_vault(tmp, lockout_failures=3)
        with Server(d) as s:
            answers = []
            for name in ("root", "nobody-here"):
                seen = []
                for i in range(4):
                    r = s.call("POST", "/v1/sessions",
                               {"name": name, "password": f"bad {i}"})
                    seen.append((r[0], r[2]["error"]))
                answers.append(seen)
            expect(answers[0] == answers[1], answers)
            expect(answers[0][-1][0] == 429, answers[0])


@test
def pin_from_trusted_network_only():
    """R2.3: extension + PIN works from a trusted network (127.0.0.1) and is
    refused from another (127.0.0.2); remote accounts get no PIN"""
    with TempDir() as tmp:
        d = api_vault(tmp, trusted_networks="127.0.0.1/32")
        with Server(d) as s:
            tok = s.login("root", ADMIN_PW)
            person(s, tok, "E1", "end_user", password=None, pin="4711",
                   extension="150")
            pin = {"extension": "150", "pin": "4711"}
            st, _, doc = s.call("POST", "/v1/sessions", pin,
                                source="127.0.0.1")
            expect(st == 201, doc)
            r = s.call("POST", "/v1/sessions", pin, source="127.0.0.2")
            expect(r[0] == 403 and error_code(r) == "login_refused", r)
            r = s.call("POST", "/v1/sessions", dict(pin, pin="9999"),
                       source="127.0.0.1")
            expect(r[0] == 401, r)
            st, _, me = s.call("GET", "/v1/me", token=doc["token"])
            expect(st == 200 and me["extension"] == "150", me)
            uid = person(s, tok, "T1", "end_user", kind="remote")
            r = s.call("PUT", f"/v1/users/{uid}/login",
                       {"profile": "end_user", "pin": "4711"}, token=tok)
            expect(r[0] == 400 and "local" in r[2]["error"]["message"], r)


@test
def parallel_config_sessions():
    """R2.5: a third parallel administrator session is refused; with
    config_sessions_policy = drop_oldest the oldest one ends instead"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            a, b = s.login("root", ADMIN_PW), s.login("root", ADMIN_PW)
            r = s.call("POST", "/v1/sessions", {"name": "root",
                                                "password": ADMIN_PW})
            expect(r[0] == 409 and error_code(r) == "too_many_sessions", r)
            expect(s.call("DELETE", "/v1/session", token=a)[0] == 204, "out")
            expect(s.call("GET", "/v1/session", token=a)[0] == 401, "ended")
            s.login("root", ADMIN_PW)
            expect(s.call("GET", "/v1/session", token=b)[0] == 200, "b")
            person(s, b, "AG", "agent")
        set_config(d, config_sessions_policy="drop_oldest")
        with Server(d) as s:
            first = s.login("root", ADMIN_PW)
            s.login("root", ADMIN_PW)
            s.login("root", ADMIN_PW)
            expect(s.call("GET", "/v1/session", token=first)[0] == 401,
                   "the oldest session should have ended")
            # Agents do not configure the system: no limit.
            toks = [s.login("AG", PW) for _ in range(4)]
            expect(all(s.call("GET", "/v1/session", token=t)[0] == 200
                       for t in toks), "agent sessions")


def routes():
    """(method, path with ids, permission, alternative) from docs."""
    doc = json.load(open(os.path.join(DATA, "..", "..", "docs",
                                      "openapi.json")))
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield (method.upper(), path.replace("{id}", "1"),
                   op["x-permission"], op.get("x-permission-alternative"))


@test
def permission_matrix():
    """R3.3: every route refuses an anonymous caller (401) and an account
    without its permission (403); an account holding only that permission
    gets past the check"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            st, _, _ = s.call("POST", "/v1/profiles", {"name": "nothing",
                              "permissions": []}, token=root)
            expect(st == 201, "profile")
            person(s, root, "NOBODY", "nothing")
            nobody = s.login("NOBODY", PW)
            holders = {"accounts": root}
            checked = 0
            for method, path, perm, alt in routes():
                body = b"{}" if method in ("POST", "PUT") else None
                r = s.call(method, path, raw=body)
                if perm == "public":
                    expect(r[0] not in (401, 403), f"{method} {path}: {r}")
                    continue
                expect(r[0] == 401 and error_code(r) == "unauthorized",
                       f"anonymous {method} {path}: {r}")
                if perm == "signed":
                    continue
                r = s.call(method, path, raw=body, token=nobody)
                expect(r[0] == 403 and error_code(r) == "forbidden",
                       f"no permission {method} {path}: {r}")
                if perm not in holders:
                    st, _, _ = s.call("POST", "/v1/profiles", {
                        "name": "only-" + perm.replace(".", "-"),
                        "permissions": [perm]}, token=root)
                    expect(st == 201, perm)
                    person(s, root, "H-" + perm, "only-" +
                           perm.replace(".", "-"))
                    holders[perm] = s.login("H-" + perm, PW)
                r = s.call(method, path, raw=body, token=holders[perm])
                expect(r[0] not in (401, 403) or (
                    r[0] == 403 and error_code(r) != "forbidden"),
                    f"holder of {perm}: {method} {path}: {r}")
                checked += 1
            expect(checked >= 40, f"only {checked} routes checked")


def agents_with_calls(s, root):
    """Two agents (extensions 100, 101) and the test CDRs imported."""
    a = person(s, root, "A0100", "agent", extension="100")
    b = person(s, root, "A0101", "agent", extension="101")
    feed = person(s, root, "PBX", "api_integration", kind="api")
    st, _, tok = s.call("POST", f"/v1/users/{feed}/tokens",
                        {"permissions": ["cdr.ingest"], "days": 1},
                        token=root)
    expect(st == 201, tok)
    return a, b, tok["token"]


def post_cdr(s, tok, uid, caller, callee, start, name=""):
    return s.call("POST", "/v1/cdr", {
        "id": uid, "caller": caller, "caller_name": name, "callee": callee,
        "start": start, "answer": start, "end": start.replace(":00Z", ":42Z"),
        "outcome": "answered", "fields": {"queue": "support"}}, token=tok)


@test
def agents_see_only_their_own():
    """R3.3: an agent reads its own interactions and content, never another
    agent's; a supervisor reads all; R3.4: an end user reaches only itself"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            a, b, feed = agents_with_calls(s, root)
            st, _, one = post_cdr(s, feed, "c-1", "+49 30 1111111", "100",
                                  "2026-11-20T10:00:00Z", "Carla Caller")
            expect(st == 201, one)
            st, _, two = post_cdr(s, feed, "c-2", "+49 30 1111111", "101",
                                  "2026-11-20T11:00:00Z", "Carla Caller")
            expect(st == 201, two)
            st, _, dup = post_cdr(s, feed, "c-2", "+49 30 1111111", "101",
                                  "2026-11-20T11:00:00Z", "Carla Caller")
            expect(st == 200 and dup["duplicate"], dup)
            ta = s.login("A0100", PW)
            mine, theirs = one["interaction"], two["interaction"]
            st, _, doc = s.call("GET", f"/v1/interactions/{mine}", token=ta)
            expect(st == 200 and doc["agent"] == a and
                   doc["fields"]["caller_name"] == "Carla Caller" and
                   doc["items"] == [] and doc["content"] == [], doc)
            r = s.call("GET", f"/v1/interactions/{theirs}", token=ta)
            expect(r[0] == 404 and error_code(r) == "not_found", r)
            r = s.call("GET", f"/v1/interactions?agent={b}", token=ta)
            expect(r[0] == 403, r)
            st, _, lst = s.call("GET", "/v1/interactions?phone=030%201111111",
                                token=ta)
            expect(st == 200 and [i["interaction"] for i in lst["items"]] ==
                   [mine], lst)
            # Content: uploaded by the feed, read by its agent only.
            up = person(s, root, "UP", "api_integration", kind="api")
            _, _, t = s.call("POST", f"/v1/users/{up}/tokens",
                             {"permissions": ["content.write",
                                              "interactions.write"]},
                             token=root)
            audio = os.urandom(3 * 1024 * 1024 + 17)
            cids = []
            for ia in (mine, theirs):
                st, _, c = s.call("POST", f"/v1/interactions/{ia}/content"
                                  "?kind=recording", raw=audio,
                                  token=t["token"])
                expect(st == 201, c)
                cids.append(c["content"])
            # The interaction lists what it now holds (the read runs the
            # statements of items and content only when they exist).
            st, _, item = s.call("POST", f"/v1/interactions/{mine}/items",
                                 {"name": "account", "value": "DE4450010517"},
                                 token=t["token"])
            expect(st == 201, item)
            st, _, doc = s.call("GET", f"/v1/interactions/{mine}", token=ta)
            expect(st == 200 and
                   [c["content"] for c in doc["content"]] == [cids[0]] and
                   [i["name"] for i in doc["items"]] == ["account"], doc)
            st, hdrs, got = s.call("GET", f"/v1/content/{cids[0]}", token=ta)
            expect(st == 200 and got == audio, f"round trip {st}")
            expect(s.call("GET", f"/v1/content/{cids[1]}", token=ta)[0] ==
                   404, "other agent's recording")
            person(s, root, "SV", "supervisor")
            sv = s.login("SV", PW)
            st, _, doc = s.call("GET", f"/v1/interactions/{theirs}", token=sv)
            expect(st == 200 and doc["items"] == [] and
                   [c["content"] for c in doc["content"]] == [cids[1]], doc)
            # End users: themselves only.
            e1 = person(s, root, "EU1", "end_user", first_name="Erika")
            e2 = person(s, root, "EU2", "end_user", first_name="Emil")
            te = s.login("EU1", PW)
            st, _, me = s.call("GET", "/v1/me", token=te)
            expect(st == 200 and me["user"] == e1 and
                   me["first_name"] == "Erika", me)
            expect(s.call("GET", f"/v1/users/{e2}", token=te)[0] == 403,
                   "another user's record")
            st, _, c = s.call("POST", "/v1/me/contacts", {
                "first_name": "Mum", "mobile": "0171 5555555"}, token=te)
            expect(st == 201, c)
            st, _, lst = s.call("GET", "/v1/me/contacts", token=te)
            expect([x["first_name"] for x in lst["items"]] == ["Mum"], lst)
            _, _, audit = s.call("GET", "/v1/audit?limit=1000", token=root)
            reads = [e for e in audit["items"]
                     if e["action"] == "content.read"]
            expect(len(reads) == 1 and reads[0]["actor"] == f"user:{a}",
                   reads)


@test
def passwords():
    """R2.2: policy on new passwords (length, common, logon id, reuse);
    an administrator's reset must be changed at the next login"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            uid = person(s, root, "PAUL7", "agent", password=None,
                         first_name="Paula")
            for bad, why in (("short pw", "too short"),
                             ("qwertyuiop123", "common"),
                             ("i am paul7 and proud", "logon"),
                             ("paula likes cake", "name")):
                r = s.call("PUT", f"/v1/users/{uid}/login",
                           {"profile": "agent", "password": bad}, token=root)
                expect(r[0] == 400 and error_code(r) == "password_policy",
                       f"{why}: {r}")
                expect(bad not in json.dumps(r[2]), "echoed the password")
            r = s.call("PUT", f"/v1/users/{uid}/login",
                       {"profile": "agent", "password": PW}, token=root)
            expect(r[0] == 200 and r[2]["must_change_password"], r)
            tok = s.login("PAUL7", PW)
            st, _, who = s.call("GET", "/v1/session", token=tok)
            expect(who["must_change_password"] and who["permissions"] == [],
                   who)
            r = s.call("GET", "/v1/me", token=tok)
            expect(r[0] == 403 and error_code(r) ==
                   "password_change_required", r)
            r = s.call("POST", "/v1/session/password",
                       {"current": PW, "new": PW}, token=tok)
            expect(r[0] == 400 and "recently" in r[2]["error"]["message"], r)
            r = s.call("POST", "/v1/session/password",
                       {"current": "not it at all", "new": "x" * 20},
                       token=tok)
            expect(r[0] == 401, r)
            new = "a brand new secret 9"
            expect(s.call("POST", "/v1/session/password",
                          {"current": PW, "new": new}, token=tok)[0] == 204,
                   "change")
            expect(s.call("GET", "/v1/me", token=tok)[0] == 200, "full rights")
            r = s.call("POST", "/v1/sessions", {"name": "PAUL7",
                                                "password": PW})
            expect(r[0] == 401, "old password still works")
            s.login("PAUL7", new)


def tls_handshake(port, version):
    """openssl s_client with one protocol version: True if it connects."""
    p = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
         f"-{version}", "-cipher", "DEFAULT@SECLEVEL=0"],
        input=b"", capture_output=True, timeout=30)
    out = p.stdout.decode("utf-8", "replace")
    return "Cipher is (NONE)" not in out and "\nNew, TLSv1." in out


@test
def tls_versions_and_headers():
    """R4.1: TLS 1.0 and 1.1 handshakes are refused, 1.2 and 1.3 work;
    responses carry HSTS and the usual security headers"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            for v, want in (("tls1", False), ("tls1_1", False),
                            ("tls1_2", True), ("tls1_3", True)):
                expect(tls_handshake(s.port, v) == want, f"{v}: {want}")
            st, h, _ = s.call("GET", "/v1/health")
            expect(st == 200 and "max-age" in h["strict-transport-security"]
                   and h["x-content-type-options"] == "nosniff" and
                   h["cache-control"] == "no-store", h)


@test
def bad_requests():
    """Bad input gets a precise JSON error with a stable code and never
    echoes personal values; oversized bodies are cut with 413"""
    with TempDir() as tmp:
        d = api_vault(tmp, http_body_max=4096)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            cases = [
                ("GET", "/v1/nowhere", None, 404, "no_route"),
                ("DELETE", "/v1/health", None, 405, "method_not_allowed"),
                ("POST", "/v1/users", b"{not json", 400, "invalid_json"),
                ("POST", "/v1/users", b"[1,2]", 400, "invalid_json"),
                ("POST", "/v1/users", b'{"logon":"x","logon":"y"}', 400,
                 "invalid_json"),
                ("POST", "/v1/users", b"x" * 5000, 413, "too_large"),
                ("GET", "/v1/users/0", None, 404, "no_route"),
                ("GET", "/v1/users/99999999999999999999", None, 404,
                 "no_route"),
                ("GET", "/v1/users/123", None, 404, "not_found"),
                # The route matcher: ids whole and in range, no more
                # segments than the pattern, the method after the path.
                ("GET", "/v1/users/12a", None, 404, "no_route"),
                ("GET", "/v1/users/", None, 404, "no_route"),
                ("GET", "/v1/users/123/nowhere", None, 404, "no_route"),
                ("GET", "/v1/users/123/", None, 404, "no_route"),
                ("DELETE", "/v1/users/123", None, 405,
                 "method_not_allowed"),
                ("GET", "/v1/contacts?owner=someone", None, 400, "invalid"),
                ("GET", "/v1/audit?since=yesterday", None, 400, "invalid"),
                ("GET", "/v1/users?limit=0", None, 400, "invalid"),
                ("POST", "/v1/campaigns", b'{"name":"c","colour":"red"}',
                 400, "invalid"),
            ]
            for method, path, raw, status, code in cases:
                r = s.call(method, path, raw=raw, token=root)
                expect(r[0] == status and error_code(r) == code,
                       f"{method} {path}: {r}")
            r = s.call("POST", "/v1/users", {"logon": "Q1",
                       "email": "not-an-address jane.doe@example.org"},
                       token=root)
            expect(r[0] == 400 and "jane" not in json.dumps(r[2]), r)


def freeswitch_basic(s, root, user):
    """An API user FS with a cdr.ingest token, as mod_json_cdr's
    cred=USER:TOKEN sends it: the Authorization header's value."""
    fs = person(s, root, "FS", "api_integration", kind="api")
    _, _, t = s.call("POST", f"/v1/users/{fs}/tokens",
                     {"permissions": ["cdr.ingest"]}, token=root)
    return "Basic " + base64.b64encode(
        f"{user}:{t['token']}".encode()).decode()


@test
def freeswitch_feed_and_graceful_stop():
    """R10.1: a FreeSWITCH server posts mod_json_cdr documents (plain or
    cdr= form-encoded, token as Basic password); SIGTERM stops cleanly"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        doc = open(os.path.join(DATA, "freeswitch", "a_5b1f0c3e-9d4e-4c1a-"
                                "9a55-0f3e2d1c7a10.cdr.json"), "rb").read()
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write(f"source.{'s' * 31}.region = DE\n")  # the longest name
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            basic = freeswitch_basic(s, root, "freeswitch")
            st, _, r1 = s.call("POST", "/v1/cdr/freeswitch", raw=doc,
                               headers={"Authorization": basic})
            expect(st == 201, r1)
            import urllib.parse
            form = b"cdr=" + urllib.parse.quote_plus(doc).encode()
            st, _, r2 = s.call("POST", "/v1/cdr/freeswitch", raw=form,
                               headers={"Authorization": basic, "Content-Type":
                                        "application/x-www-form-urlencoded"})
            expect(st == 200 and r2["duplicate"], r2)
            r = s.call("POST", "/v1/cdr/freeswitch", raw=b"cdr=%7B%zz",
                       headers={"Authorization": basic})
            expect(r[0] == 400, r)
            # Issue 27: encode=base64, as mod_json_cdr.c's process_cdr()
            # posts it: "cdr=" and the base64 of the document, Content-Type
            # application/x-www-form-base64-encoded, ?uuid= appended to
            # the configured URL. '+' of base64 is no space there.
            b64 = json.loads(doc)
            b64["variables"]["uuid"] = "b64-1"
            # A name that makes '+' in the base64 (as real ones do).
            for k in range(64):
                b64["variables"]["caller_id_name"] = "Jane" + "~" * k
                body = b"cdr=" + base64.b64encode(json.dumps(b64).encode())
                if b"+" in body:
                    break
            expect(b"+" in body, "a base64 with '+'")
            st, _, r4 = s.call("POST", "/v1/cdr/freeswitch?uuid=b64-1",
                               raw=body, headers={
                                   "Authorization": basic,
                                   "User-Agent": "freeswitch-json/1.0",
                                   "Content-Type":
                                   "application/x-www-form-base64-encoded"})
            expect(st == 201, r4)
            # A 401 there offers Basic, so that libcurl with auth-scheme
            # any or digest sends its credentials; elsewhere Bearer only.
            st, h, _ = s.call("POST", "/v1/cdr/freeswitch", raw=doc)
            expect(st == 401 and h["www-authenticate"] ==
                   'Basic realm="cxvault", charset="UTF-8"', h)
            st, h, _ = s.call("GET", "/v1/session")
            expect(st == 401 and h["www-authenticate"] == "Bearer", h)
            # Issue 26: a source of cxvault.conf by name; a call with no
            # person (a withheld caller dialling a feature code) is said
            # to be skipped, with a 2xx the platform takes as delivered.
            r = s.call("POST", "/v1/cdr/freeswitch?source=nowhere",
                       raw=doc, headers={"Authorization": basic})
            expect(r[0] == 400 and error_code(r) == "unknown_source", r)
            # A name longer than any source's is none, not its first 31.
            r = s.call("POST", "/v1/cdr/freeswitch?source=" + "s" * 32,
                       raw=doc, headers={"Authorization": basic})
            expect(r[0] == 400 and error_code(r) == "unknown_source", r)
            svc = json.loads(doc)
            svc["variables"].update(uuid="svc-1", caller_id_number=
                                    "anonymous", destination_number="*97")
            st, _, r3 = s.call("POST", "/v1/cdr/freeswitch?source=default",
                               raw=json.dumps(svc).encode(),
                               headers={"Authorization": basic})
            expect(st == 200 and r3 == {"skipped": "service_leg"}, r3)
            rc = s.stop()
            expect(rc == 0, f"exit {rc}: {s.err}")


@test
def freeswitch_every_mode():
    """Issue 27.1: mod_json_cdr's every mode (encode false, true, base64;
    encode-values false, true: the double encoding too), made as its C
    source makes them (fsencode.py), posted with cred=NAME:TOKEN as Basic:
    each answered 2xx, the quoted caller name read back, the call filed
    under the caller's number; a bridge string too long to keep is left
    out and counted, never the call"""
    import fsencode
    with TempDir() as tmp:
        d = api_vault(tmp)
        with open(os.path.join(d, "cxvault.conf"), "a") as f:
            f.write("source.fs1.region = DE\n")
        base = json.load(open(os.path.join(
            DATA, "freeswitch",
            "a_5b1f0c3e-9d4e-4c1a-9a55-0f3e2d1c7a10.cdr.json")))
        name = '"Jane" <+4930123456789> & Co; 100%'
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            basic = freeswitch_basic(s, root, "ingest")
            ids = []
            for enc in ("false", "true", "base64"):
                for ev in (False, True):
                    doc = json.loads(json.dumps(base))
                    doc["variables"].update(uuid=f"mode-{enc}-{ev}",
                                            caller_id_name=name,
                                            last_arg="x" * 3000)
                    doc["callflow"][0]["caller_profile"][
                        "caller_id_name"] = name
                    body, ctype = fsencode.body(doc, enc, ev)
                    # The url as json_cdr.conf.xml gives it, and the
                    # "?uuid=" mod_json_cdr.c:377 appends to it.
                    st, _, r = s.call(
                        "POST", "/v1/cdr/freeswitch?source=fs1"
                        f"?uuid=mode-{enc}-{ev}", raw=body, headers={
                            "Authorization": basic, "Content-Type": ctype,
                            "User-Agent": "freeswitch-json/1.0"})
                    expect(st == 201 and r["fields_dropped"] == 1,
                           (enc, ev, st, r))
                    ids.append(r["interaction"])
            person(s, root, "SV", "supervisor")
            sv = s.login("SV", PW)
            for i in ids:
                st, _, r = s.call("GET", f"/v1/interactions/{i}", token=sv)
                expect(st == 200 and r["fields"]["caller_id_name"] == name
                       and "last_arg" not in r["fields"], r)
            st, _, r = s.call("GET", "/v1/interactions?phone=%2B4930123456789",
                              token=sv)
            expect(st == 200 and {x["interaction"] for x in r["items"]} >= set(ids),
                   r)


@test
def certificate_reload():
    """SIGHUP reloads the certificate and cxvault.conf without dropping the
    socket; a broken config is refused and the server goes on"""
    import ssl
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            old = s.ctx
            cert, key = (os.path.join(d, "tls", f) for f in
                         ("cert.pem", "key.pem"))
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                            "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "2",
                            "-subj", "/CN=reloaded", "-addext",
                            "subjectAltName=IP:127.0.0.1"],
                           check=True, capture_output=True)
            os.chmod(key, 0o600)
            set_config(d, lockout_failures=2)
            s.proc.send_signal(1)
            fresh = ssl.create_default_context(cafile=cert)
            for _ in range(100):
                s.ctx = fresh
                try:
                    if s.call("GET", "/v1/health")[0] == 200:
                        break
                except ssl.SSLError:
                    time.sleep(0.1)
            else:
                raise AssertionError("new certificate not served")
            # The new generation serves before the old one has stopped:
            # the reload is done when the log says so.
            log = os.path.join(d, "logs", "cxvault.log")
            for _ in range(100):
                if "event=server.reload result=ok" in open(log).read():
                    break
                time.sleep(0.1)
            else:
                raise AssertionError("reload not logged")
            s.ctx = old
            try:
                s.call("GET", "/v1/health")
                raise AssertionError("old certificate still served")
            except ssl.SSLError:
                pass
            s.ctx = fresh
            for i in range(2):
                s.call("POST", "/v1/sessions", {"name": "root",
                                                "password": f"no {i}"})
            r = s.call("POST", "/v1/sessions", {"name": "root",
                                                "password": ADMIN_PW})
            expect(r[0] == 429, f"new lockout_failures not applied: {r}")
            with open(os.path.join(d, "cxvault.conf"), "a") as f:
                f.write("no_such_key = 1\n")
            s.proc.send_signal(1)
            time.sleep(0.5)
            expect(s.call("GET", "/v1/health")[0] == 200, "still serving")
            log = open(os.path.join(d, "logs", "cxvault.log")).read()
            expect("event=server.reload result=invalid" in log, log[-500:])


@test
def reloads_under_load_drop_nothing():
    """Reloads while clients connect lose no connection: the old
    generation's daemon is stopped only after it stayed idle (it could
    accept one more connection just after it was told to stop, and cut
    it in its handshake)"""
    import signal
    import threading
    # Each accept 30 ms late (tests/integration/slow_accept.c) makes that
    # window wide: before the fix, 4 to 10 of some 300 requests failed in
    # 6 of 7 runs.
    shim = os.environ.get("CXV_TEST_SLOW_ACCEPT", "")
    with TempDir() as tmp:
        d = api_vault(tmp, http_workers=4)
        with Server(d, env={"LD_PRELOAD": shim} if shim else None) as s:
            done, errors, served = threading.Event(), [], [0]

            def client():
                while not done.is_set():
                    try:
                        expect(s.call("GET", "/v1/health")[0] == 200,
                               "health")
                        served[0] += 1
                    except Exception as e:  # noqa: BLE001 - all count
                        errors.append(repr(e)[:200])
            clients = [threading.Thread(target=client) for _ in range(4)]
            for c in clients:
                c.start()
            log = os.path.join(d, "logs", "cxvault.log")

            def reloads():
                with open(log) as f:
                    return f.read().count("event=server.reload result=ok")
            # HUPs sent during a reload count once: HUP for 6 s, and on
            # until 5 reloads are done however long one takes here.
            start = time.monotonic()
            try:
                while (time.monotonic() < start + 6 or reloads() < 5) and \
                        time.monotonic() < start + 180:
                    s.proc.send_signal(signal.SIGHUP)
                    time.sleep(0.15)
            finally:
                done.set()
                for c in clients:
                    c.join()
            expect(reloads() >= 5, f"{reloads()} reloads in 180 s")
            expect(errors == [], f"{len(errors)} of {served[0]} requests "
                   f"failed: {errors[:3]}")
            expect(served[0] > 40, f"only {served[0]} requests served")


@test
def calling_list_upload_and_disabled_accounts():
    """A calling list uploaded as CSV names each rejected line (R1.6); a
    disabled account cannot log in and its sessions end"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            st, _, camp = s.call("POST", "/v1/campaigns", {"name": "Spring"},
                                 token=root)
            # The id made is the one answered (it once read 0).
            expect(st == 201 and camp["campaign"] > 0, camp)
            st, _, con = s.call("POST", "/v1/contacts", {
                "first_name": "Cora", "phone": "+49 30 3333333"}, token=root)
            expect(st == 201 and con["contact"] > 0, con)
            csv = (b"Number,Name,Region\n+49 30 1111111,Ann Arbor,north\n"
                   b"not a number,Bad Line,south\n,No Number,east\n"
                   b"+49 30 2222222,Ben Brook,west\n")
            st, _, doc = s.call("POST", f"/v1/campaigns/{camp['campaign']}"
                                "/import", raw=csv, token=root,
                                headers={"Content-Type": "text/csv"})
            expect(st == 200 and doc["imported"] == 2 and
                   doc["rejected"] == 2 and [e["line"] for e in
                                             doc["errors"]] == [3, 4], doc)
            expect(b"Bad Line" not in json.dumps(doc).encode(), doc)
            st, _, doc = s.call("POST", "/v1/campaigns/999/import",
                                raw=csv, token=root)
            expect(st == 404, doc)
            st, _, doc = s.call("POST", f"/v1/campaigns/{camp['campaign']}"
                                "/import", raw=b"who,what\nx,y\n",
                                token=root)
            expect(st == 400, doc)
            uid = person(s, root, "D1", "agent")
            tok = s.login("D1", PW)
            st, _, doc = s.call("PUT", f"/v1/users/{uid}/status",
                                {"status": "asleep"}, token=root)
            expect(st == 400, doc)
            st, _, doc = s.call("PUT", f"/v1/users/{uid}/status",
                                {"status": "disabled"}, token=root)
            expect(st == 200 and doc["status"] == "disabled", doc)
            expect(s.call("GET", "/v1/session", token=tok)[0] == 401,
                   "the session outlived the account")
            r = s.call("POST", "/v1/sessions", {"name": "D1", "password": PW})
            expect(r[0] == 403 and error_code(r) == "login_refused", r)
            st, _, doc = s.call("PUT", f"/v1/users/{uid}/status",
                                {"status": "active"}, token=root)
            expect(st == 200, doc)
            expect(s.login("D1", PW), "enabled again")
        audit = ok("audit", "list", "--data", d).out
        expect('"user.disable"' in audit and '"user.enable"' in audit,
               "audited")


if __name__ == "__main__":
    main()
