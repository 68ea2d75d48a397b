#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Count test cases across meson build directories and print one line per
failure and the closing line "N passed, N failed, N skipped". TAP tests
count each subtest; other tests count once; skipped ones never count as
passed. Exit 1 if anything failed or nothing ran."""
import json
import os
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b", re.M)
# Skipped: "ok N - name # SKIP why", or a test left out of a run with a
# "# SKIP name: why" comment (the cmocka suites).
SKIP = re.compile(r"^(?:ok\b.*#\s*SKIP\b|# SKIP \w)", re.M)


def count(builddir):
    passed, failed, skipped, failures = 0, 0, 0, []
    log = os.path.join(builddir, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        return 0, 1, 0, [f"{builddir}: no test log (build or test run failed)"]
    for line in open(log):
        t = json.loads(line)
        name = f"{os.path.basename(builddir)}: {t['name']}"
        out = t.get("stdout") or ""
        results = TAP.findall(out)
        skips = SKIP.findall(out)
        bad = t["result"] not in ("OK", "EXPECTEDFAIL")
        if results:
            f = results.count("not ok")
            if bad and f == 0:
                f = 1  # crashed or timed out after its last subtest
            passed += results.count("ok") - sum(x.startswith("ok")
                                                for x in skips)
            failed += f
            skipped += len(skips)
        elif bad:
            failed += 1
        else:
            passed += 1
        if bad:
            failures.append(f"{name}: {t['result']}")
    return passed, failed, skipped, failures


def main():
    total_p = total_f = total_s = 0
    for d in sys.argv[1:]:
        p, f, s, failures = count(d)
        total_p += p
        total_f += f
        total_s += s
        for msg in failures:
            print(f"FAILED {msg}")
        print(f"{os.path.basename(d)}: {p} passed, {f} failed, {s} skipped")
    print(f"{total_p} passed, {total_f} failed, {total_s} skipped")
    sys.exit(1 if total_f or total_p == 0 else 0)


main()
