# SPDX-License-Identifier: Apache-2.0
"""Issue 6, retention (R6.6, R6.9, DESIGN 7): policies per category run
on demand (and by the server), delete exactly what is older than kept
with its content files, honour legal holds, archive encrypted for
backup-and-delete, prune the audit trail behind an authenticated anchor,
and audit every run and change without personal data."""
import datetime
import json
import os

from harness import (ADMIN_PW, Server, TempDir, api_vault, cx, cx_at, db_rows,
                     expect, fails, main, new_vault, ok, test)

DAY = datetime.timedelta(days=1)
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def number(day):
    return f"+49301234{day:04d}"


def cdr_rows(days):
    """One answered call per day offset, from a distinct caller to agent
    extension 100, started day days and 12 hours ago (clear of the
    30-day boundary either way)."""
    rows = []
    for day in days:
        t = NOW - day * DAY - datetime.timedelta(hours=12)
        f = "%Y-%m-%d %H:%M:%S"
        rows.append(f'"","{number(day)}","100","from-trunk","","a","b",'
                    f'"Dial","x","{t.strftime(f)}","{t.strftime(f)}",'
                    f'"{(t + datetime.timedelta(seconds=60)).strftime(f)}",'
                    f'60,60,"ANSWERED","DOCUMENTATION","ret-{day}",""\n')
    return "".join(rows)


def later(days, *args):
    """cxvault run days from now (libfaketime), as if time had passed."""
    p = cx_at(f"+{days}d", *args)
    expect(p.returncode == 0, f"cxvault {args} at +{days}d: {p}")
    return p.stdout.decode()


def interaction_of(d, day):
    out = ok("interaction", "list", "--data", d, "--phone", number(day)).out
    return [json.loads(l) for l in out.splitlines()]


def content_files(d):
    return sorted(os.listdir(os.path.join(d, "content")))


def audit_entries(d, action):
    return [json.loads(l) for l in ok("audit", "list", "--data", d).out
            .splitlines() if f'"{action}"' in l]


def ninety_days(d, tmp):
    """Calls on each of the last 90 days; recordings on days 10, 45 and
    60; the caller of day 60 under legal hold. Returns {day: content
    file}."""
    ok("user", "add", "--data", d, "--logon", "A0100", "--extension", "100")
    csv = os.path.join(tmp, "m.csv")
    open(csv, "w").write(cdr_rows(range(90)))
    ok("import", "cdr", "--data", d, "--format", "asterisk-csv", csv)
    files = {}
    for day in (10, 45, 60):
        rec = os.path.join(tmp, f"r{day}.wav")
        open(rec, "wb").write(b"RIFF" + bytes([day]) * 5000)
        before = set(content_files(d))
        ok("import", "content", "--data", d, "--interaction",
           str(interaction_of(d, day)[0]["interaction"]), "--kind",
           "recording", rec)
        files[day] = (set(content_files(d)) - before).pop()
    held = json.loads(ok("subject", "find", "--data", d, "--phone",
                         number(60)).out)["subject"]
    ok("subject", "hold", "--data", d, str(held), "--on")
    return files


@test
def keep_30_of_90_days():
    """Must-show: data over 90 days, keep=30: exactly the older records
    and their content files are gone, the held person's stay, the audit
    counts them"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        files = ninety_days(d, tmp)
        for cat in ("interactions", "call_logs", "statistics"):
            ok("retention", "set", "--data", d, cat, "30 delete")
        dry = json.loads(ok("retention", "run", "--data", d,
                            "--dry-run").out)
        expect(dry["dry_run"] and dry["categories"]["interactions"] ==
               {"deleted": 59, "files": 1, "held": 1}, dry)
        expect(len(content_files(d)) == 3, "dry run deleted files")
        rep = json.loads(ok("retention", "run", "--data", d).out)
        c = rep["categories"]
        expect(c["interactions"] == {"deleted": 59, "files": 1, "held": 1},
               c["interactions"])
        expect(c["call_logs"]["deleted"] == 59 and
               c["call_logs"]["held"] == 1, c["call_logs"])
        expect(c["statistics"]["deleted"] == 60, c["statistics"])
        for day in range(90):
            left = interaction_of(d, day)
            expect(len(left) == (1 if day < 30 or day == 60 else 0),
                   f"day {day}: {left}")
        expect(content_files(d) == sorted([files[10], files[60]]),
               f"content: {content_files(d)} vs {files}")
        expect(db_rows(d, "SELECT count(*) FROM content")[0][0] == 2,
               "content rows")
        per_cat = {e["object_id"]: e["fields"]
                   for e in audit_entries(d, "retention.delete")}
        expect(per_cat["interactions"] == "deleted:59,files:1,held:1",
               per_cat)
        run = audit_entries(d, "retention.run")
        expect(len(run) == 1 and run[0]["fields"].startswith("deleted:178,"),
               run)
        expect(not [e for e in audit_entries(d, "retention")
                    if "+4930" in json.dumps(e)], "number in audit")
        again = json.loads(ok("retention", "run", "--data", d).out)
        expect(sum(v["deleted"] for v in again["categories"].values()) == 0,
               again)
        ok("audit", "verify", "--data", d)


@test
def content_policy_and_orphans():
    """Content kinds have their own policy (recordings by their own age);
    files a crash left without a row are swept"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        files = ninety_days(d, tmp)
        ok("subject", "hold", "--data", d, str(json.loads(ok(
            "subject", "find", "--data", d, "--phone", number(60)).out)
            ["subject"]), "--off")
        orphan = os.path.join(d, "content", "ab" * 16)
        open(orphan, "wb").write(b"sealed bytes of a crashed erasure")
        os.utime(orphan, (0, 0))
        ok("retention", "set", "--data", d, "recordings", "7 delete")
        rep = json.loads(ok("retention", "run", "--data", d).out)
        expect(rep["categories"]["recordings"]["deleted"] == 0 and
               rep["orphan_files"] == 1, rep)
        expect(not os.path.exists(orphan), "orphan kept")
        rep = json.loads(later(8, "retention", "run", "--data", d))
        expect(rep["categories"]["recordings"] ==
               {"deleted": 3, "files": 3, "held": 0}, rep)
        expect(content_files(d) == [], content_files(d))
        expect(len(interaction_of(d, 45)) == 1, "the call went too")


@test
def backup_and_delete_archives():
    """backup-and-delete: the expired records and their sealed content go
    into an encrypted archive first; nothing personal is readable in it"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ninety_days(d, tmp)
        arch = os.path.join(tmp, "arch")
        ok("retention", "set", "--data", d, "interactions",
           "30 backup-and-delete")
        conf = open(os.path.join(d, "cxvault.conf")).read().replace(
            "retention_archive_dir = \n", f"retention_archive_dir = {arch}\n")
        open(os.path.join(d, "cxvault.conf"), "w").write(conf)
        rep = json.loads(ok("retention", "run", "--data", d).out)
        expect(rep["categories"]["interactions"]["deleted"] == 59, rep)
        expect(rep["archive"].startswith(arch + "/retention-") and
               rep["archive"].endswith(".cxa"), rep)
        expect(os.listdir(arch) == [os.path.basename(rep["archive"])],
               os.listdir(arch))
        blob_name = rep["archive"]
        blob = open(blob_name, "rb").read()
        expect(len(blob) > 59 * 100, len(blob))
        for day in (31, 45, 89):
            for needle in (number(day).encode(), number(day)[1:].encode(),
                           b"RIFF", b"SQLite format"):
                expect(needle not in blob, f"{needle} readable in archive")
        info = json.loads(ok("backup", "verify", "--data", d,
                             rep["archive"]).out)
        # records.db and the sealed recording of day 45.
        expect(info["kind"] == "retention" and info["entries"] == 2 and
               info["content_files"] == 1, info)
        other = new_vault(tmp, "w")
        fails(cx("backup", "verify", "--data", other, rep["archive"]), 1,
              "master key")
        rep = json.loads(ok("retention", "run", "--data", d).out)
        expect(rep["archive"] is None and os.listdir(arch) ==
               [os.path.basename(blob_name)], rep)


@test
def audit_trail_pruned_behind_anchor():
    """The audit policy removes old entries; the rest still verifies from
    the authenticated anchor, and a further deletion is caught"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        for i in range(5):
            ok("subject", "add", "--data", d, "--phone", f"+4930555{i:04d}")
        ok("retention", "set", "--data", d, "audit", "30 delete")
        before = len(ok("audit", "list", "--data", d).out.splitlines())
        rep = json.loads(later(40, "retention", "run", "--data", d))
        gone = rep["categories"]["audit"]["deleted"]
        expect(gone == before - 1, f"{gone} of {before}")
        out = ok("audit", "verify", "--data", d).out
        expect("intact" in out, out)
        first = db_rows(d, "SELECT min(seq) FROM audit")[0][0]
        db_rows(d, "DELETE FROM audit WHERE seq = ?", (first,))
        r = cx("audit", "verify", "--data", d)
        expect(r.rc != 0 and "missing" in (r.out + r.err), r)


@test
def policies_checked_and_audited():
    """Bad categories and policies are refused with a clear message;
    every change is audited and rewrites cxvault.conf"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        fails(cx("retention", "set", "--data", d, "cdrs", "30 delete"), 2,
              "unknown category")
        for bad in ("30", "0 delete", "thirty delete", "30 shred",
                    "36501 delete", "30  delete"):
            fails(cx("retention", "set", "--data", d, "interactions", bad),
                  2, "POLICY must be")
        fails(cx("retention", "run", "--data", d, "extra"), 2,
              "wrong number of arguments")
        ok("retention", "set", "--data", d, "charges", "365 delete")
        shown = json.loads(ok("retention", "show", "--data", d).out)
        expect(shown["policies"]["charges"] == "365 delete" and
               shown["policies"]["interactions"] == "none" and
               shown["time_utc"] == "02:00", shown)
        expect("retention_charges = 365 delete" in
               open(os.path.join(d, "cxvault.conf")).read(), "conf")
        sets = audit_entries(d, "retention.set")
        expect([(e["object_id"], e["fields"]) for e in sets] ==
               [("charges", "365 delete")], sets)


@test
def over_the_api():
    """Administrators read, change (the server reloads) and run the
    policies over the API and purge the logs; others may not"""
    import time
    with TempDir() as tmp:
        d = api_vault(tmp)
        ninety_days(d, tmp)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            s.make_user(root, "SUP1", "supervisor", "sup pass phrase 2026")
            sup = s.login("SUP1", "sup pass phrase 2026")
            for m, p, b in (("GET", "/v1/retention", None),
                            ("PUT", "/v1/retention", {"category": "charges",
                                                      "policy": "1 delete"}),
                            ("POST", "/v1/retention/run", {}),
                            ("POST", "/v1/logs/purge", None)):
                st, _, doc = s.call(m, p, b, token=sup)
                expect(st == 403, f"{m} {p}: {st} {doc}")
            st, _, doc = s.call("PUT", "/v1/retention", {
                "category": "interactions", "policy": "30 shred"}, token=root)
            expect(st == 400 and doc["error"]["code"] == "invalid", doc)
            st, _, doc = s.call("PUT", "/v1/retention", {
                "category": "cdrs", "policy": "30 delete"}, token=root)
            expect(st == 400, doc)
            st, _, doc = s.call("PUT", "/v1/retention", {
                "category": "interactions", "policy": "30 delete"},
                token=root)
            expect(st == 200 and doc["policies"]["interactions"] ==
                   "30 delete", doc)
            # Every handle of the reloaded server sees it.
            for _ in range(100):
                seen = [s.call("GET", "/v1/retention", token=root)[2]
                        ["policies"]["interactions"] for _ in range(8)]
                if set(seen) == {"30 delete"}:
                    break
                time.sleep(0.05)
            expect(set(seen) == {"30 delete"}, seen)
            st, _, rep = s.call("POST", "/v1/retention/run",
                                {"dry_run": True}, token=root)
            expect(st == 200 and rep["dry_run"] and
                   rep["categories"]["interactions"]["deleted"] == 59, rep)
            st, _, rep = s.call("POST", "/v1/retention/run", {}, token=root)
            expect(st == 200 and
                   rep["categories"]["interactions"]["deleted"] == 59, rep)
            st, _, doc = s.call("POST", "/v1/logs/purge", token=root)
            expect(st == 200 and doc == {"purged": True}, doc)
        sets = audit_entries(d, "retention.set")
        expect([(e["object_id"], e["fields"]) for e in sets] ==
               [("interactions", "30 delete")], sets)
        expect(audit_entries(d, "logs.purge"), "purge audited")


if __name__ == "__main__":
    main()
