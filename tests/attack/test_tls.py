# SPDX-License-Identifier: Apache-2.0
"""Issue 10, R4.1: Debian's testssl.sh finds no weakness rated medium or
worse in the running server (protocols, ciphers, key exchange, known
vulnerabilities, HTTP security headers), with a certificate as a site
installs it; client-initiated renegotiation is refused, and testssl.sh
says so too."""
import json
import os
import ssl
import subprocess
import time

from attack import site_certificate
from harness import Server, TempDir, api_vault, expect, main, test

BAD = ("MEDIUM", "HIGH", "CRITICAL")


def renegotiation_refused(port):
    """A TLS 1.2 client asks to renegotiate (R4.1, issue 25.11): the server
    answers with no new ServerHello and cuts the connection, so the
    client's renegotiation fails (openssl s_client exits 1; a server that
    closes with close_notify lets it exit 0, which scanners rightly read
    as renegotiation allowed)."""
    p = subprocess.Popen(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
         "-msg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    p.stdin.write(b"R\n")
    p.stdin.flush()
    time.sleep(3)	# the answer to the renegotiation, before stdin ends
    out = p.communicate(timeout=60)[0].decode("utf-8", "replace")
    after = out.split("RENEGOTIATING", 1)
    expect(len(after) == 2, f"s_client did not renegotiate: {out[-600:]}")
    return "ServerHello" not in after[1] and p.returncode != 0


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
            refused = renegotiation_refused(s.port)
        findings = json.load(open(report))
        expect(refused, "the server renegotiated at the client's request")
        # Renegotiation included: testssl's own verdict must be clean.
        bad = [f"{f['severity']} {f['id']}: {f['finding']}"
               for f in findings if f["severity"] in BAD]
        reneg = [f for f in findings if f["id"] == "secure_client_renego"]
        expect(reneg and reneg[0]["severity"] == "OK", reneg)
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
