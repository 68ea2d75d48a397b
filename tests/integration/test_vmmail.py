# SPDX-License-Identifier: Apache-2.0
"""Issue 9, R4.3 and R4.2: voicemail messages mailed with the audio
attached to a real SMTP server (Debian's python3-aiosmtpd) started here,
with STARTTLS or implicit TLS and its certificate checked; deletion after
sending as the user chose; retries with a growing pause visible in the
user's state; an untrusted server gets nothing."""
import email
import email.policy
import json
import os
import subprocess
import time

from harness import (ADMIN_PW, Server, TempDir, api_vault, cx, cx_at, expect,
                     fails, free_port, main, new_vault, ok, set_config, test)
from tlsutil import make_ca, make_server_cert

SMTP = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "smtp_server.py")
AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 400


class Smtp:
    """The test SMTP server: mode starttls or smtps; messages in out/."""

    def __init__(self, tmp, key, crt, mode="starttls", fail=0):
        self.port, self.out = free_port(), os.path.join(tmp, "mail-" + mode)
        os.makedirs(self.out, exist_ok=True)
        self.args = ["/usr/bin/python3", SMTP, str(self.port), crt, key, mode,
                     self.out, str(fail)]

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        line = self.proc.stdout.readline()
        expect(line.strip() == b"ready", f"smtp server: {line}")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()

    def messages(self):
        names = sorted(n for n in os.listdir(self.out) if n.endswith(".eml"))
        out = []
        for n in names:
            env = json.load(open(os.path.join(self.out, n[:-4] + ".json")))
            msg = email.message_from_bytes(
                open(os.path.join(self.out, n), "rb").read(),
                policy=email.policy.default)
            out.append((env, msg))
        return out


def mail_tls(tmp):
    ca_key, ca = make_ca(tmp, "Mail CA")
    key, crt = make_server_cert(tmp, ca_key, ca, "localhost", stem="mail",
                                ip="127.0.0.1")
    return ca, key, crt


def vault_with_user(tmp, ca, url, **extra):
    d = new_vault(tmp)
    set_config(d, smtp_url=url, smtp_from="voicemail@example.org",
               tls_client_ca=ca, **extra)
    ok("user", "add", "--data", d, "--logon", "A0100", "--first-name",
       "Anna", "--email", "anna.agent@example.org")
    return d


def deposit(d, tmp, name="vm.wav"):
    p = os.path.join(tmp, name)
    open(p, "wb").write(AUDIO)
    return json.loads(ok("import", "content", "--data", d, "--user", "A0100",
                         "--kind", "voicemail", p).out)["content"]


def status(d):
    return json.loads(ok("voicemail", "status", "--data", d, "A0100").out)


def later(minutes, *args):
    p = cx_at(f"+{minutes}m", *args)
    expect(p.returncode == 0, p)
    return p.stdout.decode()


@test
def mailed_then_deleted():
    """Must-show: a voicemail message goes out over STARTTLS to the
    user's address with the audio attached byte for byte, and, as the
    user chose, is deleted once sent; all audited"""
    with TempDir() as tmp:
        ca, key, crt = mail_tls(tmp)
        with Smtp(tmp, key, crt) as smtp:
            d = vault_with_user(tmp, ca, f"smtp://127.0.0.1:{smtp.port}")
            before = deposit(d, tmp, "before.wav")	# not chosen yet
            doc = json.loads(ok("voicemail", "mail", "--data", d, "A0100",
                                "--on", "--delete-after").out)
            expect(doc["mail"] and doc["delete_after_send"] and
                   doc["messages"] == [], doc)
            cid = deposit(d, tmp)
            expect([m["state"] for m in status(d)["messages"]] == ["queued"],
                   status(d))
            rep = json.loads(ok("voicemail", "send", "--data", d).out)
            expect(rep == {"sent": 1, "failed": 0}, rep)
            msgs = smtp.messages()
            expect(len(msgs) == 1, msgs)
            env, msg = msgs[0]
            expect(env["tls"] and env["to"] == ["anna.agent@example.org"] and
                   env["from"] == "voicemail@example.org", env)
            parts = [p for p in msg.iter_attachments()]
            expect(len(parts) == 1 and
                   parts[0].get_content_type() == "audio/wav" and
                   parts[0].get_content() == AUDIO, "attachment")
            expect(msg["Subject"] == "New voicemail message", msg["Subject"])
            st = status(d)["messages"]
            expect(st[0]["state"] == "sent" and st[0]["content"] == cid, st)
            fails(cx("content", "get", "--data", d, str(cid), "--out", "-"),
                  1, "no such content")
            r = cx("content", "get", "--data", d, str(before), "--out",
                   os.path.join(tmp, "b.out"))
            expect(r.rc == 0, "the message from before the choice stays")
            audit = ok("audit", "list", "--data", d).out
            expect('"voicemail.mailed"' in audit and '"content.delete"' in
                   audit and '"voicemail.mail.set"' in audit, "audited")
            log = open(os.path.join(d, "logs", "cxvault.log")).read()
            expect("anna.agent" not in log, "address in the log")


@test
def retried_with_pause():
    """A temporary refusal (451) is retried after a pause, visible in
    the state; keep leaves the message in the vault"""
    with TempDir() as tmp:
        ca, key, crt = mail_tls(tmp)
        with Smtp(tmp, key, crt, fail=1) as smtp:
            d = vault_with_user(tmp, ca, f"smtp://127.0.0.1:{smtp.port}")
            ok("voicemail", "mail", "--data", d, "A0100", "--on", "--keep")
            cid = deposit(d, tmp)
            rep = json.loads(ok("voicemail", "send", "--data", d).out)
            expect(rep == {"sent": 0, "failed": 1}, rep)
            m = status(d)["messages"][0]
            expect(m["state"] == "retrying" and m["attempts"] == 1 and
                   m["last_error"] == "smtp_451" and m["next_try"], m)
            rep = json.loads(ok("voicemail", "send", "--data", d).out)
            expect(rep == {"sent": 0, "failed": 0}, "retried too early")
            rep = json.loads(later(2, "voicemail", "send", "--data", d))
            expect(rep == {"sent": 1, "failed": 0}, rep)
            expect(len(smtp.messages()) == 1, "one message")
            ok("content", "get", "--data", d, str(cid), "--out",
               os.path.join(tmp, "kept.wav"))


@test
def implicit_tls_and_untrusted():
    """smtps:// works; a server whose certificate does not chain to
    tls_client_ca gets nothing (state: tls)"""
    with TempDir() as tmp:
        ca, key, crt = mail_tls(tmp)
        with Smtp(tmp, key, crt, mode="smtps") as smtp:
            d = vault_with_user(tmp, ca, f"smtps://127.0.0.1:{smtp.port}")
            ok("voicemail", "mail", "--data", d, "A0100", "--on")
            deposit(d, tmp)
            rep = json.loads(ok("voicemail", "send", "--data", d).out)
            expect(rep["sent"] == 1 and len(smtp.messages()) == 1, rep)
            _, other = make_ca(tmp, "Other CA")
            set_config(d, tls_client_ca=other)
            deposit(d, tmp, "second.wav")
            rep = json.loads(ok("voicemail", "send", "--data", d).out)
            expect(rep == {"sent": 0, "failed": 1}, rep)
            expect(status(d)["messages"][0]["last_error"] == "tls",
                   status(d))
            expect(len(smtp.messages()) == 1, "sent to an untrusted server")


@test
def through_the_server():
    """The PBX deposits a voicemail message over the API; the server
    mails it within seconds; the end user chooses and follows it on the
    self-service routes"""
    with TempDir() as tmp:
        ca, key, crt = mail_tls(tmp)
        with Smtp(tmp, key, crt) as smtp:
            d = api_vault(tmp, smtp_url=f"smtp://127.0.0.1:{smtp.port}",
                          smtp_from="voicemail@example.org", tls_client_ca=ca)
            with Server(d) as s:
                root = s.login("root", ADMIN_PW)
                eu = s.make_user(root, "EU1", "end_user", "end user pass 2026",
                                 email="eu1@example.org")
                tok = s.feed_token(root, "content.write")
                me = s.login("EU1", "end user pass 2026")
                st, _, doc = s.call("PUT", "/v1/me/voicemail", {
                    "mail": True, "delete_after_send": False}, token=me)
                expect(st == 200 and doc["mail"], doc)
                st, _, doc = s.call("PUT", "/v1/me/voicemail", {"mail": 1},
                                    token=me)
                expect(st == 400, doc)
                st, _, doc = s.call(
                    "POST", f"/v1/users/{eu}/content?kind=voicemail",
                    raw=AUDIO, token=tok,
                    headers={"Content-Type": "application/octet-stream"})
                expect(st == 201, f"{st} {doc}")
                # Refused at the headers: a small body, so the client
                # has sent it all before the server answers and closes.
                st, _, doc = s.call(
                    "POST", f"/v1/users/{eu}/content?kind=recording",
                    raw=b"x", token=tok)
                expect(st == 400, doc)
                for _ in range(300):
                    if smtp.messages():
                        break
                    time.sleep(0.05)
                expect(len(smtp.messages()) == 1, "not mailed by the server")
                for _ in range(100):
                    st, _, doc = s.call("GET", "/v1/me/voicemail", token=me)
                    if doc["messages"][0]["state"] == "sent":
                        break
                    time.sleep(0.05)
                expect(doc["messages"][0]["state"] == "sent", doc)
                st, _, doc = s.call("GET", f"/v1/users/{eu}/voicemail",
                                    token=me)
                expect(st == 403, doc)


@test
def settings_checked():
    """Bad mail settings stop the server with a reason; send without a
    mail server says so; a user without an address is retried"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("user", "add", "--data", d, "--logon", "A0100")
        fails(cx("voicemail", "send", "--data", d), 1, "smtp_url")
        fails(cx("voicemail", "mail", "--data", d, "A0100"), 2, "--on")
        fails(cx("voicemail", "mail", "--data", d, "A0100", "--off",
                 "--delete-after"), 2)
        fails(cx("voicemail", "status", "--data", d, "nobody"), 1,
              "no such user")
        for keys, needle in (({"smtp_url": "http://mail"}, "smtp_url must"),
                             ({"smtp_url": "smtp://mail", "smtp_from": "x"},
                              "smtp_from"),
                             ({"smtp_url": "smtp://mail", "smtp_from":
                               "a@b.c", "smtp_user": "u"},
                              "smtp_password_file")):
            set_config(d, smtp_url="", smtp_from="", smtp_user="")
            set_config(d, **keys)
            r = cx("serve", "--data", d, "--listen",
                   f"127.0.0.1:{free_port()}", timeout=30)
            expect(r.rc == 1 and needle in r.err, f"{keys}: {r}")
        set_config(d, smtp_url="smtp://127.0.0.1:9", smtp_from="a@b.c",
                   smtp_user="")
        ok("voicemail", "mail", "--data", d, "A0100", "--on")
        deposit(d, tmp)
        rep = json.loads(ok("voicemail", "send", "--data", d).out)
        expect(rep == {"sent": 0, "failed": 1}, rep)
        expect(status(d)["messages"][0]["last_error"] == "no_email",
               status(d))


if __name__ == "__main__":
    main()
