# SPDX-License-Identifier: Apache-2.0
"""R1.2: shared directory and personal contact lists; contacts are
subjects, their fields sealed, lists audited when read."""
import json

from harness import (TempDir, cx, expect, fails, files_containing, main,
                     new_vault, ok, test)


def contacts(d, *args):
    return [json.loads(l) for l in
            ok("contact", "list", "--data", d, *args).out.splitlines()]


@test
def shared_and_personal_lists():
    """R1.2: the directory and a user's own list are kept apart"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("user", "add", "--data", d, "--logon", "A1", "--first-name", "Anna")
        ok("contact", "add", "--data", d, "--first-name", "Sally",
           "--last-name", "Thompson", "--phone", "3247", "--organisation",
           "ACME", "--keywords", "vip")
        ok("contact", "add", "--data", d, "--owner", "A1", "--first-name",
           "Lisa", "--last-name", "Bookworm", "--mobile", "+1 714 555 1234",
           "--phonetic", "book-wurm", "--activities", "calls Mondays")
        shared = contacts(d)
        mine = contacts(d, "--owner", "A1")
        expect([c["last_name"] for c in shared] == ["Thompson"], shared)
        expect([c["last_name"] for c in mine] == ["Bookworm"], mine)
        expect(mine[0]["phonetic"] == "book-wurm", mine)
        r = ok("subject", "find", "--data", d, "--phone", "001 714 555 1234")
        expect(json.loads(r.out)["subject"] == mine[0]["subject"], r.out)
        r = ok("subject", "find", "--data", d, "--name", "sally thompson")
        expect(json.loads(r.out)["subject"] == shared[0]["subject"], r.out)
        hits = files_containing(d, [b"Thompson", b"Bookworm", b"book-wurm",
                                    b"7145551234", b"ACME", b"Mondays"])
        expect(hits == [], f"plaintext found: {hits}")
        acts = [json.loads(l) for l in
                ok("audit", "list", "--data", d).out.splitlines()]
        reads = [(a["action"], a["object_type"]) for a in acts
                 if a["action"] == "contact.list"]
        expect(reads == [("contact.list", "directory"),
                         ("contact.list", "user")], reads)


@test
def contact_errors():
    """unknown owner, empty contact, bad number: refused, nothing stored"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        fails(cx("contact", "add", "--data", d, "--owner", "nobody",
                 "--first-name", "X"), 1, "no such user")
        fails(cx("contact", "add", "--data", d, "--organisation", "Only"), 1,
              "needs a name, number or email")
        fails(cx("contact", "add", "--data", d, "--first-name", "Y",
                 "--phone", "call me"), 1, "invalid input")
        fails(cx("contact", "list", "--data", d, "--first-name", "Y"), 2,
              "fields are for add")
        expect(contacts(d) == [], "something was stored")
        st = json.loads(ok("status", "--data", d).out)
        expect(st["subjects"] == 0, st)


if __name__ == "__main__":
    main()
