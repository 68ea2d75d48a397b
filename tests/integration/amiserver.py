# SPDX-License-Identifier: Apache-2.0
"""An Asterisk Manager Interface server for the tests: no Asterisk runs
here (Debian 12 has no asterisk package), so this speaks the protocol as
Asterisk's own sources do (main/manager.c: the banner, Challenge,
Login with AuthType MD5 or Secret, the Events mask, Ping;
cdr/cdr_manager.c manager_log(): the "Event: Cdr" headers in their
order). It is a test double for the PBX's side only; the vault's client
is the real one."""
import csv
import hashlib
import queue
import random
import socket
import ssl
import threading
import time

# cdr_manager.c manager_log(): the headers of "Event: Cdr", in order.
CDR_HEADERS = ["AccountCode", "Source", "Destination", "DestinationContext",
               "CallerID", "Channel", "DestinationChannel",
               "LastApplication", "LastData", "StartTime", "AnswerTime",
               "EndTime", "Duration", "BillableSeconds", "Disposition",
               "AMAFlags", "UniqueID", "UserField"]
# cdr_csv's 18 columns (loguniqueid, loguserfield), in the same order.
CSV_COLUMNS = ["accountcode", "src", "dst", "dcontext", "clid", "channel",
               "dstchannel", "lastapp", "lastdata", "start", "answer", "end",
               "duration", "billsec", "disposition", "amaflags", "uniqueid",
               "userfield"]


def master_rows(path, n=None):
    """The 18-column rows of a cdr_csv Master.csv; n of them, cycled,
    each copy a call of its own (uniqueid suffixed), if n is given."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if len(r) == 18]
    if n is None:
        return rows
    out = []
    for i in range(n):
        r = list(rows[i % len(rows)])
        r[16] += f"-{i // len(rows)}"
        out.append(r)
    return out


def cdr_event(row):
    """The Event: Cdr message of one cdr_csv row (a list of 18 values)."""
    lines = ["Event: Cdr", "Privilege: cdr,all"]
    lines += [f"{h}: {v}" for h, v in zip(CDR_HEADERS, row)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def parse(block):
    out = {}
    for line in block.split("\r\n"):
        if ": " in line:
            k, v = line.split(": ", 1)
            out[k.lower()] = v
    return out


class FakeAMI:
    """Listens on loopback; one manager session at a time."""

    def __init__(self, user, secret, tls=None, challenge=True):
        self.user, self.secret, self.tls = user, secret, tls
        self.challenge = challenge
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.events = queue.Queue()
        self.logins, self.failed, self.masks, self.auth = 0, 0, [], []
        self.up = threading.Event()
        self.refusing = 0.0
        self.conn = None
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def close(self):
        self.stopping = True
        self.drop()
        self.sock.close()

    def drop(self):
        """Break the current session, as a PBX restart would."""
        c, self.conn = self.conn, None
        self.up.clear()
        if c is not None:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def refuse(self, seconds):
        """Accept and hang up at once for a while (the PBX is down)."""
        self.refusing = time.monotonic() + seconds

    def send(self, row):
        """Send one CDR row to the logged-in client; False if none."""
        c = self.conn
        if c is None or not self.up.is_set():
            return False
        try:
            c.sendall(cdr_event(row))
            return True
        except OSError:
            return False

    def serve(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            if time.monotonic() < self.refusing:
                c.close()
                continue
            if self.tls is not None:
                try:
                    c = self.tls.wrap_socket(c, server_side=True)
                except (OSError, ssl.SSLError):
                    c.close()
                    continue
            self.drop()
            self.conn = c
            threading.Thread(target=self.session, args=(c,),
                             daemon=True).start()

    def session(self, c):
        buf = b""
        chal = None
        try:
            c.sendall(b"Asterisk Call Manager/9.0.0\r\n")
            while True:
                while b"\r\n\r\n" not in buf:
                    got = c.recv(4096)
                    if not got:
                        return
                    buf += got
                block, buf = buf.split(b"\r\n\r\n", 1)
                m = parse(block.decode())
                aid = m.get("actionid", "")
                act = m.get("action", "").lower()
                if act == "challenge" and self.challenge and \
                        m.get("authtype", "").lower() == "md5":
                    chal = str(random.randrange(1 << 31))
                    c.sendall(f"Response: Success\r\nActionID: {aid}\r\n"
                              f"Challenge: {chal}\r\n\r\n".encode())
                elif act == "challenge":
                    c.sendall(f"Response: Error\r\nActionID: {aid}\r\n"
                              "Message: Must specify AuthType\r\n\r\n"
                              .encode())
                elif act == "login":
                    if m.get("authtype", "").lower() == "md5":
                        want = hashlib.md5((chal or "").encode() +
                                           self.secret.encode()).hexdigest()
                        good = chal is not None and m.get("key") == want
                        self.auth.append("md5")
                    else:
                        good = m.get("secret") == self.secret
                        self.auth.append("plain")
                    if not good or m.get("username") != self.user:
                        self.failed += 1
                        c.sendall(f"Response: Error\r\nActionID: {aid}\r\n"
                                  "Message: Authentication failed\r\n\r\n"
                                  .encode())
                        return
                    self.logins += 1
                    self.masks.append(m.get("events"))
                    c.sendall(f"Response: Success\r\nActionID: {aid}\r\n"
                              "Message: Authentication accepted\r\n\r\n"
                              "Event: FullyBooted\r\nPrivilege: system,all\r\n"
                              "Status: Fully Booted\r\n\r\n".encode())
                    self.up.set()
                elif act == "ping":
                    c.sendall(f"Response: Success\r\nActionID: {aid}\r\n"
                              f"Ping: Pong\r\nTimestamp: {time.time():.6f}"
                              "\r\n\r\n".encode())
                else:
                    c.sendall(f"Response: Error\r\nActionID: {aid}\r\n"
                              "Message: Invalid/unknown command\r\n\r\n"
                              .encode())
        except OSError:
            return
        finally:
            if self.conn is c:
                self.up.clear()
            c.close()
