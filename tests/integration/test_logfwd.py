# SPDX-License-Identifier: Apache-2.0
"""Issue 6, R8.5: the server forwards its log lines as RFC 5424 syslog
over TLS (RFC 5425) to a real collector (Debian's rsyslog with its GnuTLS
driver, started here), checking the collector's certificate (R4.2); the
forwarded lines are the redacted ones."""
import os
import re
import socket
import subprocess
import time

from harness import (ADMIN_PW, Server, TempDir, api_vault, expect, free_port,
                     main, set_config, test)
from tlsutil import make_ca, make_server_cert


class Rsyslog:
    """rsyslogd in the foreground: TLS input on a free port, every message
    into out.log in RFC 5424 form."""

    def __init__(self, tmp, ca, key, crt):
        self.tmp, self.port = tmp, free_port()
        self.out = os.path.join(tmp, "out.log")
        work = os.path.join(tmp, "work")
        os.makedirs(work, exist_ok=True)
        self.conf = os.path.join(tmp, "rsyslog.conf")
        open(self.conf, "w").write(f'''
global(workDirectory="{work}" defaultNetstreamDriver="gtls"
       defaultNetstreamDriverCAFile="{ca}"
       defaultNetstreamDriverCertFile="{crt}"
       defaultNetstreamDriverKeyFile="{key}")
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1"
       streamDriver.authMode="anon")
input(type="imtcp" port="{self.port}" address="127.0.0.1")
action(type="omfile" file="{self.out}"
       template="RSYSLOG_SyslogProtocol23Format")
''')

    def __enter__(self):
        self.proc = subprocess.Popen(
            ["rsyslogd", "-n", "-f", self.conf, "-i",
             os.path.join(self.tmp, "rsyslog.pid")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("rsyslogd exited: " +
                                         self.proc.stdout.read().decode())
                time.sleep(0.05)
        raise AssertionError("rsyslogd did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()

    def text(self):
        return open(self.out).read() if os.path.exists(self.out) else ""

    def wait_for(self, needle, seconds=15):
        for _ in range(seconds * 20):
            if needle in self.text():
                return True
            time.sleep(0.05)
        return False


def scenario(d, port_host):
    set_config(d, log_forward=port_host)
    with Server(d) as s:
        root = s.login("root", ADMIN_PW)
        s.call("GET", "/v1/users?logon=A0100", token=root)
        s.call("GET", "/v1/nothing/+4930123456789", token=root)
        s.call("DELETE", "/v1/session", token=root)


@test
def forwarded_over_tls():
    """Lines reach the collector over TLS, redacted, with RFC 5424
    headers; a collector whose certificate does not chain to the
    configured CA, or does not name the host, gets nothing"""
    with TempDir() as tmp:
        ca_key, ca = make_ca(tmp, "Test CA")
        key, crt = make_server_cert(tmp, ca_key, ca, "localhost")
        d = api_vault(tmp, tls_client_ca=ca)
        with Rsyslog(tmp, ca, key, crt) as rs:
            scenario(d, f"localhost:{rs.port}")
            expect(rs.wait_for("event=server.stop"), rs.text())
            got = rs.text()
            expect("cxvault" in got and "event=server.start" in got and
                   "event=http.request" in got, got)
            expect("route=unknown" in got and "4930123456789" not in got, got)
            first = got.splitlines()[0]
            # <local0.info>1 TIMESTAMP HOST APP PROCID MSGID SD MSG
            expect(re.match(r"<13[0-9]>1 20\d\d-\d\d-\d\dT[0-9:.]+Z \S+ "
                            r"cxvault \d+ - - ", first), first)
            before = got
            # The name in the certificate is localhost, not 127.0.0.1.
            scenario(d, f"127.0.0.1:{rs.port}")
            time.sleep(1)
            expect(rs.text() == before, "sent to a host the certificate "
                   "does not name")
            local = open(os.path.join(d, "logs", "cxvault.log")).read()
            expect("event=logfwd.connect" in local and "not trusted" in local,
                   local[-2000:])
            # A CA the collector's certificate does not chain to.
            _, other = make_ca(tmp, "Other CA")
            set_config(d, tls_client_ca=other)
            scenario(d, f"localhost:{rs.port}")
            time.sleep(1)
            expect(rs.text() == before, "sent to an untrusted collector")


@test
def collector_away_never_blocks():
    """With the collector down, requests are served as usual and the
    failure is logged locally once"""
    with TempDir() as tmp:
        _, ca = make_ca(tmp, "Test CA")
        d = api_vault(tmp, tls_client_ca=ca)
        set_config(d, log_forward=f"localhost:{free_port()}")
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            t0 = time.time()
            for _ in range(20):
                st, _, _ = s.call("GET", "/v1/health")
                expect(st == 200, st)
            expect(time.time() - t0 < 5, "requests stalled")
            expect(root, "login")
        local = open(os.path.join(d, "logs", "cxvault.log")).read()
        expect(local.count("event=logfwd.connect") == 1, local[-2000:])


if __name__ == "__main__":
    main()
