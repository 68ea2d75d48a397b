# SPDX-License-Identifier: Apache-2.0
"""Issue 10 (R4, R5): cxvault serve started as root binds, reads the
master key (root's alone), then runs as the configured user under a
seccomp filter, and every operation still works there; wrong settings
stop it with a message naming the problem."""
import os
import pwd
import re
import shutil
import signal
import time

from harness import (ADMIN_PW, ON_PG, Server, TempDir, api_vault, cx, expect,
                     main, read_config, require_root, set_config, test)


def status(pid):
    """The kernel's view of a process: {field: value}."""
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        out[k] = v.split()
    return out


def chown_tree(d, uid, gid):
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            os.chown(os.path.join(root, n), uid, gid)
    os.chown(d, uid, gid)


def nobody_vault(tmp):
    """A vault owned by nobody but for its master key, kept root's 0600."""
    nobody = pwd.getpwnam("nobody")
    d = api_vault(tmp, user="nobody")
    if ON_PG:
        # The server connects as 'user': its own passfile and CA copy.
        store = read_config(d)["store"]
        for key, name in (("passfile", "pgpass"), ("sslrootcert", "ca.pem")):
            old = re.search(key + r"=([^&]+)", store).group(1)
            shutil.copy(old, os.path.join(d, name))
            store = store.replace(old, os.path.join(d, name))
        set_config(d, store=store)
    chown_tree(d, nobody.pw_uid, nobody.pw_gid)
    os.chown(os.path.join(d, "master.key"), 0, 0)
    return d, nobody


@test
def serves_as_user_under_filter():
    """started as root: runs as 'user', no new privileges, seccomp on; the
    key root alone can read was read before; ingest, content, find,
    erase and reload all work"""
    require_root()
    with TempDir() as tmp:
        os.chmod(tmp, 0o755)
        d, nobody = nobody_vault(tmp)
        with Server(d) as s:
            # The port accepts once bound, before the privileges go: a
            # served request says the start-up is over.
            expect(s.call("GET", "/v1/health")[0] == 200, "not serving")
            st = status(s.proc.pid)
            expect(st["Uid"] == [str(nobody.pw_uid)] * 4, st["Uid"])
            expect(st["Gid"] == [str(nobody.pw_gid)] * 4, st["Gid"])
            expect(st["Groups"] == [str(nobody.pw_gid)], st["Groups"])
            expect(st["NoNewPrivs"] == ["1"] and st["Seccomp"] == ["2"], st)
            expect(st["CapEff"] == ["0000000000000000"], st["CapEff"])
            # The server could not read the key now: it read it before.
            expect(os.stat(os.path.join(d, "master.key")).st_uid == 0, "key")
            root = s.login("root", ADMIN_PW)
            feed = s.feed_token(root, "cdr.ingest", "content.write")
            code, _, one = s.call("POST", "/v1/cdr", {
                "id": "sbx-1", "caller": "+49 30 5550001",
                "caller_name": "Sandra Box", "callee": "100",
                "start": "2026-11-20T10:00:00Z",
                "end": "2026-11-20T10:01:00Z", "outcome": "answered"},
                token=feed)
            expect(code == 201, f"cdr: {code} {one}")
            code, _, c = s.call(
                "POST", f"/v1/interactions/{one['interaction']}/content"
                "?kind=recording", raw=b"RIFF" + os.urandom(4096),
                token=feed,
                headers={"Content-Type": "application/octet-stream"})
            expect(code == 201, f"content: {code} {c}")
            files = [os.path.join(r, n)
                     for r, _, ns in os.walk(os.path.join(d, "content"))
                     for n in ns]
            expect(files and all(os.stat(f).st_uid == nobody.pw_uid
                                 for f in files), files)
            s.make_user(root, "DPO1", "auditor", "dpo pass phrase 2026")
            dpo = s.login("DPO1", "dpo pass phrase 2026")
            code, _, found = s.call("GET", "/v1/subjects?phone=030%205550001",
                                    token=dpo)
            expect(code == 200 and len(found["items"]) == 1, found)
            sid = found["items"][0]["subject"]
            # SIGHUP re-reads cxvault.conf and the certificate as nobody.
            s.proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            expect(s.proc.poll() is None, "reload killed the server")
            code, _, rec = s.call("POST", f"/v1/subjects/{sid}/erase",
                                  {"reason": "consent_withdrawn"},
                                  token=dpo)
            expect(code == 200 and rec["erased"]["interactions"] == 1, rec)
            expect(not any(os.path.exists(f) for f in files),
                   "content left after erasure")
            expect(s.stop() == 0, "graceful stop")
        expect("Bad system call" not in s.err, s.err)


def log_text(d):
    return open(os.path.join(d, "logs", "cxvault.log")).read()


@test
def root_without_user_is_warned():
    """serving as root with no 'user' still filters system calls, and the
    log says to set 'user'; with it, no such warning"""
    require_root()
    with TempDir() as tmp:
        d = api_vault(tmp)
        with Server(d) as s:
            expect(s.call("GET", "/v1/health")[0] == 200, "health")
            st = status(s.proc.pid)
            expect(st["Uid"][0] == "0" and st["Seccomp"] == ["2"], st)
        expect("server.root" in log_text(d), "no warning for root")
        os.chmod(tmp, 0o755)
        other = os.path.join(tmp, "other")
        os.mkdir(other, 0o755)
        d2, _ = nobody_vault(other)
        with Server(d2):
            pass
        expect("server.root" not in log_text(d2), "warned as nobody")


@test
def wrong_settings_stop_the_server():
    """a user that does not exist, a data directory the user does not own,
    root as the user, a key others can read: each named, nothing served"""
    require_root()
    with TempDir() as tmp:
        os.chmod(tmp, 0o755)
        d, nobody = nobody_vault(tmp)
        for user, fix, needle in (
                ("no-such-user-cxv", None, "there is no user"),
                ("root", None, "name an unprivileged user"),
                ("nobody", lambda: os.chown(d, 0, 0), "must belong to"),
                ("nobody", lambda: os.chmod(os.path.join(d, "master.key"),
                                            0o644), "master.key")):
            set_config(d, user=user)
            if fix:
                fix()
            r = cx("serve", "--data", d, "--listen", "127.0.0.1:1",
                   timeout=30)
            expect(r.rc != 0 and needle in r.err, f"{user}: {r.rc} {r.err}")
            os.chown(d, nobody.pw_uid, nobody.pw_gid)


if __name__ == "__main__":
    main()
