# SPDX-License-Identifier: Apache-2.0
"""Opening a vault: every broken key, passphrase or database is a clear
error with exit 1 that changes no file; key rotation; migrations."""
import json
import os

from harness import (cx, db_rows, expect, fails, main, new_vault, ok, ON_PG,
                     require_sqlite, snapshot, TempDir, test)

PASS = "correct horse battery staple"


def add_jane(d, stdin=b""):
    return ok("subject", "add", "--data", d, "--phone", "+4930123456789",
              "--email", "jane.doe@example.org", "--name", "Jane Doe",
              stdin=stdin).out.strip()


def show(d, sid, stdin=b""):
    return json.loads(ok("subject", "show", "--data", d, sid,
                         stdin=stdin).out)


def unchanged(d, before):
    after = snapshot(d)
    expect(after == before, f"files changed: {set(after.items()) ^ set(before.items())}")


@test
def missing_key_file():
    """missing master.key: exit 1, says so, no file changed"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        add_jane(d)
        os.rename(os.path.join(d, "master.key"), os.path.join(tmp, "k"))
        before = snapshot(d)
        fails(cx("status", "--data", d), 1, "master.key", "is missing")
        unchanged(d, before)


@test
def key_file_permissions():
    """R5.5: a group/other-readable master.key is refused"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        os.chmod(os.path.join(d, "master.key"), 0o644)
        before = snapshot(d)
        fails(cx("status", "--data", d), 1, "0600")
        unchanged(d, before)


@test
def corrupt_and_wrong_key_file():
    """a truncated or foreign master.key: exit 1, no file changed"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        add_jane(d)
        key = os.path.join(d, "master.key")
        with open(key, "r+b") as f:
            f.truncate(31)
        before = snapshot(d)
        fails(cx("status", "--data", d), 1, "not a 32-byte")
        unchanged(d, before)
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        before = snapshot(d)
        fails(cx("subject", "find", "--data", d, "--phone", "+4930123456789"),
              1, "does not open this vault")
        unchanged(d, before)


@test
def wrong_passphrase():
    """wrong passphrase: exit 1, 'wrong passphrase', no file changed"""
    with TempDir() as tmp:
        d = new_vault(tmp, passphrase=PASS)
        sid = add_jane(d, stdin=PASS.encode() + b"\n")
        before = snapshot(d)
        fails(cx("subject", "show", "--data", d, sid,
                 stdin=b"not the passphrase\n"), 1, "wrong passphrase")
        unchanged(d, before)
        fails(cx("status", "--data", d, stdin=b""), 1, "passphrase")
        unchanged(d, before)
        got = show(d, sid, stdin=PASS.encode() + b"\n")
        expect(got["identifiers"][0]["value"] == "+4930123456789", got)


@test
def corrupt_database():
    """a corrupted vault.db: exit 1, clear message, no file changed"""
    require_sqlite("a database file to corrupt")
    with TempDir() as tmp:
        d = new_vault(tmp)
        add_jane(d)
        db = os.path.join(d, "vault.db")
        with open(db, "r+b") as f:
            f.write(b"\x00garbage\x00" * 12)
        before = snapshot(d)
        fails(cx("status", "--data", d), 1, "vault.db", "corrupt")
        unchanged(d, before)


@test
def newer_schema():
    """a database from a newer cxvault: exit 1, 'upgrade', not migrated"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        db_rows(d, "UPDATE cxv_schema SET version = 999" if ON_PG else
                "PRAGMA user_version = 999")
        before = snapshot(d)
        fails(cx("status", "--data", d), 1, "newer cxvault", "upgrade")
        unchanged(d, before)


@test
def config_errors_name_file_and_line():
    """unknown config key: error names file:line, no file changed"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        conf = os.path.join(d, "cxvault.conf")
        text = open(conf).read()
        with open(conf, "a") as f:
            f.write("colour = blue\n")
        line = text.count("\n") + 1
        before = snapshot(d)
        fails(cx("status", "--data", d), 1, f"cxvault.conf:{line}: unknown key 'colour'")
        unchanged(d, before)


@test
def rotate_key_file():
    """R5.5: keys rotate gives a new master.key; data still opens"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        sid = add_jane(d)
        key = os.path.join(d, "master.key")
        old = open(key, "rb").read()
        ok("keys", "rotate", "--data", d)
        new = open(key, "rb").read()
        expect(new != old and len(new) == 32, "key not replaced")
        expect(not os.path.exists(key + ".old"), "master.key.old left")
        expect(show(d, sid)["identifiers"][1]["value"] == "jane.doe@example.org",
               "data lost")
        # Blind indexes survive rotation: find still works.
        r = ok("subject", "find", "--data", d, "--email", "Jane.Doe@example.org")
        expect(json.loads(r.out)["subject"] == int(sid), r.out)
        # The old key no longer opens the vault.
        with open(key, "wb") as f:
            f.write(old)
        fails(cx("status", "--data", d), 1, "does not open")


@test
def interrupted_rotation_is_explained():
    """a leftover master.key.old after a crash is pointed out"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        key = os.path.join(d, "master.key")
        os.link(key, key + ".old")
        fails(cx("keys", "rotate", "--data", d), 1, "rotation already")
        os.unlink(key)
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        os.chmod(key, 0o600)
        fails(cx("status", "--data", d), 1, "interrupted", "master.key.old")


@test
def rotate_passphrase():
    """R5.5: a passphrase vault rotates to a new passphrase"""
    with TempDir() as tmp:
        d = new_vault(tmp, passphrase=PASS)
        sid = add_jane(d, stdin=PASS.encode() + b"\n")
        new = b"a much newer passphrase"
        fails(cx("keys", "rotate", "--data", d, stdin=PASS.encode() + b"\nshort\n"),
              1, "at least 12")
        ok("keys", "rotate", "--data", d, stdin=PASS.encode() + b"\n" + new + b"\n")
        fails(cx("status", "--data", d, stdin=PASS.encode() + b"\n"), 1,
              "wrong passphrase")
        got = show(d, sid, stdin=new + b"\n")
        expect(got["identifiers"][2]["value"] == "Jane Doe", got)
        ok("audit", "verify", "--data", d, stdin=new + b"\n")


@test
def merge_subjects():
    """DESIGN 1: merging moves identifiers and deletes the other subject"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        a = ok("subject", "add", "--data", d, "--phone", "+4930111111").out.strip()
        b = ok("subject", "add", "--data", d, "--email", "x@y.de",
               "--name", "X Y").out.strip()
        fails(cx("subject", "add", "--data", d, "--phone", "+4930111111",
                 "--email", "x@y.de"), 1, "different subjects")
        ok("subject", "merge", "--data", d, a, b)
        vals = {i["kind"]: i["value"] for i in show(d, a)["identifiers"]}
        expect(vals == {"phone": "+4930111111", "email": "x@y.de",
                        "name": "X Y"}, vals)
        fails(cx("subject", "show", "--data", d, b), 1, "no such subject")
        r = ok("subject", "find", "--data", d, "--email", "x@y.de")
        expect(json.loads(r.out)["subject"] == int(a), r.out)
        fails(cx("subject", "merge", "--data", d, a, a), 2, "itself")
        fails(cx("subject", "merge", "--data", d, a, "12345"), 1, "no such subject")


@test
def resolve_adds_to_known_subject():
    """a known phone resolves to its subject; new identifiers join it"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        a = ok("subject", "add", "--data", d, "--phone", "030 123456").out.strip()
        b = ok("subject", "add", "--data", d, "--phone", "+49 30 123456",
               "--chat", "jd77").out.strip()
        expect(a == b, f"{a} != {b}")
        kinds = [i["kind"] for i in show(d, a)["identifiers"]]
        expect(kinds == ["phone", "chat"], kinds)
        # Names never resolve: two Jane Does are two people.
        c = ok("subject", "add", "--data", d, "--name", "Jane Doe").out.strip()
        e = ok("subject", "add", "--data", d, "--name", "Jane Doe").out.strip()
        expect(c != e, "name resolved to a subject")
        r = ok("subject", "find", "--data", d, "--name", "JANE  doe")
        expect(len(r.out.splitlines()) == 2, r.out)


def compat_vault(tmp, name):
    """A copy under tmp of a vault an earlier release made
    (tests/data/compat/NAME), as a vault directory of today's layout."""
    import shutil
    src = os.path.join(os.environ["CXVAULT_TESTDATA"], "compat", name)
    d = os.path.join(tmp, "v")
    os.mkdir(d, 0o700)
    for f in ("cxvault.conf", "master.key", "vault.db"):
        shutil.copy(os.path.join(src, f), d)
        os.chmod(os.path.join(d, f), 0o600)
    for sub in ("logs", "content"):
        os.mkdir(os.path.join(d, sub), 0o700)
    return d


@test
def an_earlier_release_vault_keeps_finding_people():
    """Issue 26: a vault made before national numbers were read by
    libphonenumber opens (its schema migrated) and finds each person by
    the spellings that found them then, so the blind indexes stay valid"""
    require_sqlite("the fixture is an SQLite vault")
    with TempDir() as tmp:
        d = compat_vault(tmp, "vault-schema15")
        found = {}
        for spelling in ("030 123456789", "+49 30 123456789",
                         "0049 (0)30 123456789", "+1 714 555 1234",
                         "0171 5550100", "+49 171 5550100", "06 1234 5678"):
            out = ok("subject", "find", "--data", d, "--phone",
                     spelling).out.split()
            expect(len(out) == 1, f"{spelling}: {out}")
            found[spelling] = json.loads(out[0])["subject"]
        expect(len(set(found.values())) == 4, found)
        expect(found["030 123456789"] == found["0049 (0)30 123456789"],
               found)
        expect(json.loads(ok("status", "--data", d).out)["schema_version"] >= 16,
               "not migrated")
        ok("audit", "verify", "--data", d)


@test
def records_keyed_by_uniqueid_before_are_recognised():
    """Issue 26: a vault whose Asterisk records an earlier release keyed
    by uniqueid alone (tests/data/compat/vault-cdr-uniqueid): importing
    the same file again adds none of them twice, and stores the parallel
    leg that release lost"""
    require_sqlite("the fixture is an SQLite vault")
    src = os.path.join(os.environ["CXVAULT_TESTDATA"], "compat",
                       "vault-cdr-uniqueid")
    with TempDir() as tmp:
        d = compat_vault(tmp, "vault-cdr-uniqueid")
        r = ok("import", "cdr", "--data", d, "--format", "asterisk-csv",
               os.path.join(src, "Master.csv"))
        rep = json.loads(r.out)
        expect((rep["imported"], rep["duplicates"]) == (1, 2), rep)
        legs = [json.loads(l) for l in ok(
            "interaction", "list", "--data", d, "--phone",
            "+4930123456789").out.splitlines()]
        expect(sorted(l["outcome"] for l in legs) ==
               ["answered", "no_answer"], legs)
        rep = json.loads(ok("import", "cdr", "--data", d, "--format",
                            "asterisk-csv",
                            os.path.join(src, "Master.csv")).out)
        expect((rep["imported"], rep["duplicates"]) == (0, 3), rep)
        ok("audit", "verify", "--data", d)


@test
def nothing_in_clear_beside_a_postgresql_vault():
    """Issue 27: a PostgreSQL vault whose database also holds a table it
    did not make (Asterisk's cdr_pgsql table, a schema of its own)
    refuses to serve and names them; status names them and exits 1"""
    from harness import Skip, Server
    if not ON_PG:
        raise Skip("PostgreSQL only: an SQLite vault's file is its own")
    with TempDir() as tmp:
        d = new_vault(tmp)
        st = json.loads(ok("status", "--data", d).out)
        expect(st["beside"] == "", st)
        db_rows(d, "CREATE TABLE cdr (calldate timestamp, src text, "
                   "dst text)")
        db_rows(d, "CREATE SCHEMA billing")
        r = cx("status", "--data", d)
        expect(r.rc == 1 and json.loads(r.out)["beside"] ==
               "billing, cdr" and "also holds billing, cdr" in r.err, r)
        r = cx("serve", "--data", d, "--listen", "127.0.0.1:0")
        expect(r.rc == 1 and "also holds billing, cdr" in r.err and
               "docs/scaling.md" in r.err, r)
        db_rows(d, "DROP TABLE cdr")
        db_rows(d, "DROP SCHEMA billing")
        with Server(d) as s:
            expect(s.call("GET", "/v1/health")[0] == 200, "serves again")


if __name__ == "__main__":
    main()
