#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Issue 30: the manual pages built from the binary (tools/gen_man.py)
render without a warning, and hold every command and every
configuration key the binary has; TAP.
usage: man.py CXVAULT cxvault.1 cxvault.conf.5"""
import os
import re
import subprocess
import sys
import tempfile


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def main():
    binary, page1, page5 = sys.argv[1:4]
    checks = []
    for page in (page1, page5):
        r = run("man", "--warnings", "-l", page,
                env=dict(os.environ, MANWIDTH="80", MANPAGER="cat"))
        checks.append((f"{os.path.basename(page)} renders without warnings",
                       r.returncode == 0 and r.stderr == "", r.stderr))
    text1, text5 = open(page1).read(), open(page5).read()
    top = run(binary, "--help")
    cmds = re.findall(r"(?m)^  ([a-z]+) ", top.stdout + top.stderr)
    missing = [c for c in cmds if f".SS {c}\n" not in text1]
    checks.append(("every command of --help is in cxvault(1)",
                   cmds != [] and missing == [], f"missing: {missing}"))
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "v")
        run(binary, "init", "--data", d)
        conf = os.path.join(d, "cxvault.conf")
        keys = re.findall(r"(?m)^([a-z_]+) =", open(conf).read())
        # The binary names its source keys when one is unknown.
        with open(conf, "a") as f:
            f.write("source.x.colour = red\n")
        err = run(binary, "status", "--data", d).stderr
    m = re.search(r"unknown source key \(([a-z_, ]+)\)", err)
    skeys = m.group(1).split(", ") if m else []
    missing = [k for k in keys if f".B {k}\n" not in text5]
    missing += [k for k in skeys if f"source.NAME.{k} " not in
                text5.replace("\\-", "-").replace("\\e", "\\")]
    checks.append(("every key of cxvault.conf is in cxvault.conf(5)",
                   len(keys) > 20 and len(skeys) >= 7 and missing == [],
                   f"missing: {missing}; source keys: {skeys}"))
    print(f"1..{len(checks)}")
    failed = 0
    for i, (name, good, why) in enumerate(checks, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good:
            failed = 1
            for line in str(why).splitlines():
                print(f"# {line}")
    sys.exit(failed)


main()
