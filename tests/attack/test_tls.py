# SPDX-License-Identifier: Apache-2.0
"""Issue 10, R4.1: Debian's testssl.sh finds no weakness rated medium or
worse in the running server (protocols, ciphers, key exchange, known
vulnerabilities, HTTP security headers), with a certificate as a site
installs it."""
import json
import os
import ssl
import subprocess

from attack import site_certificate
from harness import Server, TempDir, api_vault, expect, main, test

BAD = ("MEDIUM", "HIGH", "CRITICAL")


@test
def testssl_finds_nothing_medium_or_worse():
    """testssl.sh: no finding rated MEDIUM, HIGH or CRITICAL"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        ca = site_certificate(tmp, d)
        report = os.path.join(tmp, "testssl.json")
        with Server(d) as s:
            s.ctx = ssl.create_default_context(cafile=ca)
            r = subprocess.run(
                ["testssl", "--quiet", "--color", "0", "--warnings", "batch",
                 "--add-ca", ca, "--ip", "127.0.0.1", "--jsonfile", report,
                 f"localhost:{s.port}"], capture_output=True, timeout=900)
        findings = json.load(open(report))
        bad = [f"{f['severity']} {f['id']}: {f['finding']}"
               for f in findings if f["severity"] in BAD]
        # The run must have tested what matters, not stopped early.
        ids = {f["id"] for f in findings}
        for must in ("TLS1", "TLS1_2", "TLS1_3", "heartbleed", "ROBOT",
                     "cert_chain_of_trust", "HSTS_time", "PFS"):
            expect(must in ids, f"testssl did not report {must}: rc "
                   f"{r.returncode} {r.stderr[-400:]!r}")
        for f in findings:
            if f["severity"] not in ("OK", "INFO"):
                print(f"# {f['severity']:8} {f['id']}: {f['finding'][:70]}")
        expect(not bad, "\n".join(bad))


if __name__ == "__main__":
    main()
