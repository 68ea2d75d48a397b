#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 30: the Debian package, built as an operator builds it
(dpkg-buildpackage from a copy of the tree), checked by lintian with no
tag left but the justified overrides, unpacked into a throwaway root
(dpkg-deb -x: the maintainer scripts of a real installation would touch
this machine's users and units) whose files, conffile, unit and manual
pages are checked, and whose installed binary initialises a vault in the
package's layout (/var/lib/cxvault, /etc/cxvault/cxvault.conf,
/var/log/cxvault, inside that root) and serves it. TAP.
usage: test_deb.py SOURCE_DIR"""
import glob
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

EXPECTED = ["usr/bin/cxvault", "lib/systemd/system/cxvault.service",
            "etc/cxvault/cxvault.conf", "usr/lib/sysusers.d/cxvault.conf",
            "usr/lib/tmpfiles.d/cxvault.conf",
            "usr/share/man/man1/cxvault.1.gz",
            "usr/share/man/man5/cxvault.conf.5.gz",
            "usr/share/doc/cxvault/copyright",
            "usr/share/doc/cxvault/examples/cxvault.conf"]
PW = "tangerine submarine parcel 2026"


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def copy_tree(src, dst):
    """The tree as git has it (tracked and new files, nothing ignored)."""
    files = run("git", "-C", src, "ls-files", "-co", "--exclude-standard",
                "-z").stdout.split("\0")
    for f in files:
        if f and os.path.isfile(os.path.join(src, f)):
            os.makedirs(os.path.join(dst, os.path.dirname(f)), exist_ok=True)
            shutil.copy2(os.path.join(src, f), os.path.join(dst, f))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_in(root):
    """init and serve with the installed binary, in the package's layout
    inside root; True if it answered /v1/health and stopped cleanly."""
    cx = os.path.join(root, "usr/bin/cxvault")
    data = os.path.join(root, "var/lib/cxvault")
    logs = os.path.join(root, "var/log/cxvault")
    conf = os.path.join(root, "etc/cxvault/cxvault.conf")
    # What postinst's systemd-tmpfiles --create makes.
    tmpfiles = open(os.path.join(root, "usr/lib/tmpfiles.d/cxvault.conf"))
    made = [line.split()[1] for line in tmpfiles if line.startswith("d ")]
    if sorted(made) != ["/var/lib/cxvault", "/var/log/cxvault"]:
        return False, f"tmpfiles.d makes {made}"
    for d in made:
        os.makedirs(root + d, mode=0o700)
    # The conffile points the log at /var/log/cxvault: here, root's.
    text = open(conf).read()
    if "log_dir = /var/log/cxvault\n" not in text:
        return False, "the conffile does not log to /var/log/cxvault"
    with open(conf, "w") as f:
        f.write(text.replace("log_dir = /var/log/cxvault", f"log_dir = {logs}"))
    r = run(cx, "init", "--data", data, "--config", conf, "--admin", "admin",
            "--password-stdin", input=PW + "\n")
    if r.returncode != 0:
        return False, r.stderr
    port = free_port()
    p = subprocess.Popen([cx, "serve", "--data", data, "--listen",
                          f"127.0.0.1:{port}"], stderr=subprocess.PIPE)
    try:
        line = b""
        while b"serving" not in line:
            line = p.stderr.readline()
            if not line:
                return False, "serve exited"
        ctx = ssl.create_default_context(
            cafile=os.path.join(data, "tls", "cert.pem"))
        body = urllib.request.urlopen(f"https://127.0.0.1:{port}/v1/health",
                                      context=ctx, timeout=30).read()
        logged = os.path.getsize(os.path.join(logs, "cxvault.log")) > 0
    finally:
        p.terminate()
        rc = p.wait(30)
    return (b'"ok"' in body and logged and rc == 0 and
            os.path.islink(os.path.join(data, "cxvault.conf")),
            f"health {body!r}, log written {logged}, exit {rc}")


def main():
    src = os.path.abspath(sys.argv[1])
    checks = []
    with tempfile.TemporaryDirectory(prefix="cxv-deb-") as tmp:
        tree = os.path.join(tmp, "cxvault")
        copy_tree(src, tree)
        # The suite has run the unit tests already.
        env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2")
        b = run("dpkg-buildpackage", "-b", "-us", "-uc", cwd=tree, env=env)
        debs = [d for d in glob.glob(os.path.join(tmp, "cxvault_*.deb"))]
        checks.append(("dpkg-buildpackage builds cxvault_*.deb",
                       b.returncode == 0 and len(debs) == 1,
                       b.stderr[-2000:]))
        if not debs:
            return report(checks)
        deb = debs[0]
        changes = glob.glob(os.path.join(tmp, "cxvault_*.changes"))[0]
        lint = run("lintian", "--display-info", "--pedantic", "--fail-on",
                   "error,warning,info,pedantic", changes)
        checks.append(("lintian: no tag but the justified overrides",
                       lint.returncode == 0, lint.stdout + lint.stderr))
        conffiles = run("dpkg-deb", "-I", deb, "conffiles").stdout
        checks.append(("/etc/cxvault/cxvault.conf is a conffile",
                       conffiles.strip() == "/etc/cxvault/cxvault.conf",
                       conffiles))
        root = os.path.join(tmp, "root")
        run("dpkg-deb", "-x", deb, root)
        missing = [f for f in EXPECTED
                   if not os.path.isfile(os.path.join(root, f))]
        checks.append(("the binary, unit, conffile, sysusers and tmpfiles "
                       "entries, manual pages and example are installed",
                       missing == [],
                       f"missing: {missing}"))
        # As installed, but for the binary's path: this machine has no
        # /usr/bin/cxvault (verify checks that ExecStart= exists).
        unit = os.path.join(tmp, "cxvault.service")
        with open(os.path.join(root, "lib/systemd/system/cxvault.service")) \
                as f, open(unit, "w") as out:
            text = f.read()
            out.write(text.replace("/usr/bin/cxvault ", os.path.join(
                root, "usr/bin/cxvault") + " "))
        v = run("systemd-analyze", "verify", unit, env=dict(
            os.environ, MANPATH=os.path.join(root, "usr/share/man")))
        checks.append(("systemd-analyze verify: the installed unit",
                       "ExecStart=/usr/bin/cxvault serve" in text and
                       v.returncode == 0 and v.stdout + v.stderr == "",
                       v.stdout + v.stderr))
        warn = ""
        for page in ("man1/cxvault.1.gz", "man5/cxvault.conf.5.gz"):
            m = run("man", "--warnings", "-l",
                    os.path.join(root, "usr/share/man", page),
                    env=dict(os.environ, MANWIDTH="80"))
            warn += m.stderr if m.returncode == 0 else m.stderr + "failed"
        checks.append(("man -l renders both pages without warnings",
                       warn == "", warn))
        good, why = serve_in(root)
        checks.append(("the installed binary initialises and serves a vault "
                       "in the package's layout", good, why))
    return report(checks)


def report(checks):
    print(f"1..{len(checks)}")
    failed = 0
    for i, (name, good, why) in enumerate(checks, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good:
            failed = 1
            for line in str(why).splitlines()[-40:]:
                print(f"# {line}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
