# SPDX-License-Identifier: Apache-2.0
"""Issue 10, R4: Debian's sqlmap finds no SQL injection in the search
and list endpoints, nor in the login, with a session that may use them;
the vault is whole afterwards."""
import os
import ssl
import subprocess

from attack import Client, site_certificate
from harness import (ADMIN_PW, Server, TempDir, api_vault, expect, main,
                     test)
from urllib.parse import quote

# Each endpoint with every argument it takes (sqlmap tries each).
TARGETS = [
    ("GET", "/v1/subjects?phone=" + quote("+49 30 1234567") + "&limit=10",
     None),
    ("GET", "/v1/subjects?email=jane%40example.org", None),
    ("GET", "/v1/subjects?name=Jane%20Doe", None),
    ("GET", "/v1/interactions?phone=" + quote("+49 30 1234567") +
     "&agent=1&since=2026-01-01T00:00:00Z&until=2026-12-31T00:00:00Z"
     "&limit=10", None),
    ("GET", "/v1/users?limit=5", None),
    ("GET", "/v1/requests?status=open&limit=5", None),
    ("GET", "/v1/audit?since=2026-01-01T00:00:00Z&limit=5", None),
    ("GET", "/v1/charges?room=101&since=2026-01-01T00:00:00Z&limit=5", None),
    ("POST", "/v1/sessions", '{"name":"nobody1","password":"x"}'),
]


def sqlmap(url, token, data, out):
    args = ["sqlmap", "-u", url, "--batch", "--flush-session",
            "--output-dir", out, "--level", "2", "--risk", "1",
            "--threads", "2", "--timeout", "20", "--retries", "1",
            "--disable-coloring",
            "--headers", f"Authorization: Bearer {token}"]
    if data:
        # A wrong login is the answer: 401 is the page to compare.
        args += ["--data", data, "--method", "POST", "--ignore-code", "401"]
    r = subprocess.run(args, capture_output=True, timeout=900,
                       env=dict(os.environ, HOME=out))
    return r.stdout.decode("utf-8", "replace")


@test
def sqlmap_finds_no_injection():
    """sqlmap (boolean, error, union, stacked, time-based) on every
    argument of the search and list endpoints and the login: nothing"""
    with TempDir() as tmp:
        # sqlmap makes thousands of failed logins: neither the lockout
        # nor the per-address login throttle (issue 25.5, tested by
        # test_flood) may answer it before the SQL is reached.
        d = api_vault(tmp, lockout_failures="1000",
                      login_address_burst="1000000")
        ca = site_certificate(tmp, d)
        with Server(d) as s:
            s.ctx = ssl.create_default_context(cafile=ca)
            root = s.login("root", ADMIN_PW)
            s.make_user(root, "DPO1", "auditor", "dpo pass phrase 2026")
            dpo = s.login("DPO1", "dpo pass phrase 2026")
            for method, path, data in TARGETS:
                out = sqlmap(f"https://127.0.0.1:{s.port}{path}",
                             root if "users" in path else dpo, data,
                             os.path.join(tmp, "sqlmap"))
                tested = [l for l in out.splitlines()
                          if "testing '" in l]
                expect(len(tested) > 20, f"{path}: sqlmap did not test: "
                       f"{out[-1500:]}")
                expect("identified the following injection point" not in
                       out and "appears to be injectable" not in out and
                       "is vulnerable" not in out, f"{path}: {out[-3000:]}")
                expect("do not appear to be injectable" in out,
                       f"{path}: {out[-1500:]}")
                print(f"# {method} {path.split('?')[0]}: {len(tested)} "
                      "sqlmap tests, no injection", flush=True)
            c = Client(s, dpo)
            st, doc = c.call("GET", "/v1/audit/verify")
            expect(st == 200 and doc["intact"] is True, doc)
            st, _ = c.call("GET", "/v1/session")
            expect(st == 200, "the DPO's session ended")


if __name__ == "__main__":
    main()
