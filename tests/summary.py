#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Count test cases across meson build directories and print one line per
failure and the closing line "N passed, N failed". TAP tests count each
subtest; other tests count once. Exit 1 if anything failed or nothing ran."""
import json
import os
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b", re.M)


def count(builddir):
    passed, failed, failures = 0, 0, []
    log = os.path.join(builddir, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        return 0, 1, [f"{builddir}: no test log (build or test run failed)"]
    for line in open(log):
        t = json.loads(line)
        name = f"{os.path.basename(builddir)}: {t['name']}"
        results = TAP.findall(t.get("stdout") or "")
        bad = t["result"] not in ("OK", "EXPECTEDFAIL")
        if results:
            p = results.count("ok")
            f = results.count("not ok")
            if bad and f == 0:
                f = 1  # crashed or timed out after its last subtest
            passed += p
            failed += f
        elif bad:
            failed += 1
        else:
            passed += 1
        if bad:
            failures.append(f"{name}: {t['result']}")
    return passed, failed, failures


def main():
    total_p = total_f = 0
    for d in sys.argv[1:]:
        p, f, failures = count(d)
        total_p += p
        total_f += f
        for msg in failures:
            print(f"FAILED {msg}")
        print(f"{os.path.basename(d)}: {p} passed, {f} failed")
    print(f"{total_p} passed, {total_f} failed")
    sys.exit(1 if total_f or total_p == 0 else 0)


main()
