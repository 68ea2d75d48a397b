# SPDX-License-Identifier: Apache-2.0
"""What the attack tests share: the integration harness, a keep-alive
HTTPS client, and a server with a certificate from a test CA."""
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                "integration"))
from harness import set_config  # noqa: E402
from tlsutil import openssl  # noqa: E402


class Client:
    """One keep-alive HTTPS connection to the server s."""

    def __init__(self, s, token=None, source=None):
        self.s, self.token, self.source, self.conn = s, token, source, None

    def call(self, method, path, body=None):
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(
                "127.0.0.1", self.s.port, context=self.s.ctx, timeout=60,
                source_address=(self.source, 0) if self.source else None)
        h = {"Authorization": "Bearer " + self.token} if self.token else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=h)
            resp = self.conn.getresponse()
            payload = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if resp.getheader("Content-Type", "").startswith("application/json"):
            payload = json.loads(payload)
        return resp.status, payload


def site_certificate(tmp, d):
    """A certificate as a site would install it (a CA's, for localhost
    and 127.0.0.1, 90 days, with revocation information), configured
    for the vault d; returns the CA's certificate path."""
    ca_key, ca = os.path.join(tmp, "ca.key"), os.path.join(tmp, "ca.pem")
    key, csr = os.path.join(tmp, "srv.key"), os.path.join(tmp, "srv.csr")
    crt, ext = os.path.join(tmp, "srv.pem"), os.path.join(tmp, "srv.cnf")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key, "-out",
            ca, "-days", "30", "-subj", "/CN=cxvault test CA")
    open(ext, "w").write(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "crlDistributionPoints=URI:http://crl.example.invalid/ca.crl\n"
        "authorityInfoAccess=OCSP;URI:http://ocsp.example.invalid/\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
            "-CAcreateserial", "-out", crt, "-days", "90", "-extfile", ext)
    set_config(d, tls_cert=crt, tls_key=key)
    return ca


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name, in parentheses, may hold spaces.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
