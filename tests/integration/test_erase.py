# SPDX-License-Identifier: Apache-2.0
"""R6.1-R6.5, R6.8, DESIGN 3: one request erases a person from every
store, physically, with a receipt whose counts match, and the key is
destroyed so that a copy of their content kept aside cannot be opened."""
import datetime
import json
import os
import random
import shutil
import subprocess
import threading
import time

from harness import (ADMIN_PW, BIN, ON_PG, PG_URL, Server, Skip, TempDir,
                     api_vault, cx, db_rows, expect, fails, files_containing,
                     main, new_vault, ok, pg_files_containing, read_config,
                     test)
from people import MASTER, person_everywhere


@test
def erase_everywhere_with_receipt():
    """R6.3-R6.5/R6.8: every store, counts in the receipt, nothing left"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid, calls = person_everywhere(d, tmp)
        # R9.1: find lists every record in every store.
        hits = [json.loads(l) for l in ok(
            "subject", "find", "--data", d, "--phone", "030 123456789",
            "--records").out.splitlines()]
        stores = {}
        for h in hits[1:]:
            stores[h["store"]] = stores.get(h["store"], 0) + 1
        expect(hits[0] == {"subject": sid}, hits[0])
        expect(stores == {"interaction": 5, "data_item": 1, "content": 1,
                          "call_log": 3, "contact": 1, "campaign_entry": 1,
                          "campaign_result": 1, "charge": 1,
                          "statistics": 5}, stores)
        # R9.1: narrowed to a date range and a media.
        chats = [json.loads(l) for l in ok(
            "subject", "find", "--data", d, "--phone", "030 123456789",
            "--records", "--media", "chat").out.splitlines()][1:]
        expect([h["store"] for h in chats] == ["interaction"] and
               chats[0]["media"] == "chat", chats)
        none = ok("subject", "find", "--data", d, "--phone", "030 123456789",
                  "--records", "--until", "2000-01-01").out.splitlines()
        expect(none[1:] == [], none)
        r = ok("subject", "erase", "--data", d, str(sid), "--dnc",
               "--reason", "consent_withdrawn")
        rc = json.loads(r.out)
        got = rc["erased"]
        expect(rc["subject"] == sid and rc["actor"].startswith("local:"), rc)
        expect(got["interactions"] == 5 and got["interaction_steps"] == 11,
               got)   # 2 inbound + 1 outbound call, a chat, an email
        expect(got["content"] == 1 and
               got["content_bytes"] == len(b"RIFF-Jane-Doe-recording") * 4096,
               got)
        expect(got["data_items"] == 1 and got["call_log_entries"] == 3, got)
        expect(got["campaign_entries"] == 1 and got["campaign_results"] == 1,
               got)
        expect(got["contacts"] == 1 and got["charges"] == 1, got)
        expect(got["statistics"] == 5 and got["identifiers"] == 4, got)
        # Nothing of her is left anywhere.
        fails(cx("subject", "show", "--data", d, str(sid)), 1,
              "no such subject")
        expect(ok("subject", "find", "--data", d, "--phone", "030 123456789",
                  "--records").out == "", "find still finds her")
        expect(ok("interaction", "list", "--data", d, "--phone",
                  "+4930123456789").out == "", "interactions left")
        expect(os.listdir(os.path.join(d, "content")) == [], "file left")
        for agent in ("A0100", "A0101"):
            log = ok("calllog", "show", "--data", d, "--agent", agent).out
            expect("Jane" not in log and "4930123456789" not in log, log)
        show = json.loads(ok("campaign", "show", "--data", d, "Winback").out)
        expect([e["name"] for e in show["entries"]] == ["Max Mustermann"] and
               show["results"] == [], show)
        expect(ok("contact", "list", "--data", d).out == "", "contact left")
        expect(json.loads(ok("charge", "list", "--data", d, "--room", "7")
                          .out)["calls"] == 0, "charge left")
        stats = sum(json.loads(l)["calls"] for l in
                    ok("stats", "--data", d).out.splitlines())
        # Others' calls remain, the withheld caller's too (issue 26).
        expect(stats == 7 - 4 + 1 + 1, stats)
        # DNC keeps her number as a blind index only.
        expect(json.loads(ok("dnc", "check", "--data", d, "--phone",
                             "030 123456789").out)["listed"], "not on DNC")
        r = cx("import", "campaign", "--data", d, "--campaign", "Winback",
               lst_path(tmp))
        expect(json.loads(r.out)["dnc_skipped"] == 1, r.out)
        # The audit trail holds the receipt's act, and still verifies.
        acts = [json.loads(l) for l in
                ok("audit", "list", "--data", d).out.splitlines()]
        expect(any(a["action"] == "subject.erase" and
                   a["object_id"] == str(sid) for a in acts), "no audit")
        ok("audit", "verify", "--data", d)
        # No byte of her in any file.
        hits = files_containing(d, [b"4930123456789", b"Jane", b"jane",
                                    b"90817263", b"RIFF-Jane"])
        expect(hits == [], f"left on disk: {hits}")
        # Erasing twice: clear error, no second receipt.
        fails(cx("subject", "erase", "--data", d, str(sid), "--reason",
                 "objection"), 1,
              "no such subject")


def older_transaction(seconds):
    """Another database's transaction on the test cluster, open for
    seconds from the moment this returns: it could still see rows an
    erasure deletes meanwhile."""
    other = subprocess.Popen(
        ["psql", PG_URL.replace("{db}", "postgres"), "-qAt", "-c", "BEGIN",
         "-c", "SELECT txid_current()", "-c", f"SELECT pg_sleep({seconds})",
         "-c", "COMMIT"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    other.stdout.readline()     # its xid: the transaction has begun
    return other


def partition_files(d):
    """{partition of subject: its file node}."""
    return dict(db_rows(d, "SELECT relname, pg_relation_filenode(oid) FROM "
                        "pg_class WHERE relname LIKE 'subject_p__' AND "
                        "relkind = 'r'"))


@test
def postgresql_table_files_after_erasure():
    """Issue 7, 28.2 (DESIGN 3): on PostgreSQL the erased person's wrapped
    key is in the database's files before the erasure and gone from them
    by the receipt's key_destroyed_by, also while another database of the
    cluster has a transaction open; only its partition of the key table
    is rewritten (blind indexes and the WAL: docs/scaling.md)"""
    if not ON_PG:
        raise Skip("PostgreSQL only (SQLite: secure_delete, test_vault)")
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid, _ = person_everywhere(d, tmp)
        key, part = db_rows(d, "SELECT wrapped_key, tableoid::regclass "
                            "FROM subject WHERE id = ?", (sid,))[0]
        needles = [key] + [r[0] for r in db_rows(
            d, "SELECT bidx FROM subject_ident WHERE subject_id = ?", (sid,))]
        db_rows(d, "CHECKPOINT")  # the pages written to the table files
        found = {n for _, n in pg_files_containing(d, needles, wal=False)}
        expect(found == set(needles), f"{len(found)} of {len(needles)} "
               "found before: the scan would miss them")
        before = partition_files(d)
        expect(len(before) == 64 and part in before, before)
        # Another application's transaction on the same cluster, begun
        # before the erasure and open for 3 s: a rewrite while it runs
        # would keep the deleted row (it could still see it).
        other = older_transaction(3)
        t0 = time.monotonic()
        receipt = json.loads(ok("subject", "erase", "--data", d, str(sid),
                                "--reason", "consent_withdrawn").out)
        took = time.monotonic() - t0
        other.communicate(timeout=30)
        left = pg_files_containing(d, [key], wal=False)
        expect(left == [], f"the wrapped key left in the table files: {left}")
        expect(took > 1.5, f"the erasure did not wait for the older "
               f"transaction ({took:.2f} s)")
        at, by = (datetime.datetime.fromisoformat(receipt[k].rstrip("Z"))
                  for k in ("erased_at", "key_destroyed_by"))
        expect(datetime.timedelta(0) < by - at <= datetime.timedelta(
            seconds=70), receipt)
        after = partition_files(d)
        expect([p for p in before if before[p] != after[p]] == [part],
               f"rewritten: {[p for p in before if before[p] != after[p]]}")
        # Transactions begun after the erasure are not waited for: with
        # reads coming back to back (finds keep coming on a live site),
        # the next erasure still answers at once.
        ok("interaction", "add", "--data", d, "--media", "chat", "--phone",
           "+4930999888777", "--start", "2026-11-05T10:00:00Z",
           "--outcome", "answered")
        other = json.loads(ok("subject", "find", "--data", d, "--phone",
                              "+4930999888777").out)["subject"]
        loop = ["psql", read_config(d)["store"], "-qAt"] + [
            a for _ in range(40) for a in (
                "-c", "BEGIN ISOLATION LEVEL REPEATABLE READ",
                "-c", "SELECT count(*), pg_sleep(0.1) FROM subject",
                "-c", "COMMIT")]
        readers = [subprocess.Popen(loop, stdout=subprocess.DEVNULL)
                   for _ in range(3)]
        time.sleep(0.5)
        t0 = time.monotonic()
        ok("subject", "erase", "--data", d, str(other), "--reason",
           "objection")
        took = time.monotonic() - t0
        for r in readers:
            r.wait(60)
        expect(took < 2, f"the erasure waited {took:.2f} s for later reads")


@test
def postgresql_api_erasure_answers_before_the_rewrite():
    """Issue 28.2: through the server an erasure answers after its commit;
    the server's shredder rewrites the key's partition once older
    transactions end, by the receipt's key_destroyed_by; the queued
    rewrite survives a restart of the server"""
    if not ON_PG:
        raise Skip("PostgreSQL only (SQLite overwrites the key in the "
                   "erasure's own transaction)")
    with TempDir() as tmp:
        d = api_vault(tmp)
        sid = ok("subject", "add", "--data", d, "--phone",
                 "+4930555000111").out.strip()
        key, part = db_rows(d, "SELECT wrapped_key, tableoid::regclass "
                            "FROM subject WHERE id = ?", (int(sid),))[0]
        db_rows(d, "CHECKPOINT")
        expect(pg_files_containing(d, [key], wal=False) != [],
               "the key is not in the files before: the scan would miss it")
        before = partition_files(d)[part]
        other = older_transaction(6)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            s.make_user(root, "DPO1", "auditor", "dpo pass phrase 2026")
            dpo = s.login("DPO1", "dpo pass phrase 2026")
            t0 = time.monotonic()
            st, _, rec = s.call("POST", f"/v1/subjects/{sid}/erase",
                                {"reason": "consent_withdrawn"}, token=dpo)
            took = time.monotonic() - t0
            expect(st == 200 and rec["subject"] == int(sid), rec)
            expect(took < 2, f"the erasure waited {took:.2f} s for an "
                   "older transaction")
            time.sleep(0.5)     # passes of the shredder, all held back
            expect(db_rows(d, "SELECT part FROM shred") == [(int(part[-2:]),)],
                   "the rewrite is not queued")
        # Stopped with the rewrite still due: the queue keeps it.
        expect(db_rows(d, "SELECT count(*) FROM shred") == [(1,)],
               "the queued rewrite was lost with the server")
        expect(partition_files(d)[part] == before,
               "rewritten while an older transaction could see the key")
        other.communicate(timeout=30)
        with Server(d):
            deadline = time.monotonic() + 10
            while db_rows(d, "SELECT count(*) FROM shred") != [(0,)]:
                expect(time.monotonic() < deadline, "never rewritten")
                time.sleep(0.1)
        done = datetime.datetime.utcnow()
        expect(done <= datetime.datetime.fromisoformat(
            rec["key_destroyed_by"].rstrip("Z")), (done, rec))
        expect(partition_files(d)[part] != before, "not rewritten")
        left = pg_files_containing(d, [key], wal=False)
        expect(left == [], f"the wrapped key left in the table files: {left}")


@test
def postgresql_merge_queues_the_dropped_key():
    """Issue 28.2 (docs/scaling.md): a merge deletes the other person's
    key like an erasure; on PostgreSQL its partition's rewrite is queued,
    and the next server start does it: the dropped key is then in no
    table file"""
    if not ON_PG:
        raise Skip("PostgreSQL only (SQLite: secure_delete)")
    with TempDir() as tmp:
        d = api_vault(tmp)
        keep = ok("subject", "add", "--data", d, "--phone",
                  "+4930555000222").out.strip()
        other = ok("subject", "add", "--data", d, "--email",
                   "merged@example.org").out.strip()
        key, part = db_rows(d, "SELECT wrapped_key, tableoid::regclass "
                            "FROM subject WHERE id = ?", (int(other),))[0]
        ok("subject", "merge", "--data", d, keep, other)
        expect(db_rows(d, "SELECT part FROM shred") == [(int(part[-2:]),)],
               "the merge queued no rewrite of the dropped key")
        db_rows(d, "CHECKPOINT")
        expect(pg_files_containing(d, [key], wal=False) != [],
               "the dropped key is not in the files: the scan would miss it")
        with Server(d):
            deadline = time.monotonic() + 10
            while db_rows(d, "SELECT count(*) FROM shred") != [(0,)]:
                expect(time.monotonic() < deadline, "never rewritten")
                time.sleep(0.1)
        left = pg_files_containing(d, [key], wal=False)
        expect(left == [], f"the dropped key left in the table files: {left}")


# Schema 21 undone: the foreign keys name subject again, no subject_id.
TO_SCHEMA_20 = """
DO $$ DECLARE c record; BEGIN
  FOR c IN SELECT conrelid::regclass::text AS t, conname,
      pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE confrelid = 'subject_id'::regclass AND contype = 'f' LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.t, c.conname,
      replace(c.def, 'REFERENCES subject_id(id)', 'REFERENCES subject(id)'));
  END LOOP;
END $$;
DROP TRIGGER subject_id_add ON subject;
DROP TRIGGER subject_id_drop ON subject;
DROP FUNCTION subject_id_add();
DROP FUNCTION subject_id_drop();
DROP FUNCTION subject_changed() CASCADE;
DROP SEQUENCE subject_changed;
DROP TABLE subject_id;
UPDATE cxv_schema SET version = 20
"""


def foreign_keys(d):
    """{(table, constraint): the table it names} of the keys naming
    people."""
    return {(t, c): to for t, c, to in db_rows(
        d, "SELECT conrelid::regclass::text, conname, "
        "confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
        "AND conparentid = 0 AND confrelid::regclass::text IN "
        "('subject', 'subject_id')")}


@test
def postgresql_schema_20_vault_migrates_its_foreign_keys():
    """Issue 28.1: a PostgreSQL vault of schema 20, whose records' foreign
    keys named the 64-partition key table, opens migrated: each person's
    id is in subject_id, every one of those keys names it instead, and an
    erasure still takes every record of the person (through the trigger
    that keeps subject_id in step)"""
    if not ON_PG:
        raise Skip("PostgreSQL only: SQLite's foreign keys are unchanged")
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid, _ = person_everywhere(d, tmp)
        now = foreign_keys(d)
        expect(len(now) == 11 and set(now.values()) == {"subject_id"}, now)
        db_rows(d, TO_SCHEMA_20)
        expect(set(foreign_keys(d).values()) == {"subject"}, "not undone")
        people = sorted(r[0] for r in db_rows(d, "SELECT id FROM subject"))
        expect(len(people) >= 3 and sid in people, people)
        status = json.loads(ok("status", "--data", d).out)
        expect(status["schema_version"] == 22, status)
        expect(foreign_keys(d) == now, foreign_keys(d))
        # 21 -> 22: one count of keys and identifiers changed.
        expect(db_rows(d, "SELECT DISTINCT tgname, tgrelid::regclass::text "
                       "FROM pg_trigger WHERE tgname LIKE '%changed' "
                       "ORDER BY 1") ==
               [("subject_changed", "subject"),
                ("subject_ident_changed", "subject_ident")],
               "the triggers of subject_changed")
        expect(sorted(r[0] for r in db_rows(d, "SELECT id FROM subject_id"))
               == people, "ids not carried over")
        others = db_rows(d, "SELECT count(*) FROM interaction WHERE "
                         "subject_id <> ?", (sid,))[0][0]
        rc = json.loads(ok("subject", "erase", "--data", d, str(sid),
                           "--reason", "objection").out)
        expect(rc["erased"]["interactions"] == 5, rc)
        for table in ("subject_id", "subject_ident", "interaction",
                      "call_log", "content", "contact", "charge"):
            expect(db_rows(d, f"SELECT count(*) FROM {table} WHERE "
                           f"{'id' if table == 'subject_id' else 'subject_id'}"
                           " = ?", (sid,)) == [(0,)], f"{table} keeps her")
        expect(db_rows(d, "SELECT count(*) FROM interaction") == [(others,)],
               "others' records lost")
        ok("audit", "verify", "--data", d)


def cdr_line(i, rnd, callers):
    """Line i of an Asterisk Master.csv load: a call from one of callers
    numbers drawn by rnd, a second after call i - 1."""
    c = rnd.randrange(callers)
    t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1793600000 + i))
    return (f'"","+4940{c:07d}","100","from-trunk",'
            f'"""Caller {c}"" <+4940{c:07d}>","PJSIP/t-{i}",'
            f'"PJSIP/100-{i}","Dial","PJSIP/100","{t}","{t}","{t}",'
            f'0,0,"ANSWERED","DOCUMENTATION","load.{i}",""\n')


def feed_until(path, done, most=2000000):
    """Write CDR lines into the FIFO path until done is set (or most lines
    went), so that the reader imports for as long as the test needs."""
    rnd = random.Random(7)
    try:
        with open(path, "w") as f:
            for i in range(most):
                if done.is_set():
                    return
                f.write(cdr_line(i, rnd, 6000))
    except BrokenPipeError:
        return      # the import ended; the test says how


@test
def erase_during_an_import():
    """DESIGN 3/R6.8: erasures while another process imports leave no
    copy of the person's wrapped key in the database or its WAL (the log
    is truncated although the import keeps writing and checkpointing)"""
    if ON_PG:
        raise Skip("SQLite's WAL (PostgreSQL: "
                   "postgresql_table_files_after_erasure)")
    with TempDir() as tmp:
        d = new_vault(tmp)
        sids = [int(ok("subject", "add", "--data", d, "--phone",
                       f"+49 30 555000{i}").out) for i in range(4)]
        keys = {sid: db_rows(d, "SELECT wrapped_key FROM subject WHERE "
                             "id = ?", (sid,))[0][0] for sid in sids}
        # A FIFO the test keeps writing to: the import lasts until the
        # erasures are done, however fast this machine imports.
        load = os.path.join(tmp, "load.csv")
        os.mkfifo(load)
        done = threading.Event()
        feeder = threading.Thread(target=feed_until, args=(load, done))
        feeder.start()
        imp = subprocess.Popen([BIN, "import", "cdr", "--data", d,
                                "--format", "asterisk-csv", load],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
        try:
            time.sleep(1.0)
            for sid in sids:
                expect(imp.poll() is None, "the import ended too soon")
                expect(files_containing(d, [keys[sid]]) != [],
                       "the key is not found before: the scan would miss it")
                ok("subject", "erase", "--data", d, str(sid), "--reason",
                   "consent_withdrawn")
                left = files_containing(d, [keys[sid]])
                expect(left == [], f"subject {sid}: key left in {left}")
                time.sleep(0.2)
        finally:
            done.set()
            _, err = imp.communicate(timeout=300)
            if feeder.is_alive():   # the import never opened the FIFO
                os.close(os.open(load, os.O_RDONLY | os.O_NONBLOCK))
            feeder.join()
        expect(imp.returncode == 0, err)
        expect(int(db_rows(d, "SELECT count(*) FROM interaction")[0][0])
               > 0, "the import wrote nothing")
        ok("audit", "verify", "--data", d)


def lst_path(tmp):
    return os.path.join(tmp, "list.csv")


@test
def copy_aside_is_unreadable():
    """DESIGN 3: content copied aside before erasure cannot be read after"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid, calls = person_everywhere(d, tmp)
        name = os.listdir(os.path.join(d, "content"))[0]
        cid = [json.loads(l) for l in ok("audit", "list", "--data", d)
               .out.splitlines() if '"content.create"' in l][0]["object_id"]
        aside = os.path.join(tmp, "aside")
        shutil.copy(os.path.join(d, "content", name), aside)
        ok("subject", "erase", "--data", d, str(sid), "--reason", "objection")
        # Put the old file back, as an attacker with a backup would.
        shutil.copy(aside, os.path.join(d, "content", name))
        fails(cx("content", "get", "--data", d, cid, "--out", "-"), 1,
              "no such content")
        # Even given the old row, the key is gone: nothing opens it.
        expect(files_containing(d, [b"RIFF-Jane"]) == [], "plaintext")


@test
def erase_an_agent():
    """R6.1: erasing a user removes the account, its own list and log"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("user", "add", "--data", d, "--logon", "A0100", "--first-name",
           "Anna", "--extension", "100")
        ok("contact", "add", "--data", d, "--owner", "A0100", "--first-name",
           "Friend", "--phone", "+4930777777")
        cx("import", "cdr", "--data", d, "--format", "asterisk-csv", MASTER)
        anna = json.loads(ok("user", "show", "--data", d, "A0100").out)
        rc = json.loads(ok("subject", "erase", "--data", d,
                           str(anna["subject"]), "--reason",
                           "no_longer_necessary").out)["erased"]
        # Her log, and the withheld caller's call filed under her
        # (issue 26: it has no customer).
        expect(rc["users"] == 1 and rc["call_log_entries"] == 5 and
               rc["interactions"] == 1 and rc["contacts"] == 1, rc)
        fails(cx("user", "show", "--data", d, "A0100"), 1, "no such user")
        # The customers' calls stay, without their agent.
        calls = [json.loads(l) for l in ok(
            "interaction", "list", "--data", d, "--phone", "+4930123456789")
            .out.splitlines()]
        expect(len(calls) == 2 and all(c["agent"] is None for c in calls),
               calls)


@test
def skeletons_for_reporting():
    """R6.3 with erase_keep_skeletons = yes: the calls an agent handled stay
    as skeletons (times, outcome, agent, trail), every value of the
    person gone; calls without an agent go whole"""
    from harness import set_config
    with TempDir() as tmp:
        d = new_vault(tmp)
        set_config(d, erase_keep_skeletons="yes")
        sid, calls = person_everywhere(d, tmp)
        before = [json.loads(l) for l in ok(
            "interaction", "list", "--data", d, "--agent", "A0100")
            .out.splitlines()]
        jane = [c for c in before if c["subject"] == sid]
        expect(len(jane) == 2, before)
        rc = json.loads(ok("subject", "erase", "--data", d, str(sid),
                           "--reason", "objection").out)["erased"]
        expect(rc["interactions_kept_as_skeletons"] == 3 and
               rc["interactions"] == 5, rc)
        after = [json.loads(l) for l in ok(
            "interaction", "list", "--data", d, "--agent", "A0100")
            .out.splitlines()]
        kept = [c for c in after if c["subject"] == 1]
        expect(sorted(c["started"] for c in kept) ==
               sorted(c["started"] for c in jane), after)
        shown = json.loads(ok("interaction", "show", "--data", d,
                              str(kept[0]["interaction"])).out)
        expect(shown["fields"] == {} and shown["items"] == [] and
               shown["trail"] and shown["outcome"] == "answered", shown)
        exported = ok("export", "cdr", "--data", d).out
        expect(exported.count("\n") == 1 + len(after) + 3, exported)
        expect(files_containing(d, [b"Jane Doe", b"4930123456789",
                                    b"90817263"]) == [], "values left")


if __name__ == "__main__":
    main()
