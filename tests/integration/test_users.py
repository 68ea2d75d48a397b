# SPDX-License-Identifier: Apache-2.0
"""R1.1 users and R1.5 agents' call logs: users are subjects, imported
calls fill the right agent's log, which keeps exactly the last N."""
import json
import os

from harness import (TempDir, audit_ids, cx, db_rows, expect, fails,
                     files_containing, main, new_vault, ok, test)

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
MASTER = os.path.join(DATA, "asterisk", "Master.csv")


def add_agents(d):
    anna = ok("user", "add", "--data", d, "--logon", "A0100", "--first-name",
              "Anna", "--last-name", "Agent", "--extension", "100", "--email",
              "anna.agent@company.example", "--department", "Support",
              "--mobile", "0171 2345678").out.strip()
    bob = ok("user", "add", "--data", d, "--logon", "A0101", "--first-name",
             "Bob", "--last-name", "Berg", "--extension", "101",
             "--kind", "remote").out.strip()
    return anna, bob


def calllog(d, agent):
    return [json.loads(l) for l in ok("calllog", "show", "--data", d,
                                      "--agent", agent).out.splitlines()]


@test
def users_are_subjects():
    """R1.1: a user's fields are sealed; its identifiers find its subject"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        anna, _ = add_agents(d)
        shown = json.loads(ok("user", "show", "--data", d, "A0100").out)
        expect(shown["user"] == int(anna) and shown["kind"] == "local", shown)
        expect(shown["first_name"] == "Anna" and shown["extension"] == "100"
               and shown["department"] == "Support", shown)
        sid = shown["subject"]
        for kind, value in (("--phone", "100"), ("--phone", "+49 171 2345678"),
                            ("--email", "Anna.Agent@company.example"),
                            ("--logon", "A0100"), ("--name", "anna agent")):
            r = ok("subject", "find", "--data", d, kind, value)
            expect(json.loads(r.out)["subject"] == sid, f"{kind} {value}")
        users = [json.loads(l) for l in
                 ok("user", "list", "--data", d).out.splitlines()]
        expect([u["kind"] for u in users] == ["local", "remote"], users)
        expect("Anna" not in json.dumps(users), "list leaks names")
        hits = files_containing(d, [b"Anna", b"Agent", b"anna.agent",
                                    b"2345678", b"Support", b"A0100"])
        expect(hits == [], f"plaintext found: {hits}")


@test
def user_errors():
    """duplicate logon, bad extension, unknown kind: precise refusals"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        add_agents(d)
        fails(cx("user", "add", "--data", d, "--logon", "A0100"), 1,
              "logon id already in use")
        fails(cx("user", "add", "--data", d, "--logon", "X1", "--extension",
                 "1234567"), 1, "extension must be 2 to 6 digits")
        fails(cx("user", "add", "--data", d, "--logon", "X1", "--kind",
                 "robot"), 2, "--kind")
        fails(cx("user", "add", "--data", d, "--first-name", "X"), 2,
              "--logon is required")
        fails(cx("user", "show", "--data", d, "nobody"), 1, "no such user")
        # A refused user leaves no subject behind.
        st = json.loads(ok("status", "--data", d).out)
        expect(st["subjects"] == 2, st)


@test
def import_fills_agent_call_logs():
    """R1.5: imported calls land in the agent's log: in, missed, out"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        add_agents(d)
        cx("import", "cdr", "--data", d, "--format", "asterisk-csv", MASTER)
        anna = calllog(d, "A0100")
        # Issue 26: the withheld caller's call is the agent's too.
        expect([(e["direction"], e["name"]) for e in anna] ==
               [("incoming", "Jane Doe"), ("incoming", "Anonymous"),
                ("incoming", "Claire Martin"), ("missed", "Max Mustermann"),
                ("incoming", "Jane Doe")], anna)
        expect(anna[0]["duration_s"] == 240, anna[0])
        # The call to extension 102, which no user holds, is Bob's own.
        bob = calllog(d, "A0101")
        expect([(e["direction"], e["number"]) for e in bob] ==
               [("outgoing", "102"), ("outgoing", "00441632960123")], bob)
        entries = [json.loads(l) for l in
                   ok("audit", "list", "--data", d).out.splitlines()]
        acts = [e["action"] for e in entries]
        # R7.1: the import's entries name each of the 7 entries it made.
        logged = sorted(audit_ids([e for e in entries
                                   if e["action"] == "call_log.create"]))
        made = sorted(r[0] for r in db_rows(d, "SELECT id FROM call_log"))
        expect(len(made) == 7 and logged == made, (logged, made))
        expect(acts[-1] == "call_log.read", acts[-1])
        fails(cx("calllog", "show", "--data", d, "--agent", "A9"), 1,
              "no such agent")
        # R1.3/R3.3: interactions carry their agent.
        anna = json.loads(ok("user", "show", "--data", d, "A0100").out)
        handled = [json.loads(l) for l in ok(
            "interaction", "list", "--data", d, "--agent", "A0100")
            .out.splitlines()]
        # Five: the withheld caller's call is listed by its agent too.
        expect([i["agent"] for i in handled] == [anna["user"]] * 5, handled)
        fails(cx("interaction", "list", "--data", d, "--agent", "A0100",
                 "--phone", "100"), 2, "exactly one identifier or --agent")


@test
def call_log_keeps_last_n():
    """R1.5: the log keeps exactly call_log_size entries, newest first"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        conf = os.path.join(d, "cxvault.conf")
        text = open(conf).read().replace("call_log_size = 1000",
                                         "call_log_size = 3")
        open(conf, "w").write(text)
        add_agents(d)
        lines = []
        for i in range(7):
            lines.append(
                f'"","+4930555{i:04d}","100","from-trunk","","a","b","Dial",'
                f'"x","2026-11-0{i + 1} 10:00:00","2026-11-0{i + 1} 10:00:05",'
                f'"2026-11-0{i + 1} 10:01:05",65,60,"ANSWERED",'
                f'"DOCUMENTATION","u{i}",""')
        f = os.path.join(tmp, "seven.csv")
        open(f, "w").write("\n".join(lines) + "\n")
        ok("import", "cdr", "--data", d, "--format", "asterisk-csv", f)
        anna = calllog(d, "A0100")
        expect([e["number"] for e in anna] ==
               ["+49305550006", "+49305550005", "+49305550004"], anna)


if __name__ == "__main__":
    main()
