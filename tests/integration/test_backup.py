# SPDX-License-Identifier: Apache-2.0
"""Issue 6, backups (R5.4, R6.8, DESIGN 3): an encrypted, authenticated
online snapshot of the vault and its content; verify reads every byte;
a restore replaces the data, moves the old aside, and re-applies the
erasure register so no erased person comes back."""
import json
import os
import threading

from harness import (ADMIN_PW, ON_PG, Server, TempDir, api_vault, cx, db_rows,
                     expect, fails, files_containing, main, new_vault, ok,
                     test)
from people import CONTENT, person_everywhere

JANE = [b"+4930123456789", b"Jane Doe", b"jane.d", b"RIFF-Jane-Doe"]


def find(d, phone):
    r = cx("subject", "find", "--data", d, "--phone", phone)
    expect(r.rc == 0, r)
    return json.loads(r.out)["subject"] if r.out.strip() else None


@test
def restore_does_not_resurrect():
    """Must-show: erase a person, restore a backup taken before: the
    person is not there, the report says so; everyone else is back with
    content byte-identical"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        jane, calls = person_everywhere(d, tmp)
        ok("subject", "add", "--data", d, "--phone", "+4940555000111")
        bk = os.path.join(tmp, "before.cxb")
        info = json.loads(ok("backup", "create", "--data", d, bk).out)
        expect(info["kind"] == "backup" and info["content_files"] == 1 and
               info["subjects"] >= 3, info)
        for needle in JANE:
            expect(needle not in open(bk, "rb").read(), f"{needle} in backup")
        ok("subject", "erase", "--data", d, str(jane), "--reason",
           "consent_withdrawn")
        max_id = ok("subject", "add", "--data", d, "--phone",
                    "+4940555000222").out.strip()
        rep = json.loads(ok("backup", "restore", "--data", d, bk).out)
        reg = rep["erasure_register"]
        expect(reg["current_register_read"] and reg["entries"] == 1 and
               reg["erased_again"] == [jane], rep)
        expect(find(d, "+4930123456789") is None, "Jane is back")
        expect(find(d, "+4940555000111") is not None, "others lost")
        expect(find(d, "+4940555000222") is None and max_id,
               "made after the backup, so not in it")
        moved = rep["replaced_moved_to"]
        if ON_PG:  # what the database held, kept in a schema of its own
            expect(db_rows(d, "SELECT count(*) FROM pg_namespace WHERE "
                           "nspname LIKE 'replaced_%'")[0][0] == 1, rep)
        else:
            expect(os.path.isfile(os.path.join(moved, "vault.db")), moved)
        live = [h for h in files_containing(d, JANE)
                if not h[0].startswith(os.path.basename(moved))]
        expect(live == [], f"Jane readable after restore: {live}")
        entries = ok("audit", "list", "--data", d).out
        expect('"subject.erase_reapplied"' in entries and
               '"backup.restore"' in entries, "restore audited")
        ok("audit", "verify", "--data", d)
        # The register stays whole: a second restore erases her again.
        rep = json.loads(ok("backup", "restore", "--data", d, bk).out)
        expect(rep["erasure_register"]["erased_again"] == [jane], rep)


@test
def content_comes_back():
    """A restored vault serves the content it had, byte for byte"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        person_everywhere(d, tmp)
        entries = [json.loads(l) for l in ok("audit", "list", "--data", d)
                   .out.splitlines()]
        cid = [e for e in entries if e["action"] == "content.create"][0][
            "object_id"]
        bk = os.path.join(tmp, "b.cxb")
        ok("backup", "create", "--data", d, bk)
        if ON_PG:  # the records lost
            db_rows(d, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        else:
            os.remove(os.path.join(d, "vault.db"))
        rep = json.loads(ok("backup", "restore", "--data", d, bk).out)
        expect(rep["erasure_register"]["current_register_read"] is False,
               rep)
        expect(os.listdir(os.path.join(rep["replaced_moved_to"], "content")),
               "the old content moved aside")
        out = os.path.join(tmp, "restored.wav")
        ok("content", "get", "--data", d, cid, "--out", out)
        expect(open(out, "rb").read() == CONTENT["recording"], "content")


@test
def online_backup_while_serving():
    """A backup taken while the server writes is consistent and verifies"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        bk = os.path.join(tmp, "live.cxb")
        with Server(d) as srv:
            root = srv.login("root", ADMIN_PW)
            tok = srv.feed_token(root, "cdr.ingest")
            stop = threading.Event()
            made = []

            def writer():
                i = 0
                while not stop.is_set():
                    st, _, _ = srv.call("POST", "/v1/cdr", {
                        "id": f"live-{i}", "caller": f"+4930777{i:05d}",
                        "callee": "100", "start": "2026-11-20T10:00:00Z",
                        "end": "2026-11-20T10:01:00Z",
                        "outcome": "answered"}, token=tok)
                    made.append(st)
                    i += 1

            t = threading.Thread(target=writer)
            t.start()
            try:
                ok("backup", "create", "--data", d, bk)
            finally:
                stop.set()
                t.join()
        info = json.loads(ok("backup", "verify", "--data", d, bk).out)
        expect(info["kind"] == "backup" and info["entries"] == 2, info)
        expect(made and set(made) == {201}, f"writes: {made}")


@test
def tampered_or_foreign_backups_refused():
    """A flipped byte, a cut file or another vault's backup is refused
    by verify and by restore, and the vault is left as it was"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("subject", "add", "--data", d, "--phone", "+4930123456789")
        bk = os.path.join(tmp, "b.cxb")
        ok("backup", "create", "--data", d, bk)
        fails(cx("backup", "create", "--data", d, bk), 1, "never overwritten")
        blob = open(bk, "rb").read()
        bad = os.path.join(tmp, "bad.cxb")
        for i, variant in enumerate((
                blob[:len(blob) // 2] + bytes([blob[len(blob) // 2] ^ 1]) +
                blob[len(blob) // 2 + 1:], blob[:-100], blob + b"x")):
            p = f"{bad}{i}"
            open(p, "wb").write(variant)
            fails(cx("backup", "verify", "--data", d, p), 1)
            before = sorted(os.listdir(d))
            fails(cx("backup", "restore", "--data", d, p), 1, "not a sound")
            expect(sorted(os.listdir(d)) == before, "restore touched DIR")
        other = new_vault(tmp, "w")
        fails(cx("backup", "verify", "--data", other, bk), 1,
              "master key")
        fails(cx("backup", "restore", "--data", other, bk), 1)
        expect(find(d, "+4930123456789") is not None, "vault damaged")
        fails(cx("backup", "verify", "--data", d, os.path.join(tmp, "no")),
              1, "no such file")
        fails(cx("backup", "frobnicate", "--data", d, bk), 2)


@test
def passphrase_vault_backup():
    """A passphrase vault's backup needs the passphrase to verify and
    restore"""
    with TempDir() as tmp:
        pw = b"correct horse battery staple\n"
        d = new_vault(tmp, passphrase=pw.decode().strip())
        ok("subject", "add", "--data", d, "--phone", "+4930123456789",
           stdin=pw)
        bk = os.path.join(tmp, "b.cxb")
        ok("backup", "create", "--data", d, bk, stdin=pw)
        ok("backup", "verify", "--data", d, bk, stdin=pw)
        fails(cx("backup", "verify", "--data", d, bk,
                 stdin=b"wrong horse battery staple\n"), 1)
        ok("backup", "restore", "--data", d, bk, stdin=pw)
        expect(json.loads(ok("subject", "find", "--data", d, "--phone",
                             "+4930123456789", stdin=pw).out)["subject"],
               "restored")


if __name__ == "__main__":
    main()
