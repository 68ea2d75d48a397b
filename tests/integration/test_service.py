# SPDX-License-Identifier: Apache-2.0
"""Issue 30: cxvault as a systemd service. The unit (dist/) passes
systemd-analyze verify and scores "OK" or better in systemd-analyze
security; 'serve' speaks sd_notify (READY, RELOADING, STOPPING) to the
socket systemd gives it; a passphrase vault takes its passphrase from
the service's credential (LoadCredentialEncrypted=), never a file in
/etc; log_dir puts the log where LogsDirectory= says."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess

from harness import (BIN, Server, TempDir, api_vault, cx, expect, main,
                     new_vault, ok, set_config, store_args, test)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
UNIT = os.path.join(ROOT, "dist", "cxvault.service.in")
BUILD = os.path.dirname(os.path.dirname(os.path.abspath(BIN)))


def unit_file(tmp):
    """The unit as meson installs it, the binary being this build's."""
    path = os.path.join(tmp, "cxvault.service")
    with open(UNIT) as f, open(path, "w") as out:
        out.write(f.read().replace("@BINDIR@",
                                   os.path.dirname(os.path.abspath(BIN))))
    return path


@test
def unit_verified_and_sandboxed():
    """systemd-analyze verify finds nothing to say of the unit (its man
    pages included); systemd-analyze security rates it OK or better"""
    with TempDir() as tmp:
        unit = unit_file(tmp)
        man = os.path.join(tmp, "man")
        for sect, page in (("man1", "cxvault.1"), ("man5", "cxvault.conf.5")):
            os.makedirs(os.path.join(man, sect))
            shutil.copy(os.path.join(BUILD, page), os.path.join(man, sect))
        env = dict(os.environ, MANPATH=man)
        r = subprocess.run(["systemd-analyze", "verify", unit], env=env,
                           capture_output=True, text=True)
        expect(r.returncode == 0 and r.stdout + r.stderr == "", r)
        r = subprocess.run(["systemd-analyze", "security", "--offline=true",
                            unit], capture_output=True, text=True)
        m = re.search(r"Overall exposure level for cxvault.service: "
                      r"([\d.]+) (\w+)", r.stdout)
        expect(m is not None and float(m.group(1)) < 5.0 and
               m.group(2) in ("OK", "SAFE"), r.stdout[-400:])
        print(f"# exposure {m.group(1)} {m.group(2)}", flush=True)


def notes(sock, n):
    """The next n sd_notify datagrams."""
    sock.settimeout(30)
    return [sock.recv(4096).decode() for _ in range(n)]


@test
def notify_protocol():
    """READY=1 (with the address) once serving, RELOADING=1 then READY=1
    around a SIGHUP reload, STOPPING=1 on SIGTERM"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        path = os.path.join(tmp, "notify")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(path)
            with Server(d, env={"NOTIFY_SOCKET": path}) as s:
                got = notes(sock, 1)
                expect(got == [f"READY=1\nSTATUS=serving https://127.0.0.1:"
                               f"{s.port}"], got)
                s.proc.send_signal(signal.SIGHUP)
                got = notes(sock, 2)
                expect(got == ["RELOADING=1", "READY=1"], got)
                expect(s.call("GET", "/v1/health")[0] == 200, "serves")
                expect(s.stop() == 0, s.err)
                got = notes(sock, 1)
                expect(got == ["STOPPING=1"], got)


@test
def passphrase_from_credential():
    """A passphrase vault opens with the service's credential
    $CREDENTIALS_DIRECTORY/passphrase and nothing on standard input; a
    wrong one is refused"""
    with TempDir() as tmp:
        d = new_vault(tmp, passphrase="correct horse battery staple")
        creds = os.path.join(tmp, "creds")
        os.mkdir(creds, 0o700)
        with open(os.path.join(creds, "passphrase"), "w") as f:
            f.write("correct horse battery staple\n")
        env = dict(os.environ, CREDENTIALS_DIRECTORY=creds)
        r = cx("status", "--data", d, env=env)
        expect(r.rc == 0, r)
        r = cx("status", "--data", d)
        expect(r.rc == 1 and "passphrase" in r.err, r)
        with open(os.path.join(creds, "passphrase"), "w") as f:
            f.write("wrong horse\n")
        r = cx("status", "--data", d, env=env)
        expect(r.rc == 1, r)


@test
def log_in_log_dir():
    """log_dir = an absolute directory: the log is written there and not
    in the data directory (systemd's LogsDirectory=)"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        logs = os.path.join(tmp, "var-log-cxvault")
        os.mkdir(logs, 0o700)
        set_config(d, log_dir=logs)
        old = os.path.join(d, "logs", "cxvault.log")
        before = os.path.getsize(old) if os.path.exists(old) else 0
        ok("subject", "add", "--data", d, "--phone", "+49 30 1234567")
        expect(os.path.getsize(os.path.join(logs, "cxvault.log")) > 0,
               os.listdir(logs))
        after = os.path.getsize(old) if os.path.exists(old) else 0
        expect(after == before, (before, after))
        set_config(d, log_dir=os.path.join(tmp, "nowhere"))
        r = cx("subject", "find", "--data", d, "--phone", "+49 30 1234567")
        expect(r.rc == 1 and "cannot open log" in r.err, r)


@test
def config_kept_in_etc():
    """init --config FILE (the package's /etc/cxvault/cxvault.conf): an
    operator's existing file is used as it is, the data directory links to
    it, and the vault's own rewrites (a retention change) go to the file,
    the link kept; a relative path or a broken file is refused and leaves
    nothing in the data directory"""
    with TempDir() as tmp:
        etc = os.path.join(tmp, "etc-cxvault")
        os.mkdir(etc)
        conf = os.path.join(etc, "cxvault.conf")
        d = new_vault(tmp, "plain")
        text = open(os.path.join(d, "cxvault.conf")).read()
        with open(conf, "w") as f:
            f.write(text.replace("default_country_code = 49",
                                 "default_country_code = 7"))
        v = os.path.join(tmp, "v")
        ok("init", "--data", v, "--config", conf, *store_args())
        link = os.path.join(v, "cxvault.conf")
        expect(os.path.islink(link) and os.readlink(link) == conf, link)
        out = ok("subject", "add", "--data", v, "--phone",
                 "8 916 555 01 23").out
        sid = json.loads(out)
        shown = ok("subject", "show", "--data", v, str(sid)).out
        expect("+79165550123" in shown, shown)
        ok("retention", "set", "--data", v, "recordings", "30 delete")
        expect(os.path.islink(link) and "retention_recordings = 30 delete"
               in open(conf).read(), open(conf).read()[-300:])
        r = cx("init", "--data", os.path.join(tmp, "w"), "--config",
               "cxvault.conf")
        expect(r.rc == 1 and "absolute" in r.err and
               not os.path.exists(os.path.join(tmp, "w", "cxvault.conf")), r)
        with open(conf, "a") as f:
            f.write("frobnicate = 1\n")
        r = cx("init", "--data", os.path.join(tmp, "x"), "--config", conf)
        expect(r.rc == 1 and "frobnicate" in r.err and
               not os.path.exists(os.path.join(tmp, "x")), r)


if __name__ == "__main__":
    main()
