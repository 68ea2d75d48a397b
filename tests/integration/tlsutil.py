# SPDX-License-Identifier: Apache-2.0
"""Test certificates made with openssl: a CA, and a server certificate
it signs for one DNS name (the collector, directory and mail server
tests)."""
import os
import subprocess


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_ca(tmp, name):
    """A self-signed CA: (key path, certificate path)."""
    stem = name.replace(" ", "_")
    key, crt = os.path.join(tmp, stem + ".key"), os.path.join(tmp, stem + ".pem")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
            "-days", "2", "-subj", f"/CN={name}")
    return key, crt


def make_server_cert(tmp, ca_key, ca_crt, dns, stem="srv", ip=None):
    """A certificate for dns (and the address ip) signed by the CA: (key
    path, cert path)."""
    key, csr = os.path.join(tmp, stem + ".key"), os.path.join(tmp, stem + ".csr")
    crt, ext = os.path.join(tmp, stem + ".pem"), os.path.join(tmp, stem + ".cnf")
    san = f"DNS:{dns}" + (f",IP:{ip}" if ip else "")
    open(ext, "w").write(f"subjectAltName={san}\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={dns}")
    openssl("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
            "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext)
    os.chmod(key, 0o644)	# the test servers may read it as another user
    return key, crt
