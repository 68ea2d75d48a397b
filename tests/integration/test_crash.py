# SPDX-License-Identifier: Apache-2.0
"""Issue 10 (reliability): cxvault serve is killed with SIGKILL at random
moments while a feed ingests CDRs (the vault's own and, issue 27.3,
FreeSWITCH's mod_json_cdr posts as it sends them) and a DPO erases people. After each
kill the database passes PRAGMA integrity_check; after each restart
every CDR the feed saw acknowledged is there, and every person is either
wholly present (no receipt) or wholly erased (with a receipt)."""
import base64
import http.client
import os
import random
import threading
import time
from urllib.parse import quote

import fsencode
from harness import (ADMIN_PW, ON_PG, Server, TempDir, api_vault, db_rows,
                     expect, main, test)

PEOPLE = 300
CALLS_EACH = 2
ROUNDS = 15
SEED = int(os.environ.get("CXV_CRASH_SEED", "0")) or random.randrange(1 << 30)


class Client:
    """One keep-alive HTTPS connection; raises OSError once the server
    is gone (the request is then unacknowledged)."""

    def __init__(self, s, token, basic=False):
        self.s, self.token, self.conn = s, token, None
        # mod_json_cdr sends the token as a Basic password (cred=).
        self.auth = ("Basic " + base64.b64encode(
            b"ingest:" + token.encode()).decode() if basic else
            "Bearer " + token)

    def call(self, method, path, body=None, raw=None, ctype=None):
        import json
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(
                "127.0.0.1", self.s.port, context=self.s.ctx, timeout=30)
        h = {"Authorization": self.auth}
        data = raw
        if body is not None:
            data, ctype = json.dumps(body).encode(), "application/json"
        if ctype:
            h["Content-Type"] = ctype
        try:
            self.conn.request(method, path, body=data, headers=h)
            resp = self.conn.getresponse()
            payload = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            self.conn = None
            raise OSError(str(e)) from e
        if resp.getheader("Content-Type", "").startswith("application/json"):
            payload = json.loads(payload)
        return resp.status, payload


def phone(kind, n):
    return f"+49 30 {kind}{n:06d}"


def cdr(uid, caller, start):
    return {"id": uid, "caller": caller, "callee": "100",
            "start": start, "answer": start,
            "end": start.replace(":00Z", ":30Z"), "outcome": "answered"}


def fs_cdr(uid, caller):
    """A mod_json_cdr post with encode=true, as FreeSWITCH sends it."""
    return fsencode.body({"variables": {
        "uuid": uid, "caller_id_number": caller, "destination_number": "100",
        "start_epoch": "1795168800", "answer_epoch": "1795168800",
        "end_epoch": "1795168830", "hangup_cause": "NORMAL_CLEARING"}},
        "true")


def tokens(s):
    root = s.login("root", ADMIN_PW)
    feed = s.feed_token(root, "cdr.ingest", "content.write")
    s.make_user(root, "DPO1", "auditor", "dpo pass phrase 2026")
    return feed, s.login("DPO1", "dpo pass phrase 2026")


def populate(s, feed):
    """PEOPLE callers with CALLS_EACH calls and one recording each."""
    c = Client(s, feed)
    for p in range(PEOPLE):
        for k in range(CALLS_EACH):
            st, doc = c.call("POST", "/v1/cdr", cdr(
                f"p{p}-{k}", phone(5, p),
                f"2026-11-{10 + k:02d}T09:{p % 60:02d}:00Z"))
            expect(st == 201, f"populate: {st} {doc}")
        st, doc = c.call("POST", f"/v1/interactions/{doc['interaction']}"
                         "/content?kind=recording",
                         raw=os.urandom(32 * 1024),
                         ctype="application/octet-stream")
        expect(st == 201, f"content: {st} {doc}")


def subject_of(c, p):
    st, doc = c.call("GET", "/v1/subjects?phone=" + quote(phone(5, p)))
    expect(st == 200, f"find: {st} {doc}")
    ids = [x["subject"] for x in doc["items"]]
    return ids[0] if ids else None


def whole(c, sid):
    """The person's records: (interactions, content items)."""
    st, doc = c.call("GET", f"/v1/subjects/{sid}/records?limit=1000")
    expect(st == 200, f"records: {st} {doc}")
    stores = [r["store"] for r in doc["items"]]
    return stores.count("interaction"), stores.count("content")


class Load:
    """The feed and the DPO at work until the server dies."""

    def __init__(self, s, feed, dpo, rnd, todo, sids):
        self.s, self.feed, self.dpo = s, feed, dpo
        self.rnd, self.todo, self.sids = rnd, todo, sids
        self.acked, self.erased, self.unsure = [], [], []
        self.acked_fs = 0
        self.threads = [threading.Thread(target=self.ingest),
                        threading.Thread(target=self.ingest_freeswitch),
                        threading.Thread(target=self.erase)]

    def ingest(self):
        c, n = Client(self.s, self.feed), 0
        while True:
            try:
                st, doc = c.call("POST", "/v1/cdr", cdr(
                    f"r{self.rnd}-{n}", phone(7, self.rnd * 10000 + n),
                    "2026-11-20T10:00:00Z"))
            except OSError:
                return
            expect(st == 201, f"ingest: {st} {doc}")
            self.acked.append(doc["interaction"])
            n += 1

    def ingest_freeswitch(self):
        c, n = Client(self.s, self.feed, basic=True), 0
        while True:
            body, ctype = fs_cdr(f"fs{self.rnd}-{n}",
                                 phone(8, self.rnd * 10000 + n))
            try:
                st, doc = c.call("POST", "/v1/cdr/freeswitch?uuid="
                                 f"fs{self.rnd}-{n}", raw=body, ctype=ctype)
            except OSError:
                return
            expect(st == 201, f"freeswitch: {st} {doc}")
            self.acked.append(doc["interaction"])
            self.acked_fs += 1
            n += 1

    def erase(self):
        c = Client(self.s, self.dpo)
        rng = random.Random(SEED + self.rnd)
        while self.todo:
            p = self.todo[-1]
            try:
                st, doc = c.call("POST", f"/v1/subjects/{self.sids[p]}/erase",
                                 {"reason": "consent_withdrawn"})
            except OSError:
                self.unsure.append(self.todo.pop())
                return
            expect(st == 200, f"erase: {st} {doc}")
            self.erased.append(self.todo.pop())
            time.sleep(rng.uniform(0.005, 0.03))


def integrity(d):
    if not ON_PG:  # PostgreSQL checks its own pages as it reads them
        res = db_rows(d, "PRAGMA integrity_check")
        expect(res == [("ok",)], f"integrity_check: {res}")
    return {r[0] for r in db_rows(d, "SELECT subject_id FROM erasure")}


def check_person(c, sid, receipts, must=None):
    """Wholly erased with a receipt, or wholly present without one."""
    st, _ = c.call("GET", f"/v1/subjects/{sid}")
    if sid in receipts:
        expect(st == 404 and must != "present",
               f"subject {sid}: receipt but {st}")
    else:
        expect(st == 200 and must != "erased",
               f"subject {sid}: no receipt but {st} (must be {must})")
        expect(whole(c, sid) == (CALLS_EACH, 1), f"subject {sid} partial")


@test
def killed_at_random_moments():
    """SIGKILL during ingest and erasure, many rounds: integrity, every
    acknowledged CDR present, no erasure half-done, receipts only for
    completed ones"""
    print(f"# seed {SEED} (CXV_CRASH_SEED to repeat)", flush=True)
    rng = random.Random(SEED)
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            feed, dpo = tokens(s)
            populate(s, feed)
            c = Client(s, dpo)
            sids = [subject_of(c, p) for p in range(PEOPLE)]
        todo = list(range(PEOPLE))
        rng.shuffle(todo)
        all_acked, kills, cut, fs = [], 0, 0, 0
        for rnd in range(ROUNDS):
            with Server(d) as s:
                load = Load(s, feed, dpo, rnd, todo, sids)
                for t in load.threads:
                    t.start()
                time.sleep(rng.uniform(0.2, 1.2))
                s.proc.kill()
                for t in load.threads:
                    t.join(60)
                s.stop()
            kills += 1
            receipts = integrity(d)
            with Server(d) as s:
                c = Client(s, dpo)
                for ia in load.acked:
                    st, doc = c.call("GET", f"/v1/interactions/{ia}")
                    expect(st == 200, f"acknowledged CDR {ia} lost: {st}")
                for p in load.erased:
                    check_person(c, sids[p], receipts, must="erased")
                for p in load.unsure:
                    check_person(c, sids[p], receipts)
                    if sids[p] not in receipts:
                        todo.append(p)
            all_acked += load.acked
            fs += load.acked_fs
            cut += len(load.unsure)
        with Server(d) as s:
            c = Client(s, dpo)
            for p in range(PEOPLE):
                check_person(c, sids[p], receipts)
        print(f"# {kills} kills, {len(all_acked)} acknowledged CDRs "
              f"({fs} of them FreeSWITCH posts), "
              f"{len(receipts)} erasures, {cut} cut by a kill", flush=True)
        expect(len(all_acked) > ROUNDS and fs > ROUNDS and receipts,
               "the load did not run")


if __name__ == "__main__":
    main()
