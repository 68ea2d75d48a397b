#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A real SMTP server for the voicemail-to-email tests, on Debian's
python3-aiosmtpd (so run with /usr/bin/python3): STARTTLS required, or
implicit TLS. Each message goes to OUT/N.eml with its envelope in
OUT/N.json; the first FAIL messages are refused with 451 (a temporary
failure) to exercise the sender's retries.
usage: smtp_server.py PORT CERT KEY starttls|smtps OUT [FAIL]"""
import json
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, out, fail):
        self.out, self.fail, self.n = out, fail, 0

    async def handle_DATA(self, server, session, envelope):
        if self.fail > 0:
            self.fail -= 1
            return "451 4.3.0 try again later"
        self.n += 1
        base = os.path.join(self.out, str(self.n))
        with open(base + ".json.tmp", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "tls": session.ssl is not None}, f)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 stored"


def main():
    port, cert, key, mode, out = sys.argv[1:6]
    fail = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    handler = Store(out, fail)
    if mode == "smtps":
        ctl = Controller(handler, hostname="127.0.0.1", port=int(port),
                         ssl_context=ctx)
    else:
        ctl = Controller(handler, hostname="127.0.0.1", port=int(port),
                         tls_context=ctx, require_starttls=True)
    ctl.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    ctl.stop()


if __name__ == "__main__":
    main()
