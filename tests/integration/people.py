# SPDX-License-Identifier: Apache-2.0
"""A person with data in every store, shared by the erasure and the
subject-rights tests (issue 5's scenario)."""
import json
import os

from harness import cx, ok

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
MASTER = os.path.join(DATA, "asterisk", "Master.csv")

# The content items person_everywhere() stores, by kind: their bytes.
CONTENT = {
    "recording": b"RIFF-Jane-Doe-recording" * 4096,
}


def person_everywhere(d, tmp):
    """Jane: calls (Asterisk), a chat, a recording, a protected item,
    call-log entries of two agents, a campaign entry and result, a
    directory contact, a hotel charge, statistics."""
    for logon, ext in (("A0100", "100"), ("A0101", "101")):
        ok("user", "add", "--data", d, "--logon", logon, "--extension", ext)
    cx("import", "cdr", "--data", d, "--format", "asterisk-csv", MASTER)
    extra = os.path.join(tmp, "out.csv")
    open(extra, "w").write(
        '"","101","030123456789","from-internal","","a","b","Dial","x",'
        '"2026-11-04 10:00:00","2026-11-04 10:00:05","2026-11-04 10:01:05",'
        '65,60,"ANSWERED","BILLING","out-1",""\n')
    ok("import", "cdr", "--data", d, "--format", "asterisk-csv", extra)
    sid = json.loads(ok("subject", "find", "--data", d, "--phone",
                        "+4930123456789").out)["subject"]
    ok("interaction", "add", "--data", d, "--media", "chat", "--phone",
       "+4930123456789", "--chat", "Jane.D", "--start",
       "2026-11-05T10:00:00Z", "--outcome", "answered", "--field",
       "queue=Cards")
    ok("interaction", "add", "--data", d, "--media", "email", "--email",
       "Jane.Doe@Example.org", "--phone", "+4930123456789", "--start",
       "2026-11-05T11:00:00Z", "--outcome", "answered")
    calls = [json.loads(l) for l in ok("interaction", "list", "--data", d,
                                       "--phone", "+4930123456789")
             .out.splitlines()]
    rec = os.path.join(tmp, "rec.wav")
    open(rec, "wb").write(b"RIFF-Jane-Doe-recording" * 4096)
    ok("import", "content", "--data", d, "--interaction",
       str(calls[0]["interaction"]), "--kind", "recording", rec)
    ok("interaction", "item", "--data", d, str(calls[0]["interaction"]),
       "--name", "card_pin", "--value", "90817263", "--protected")
    ok("campaign", "create", "--data", d, "Winback")
    lst = os.path.join(tmp, "list.csv")
    open(lst, "w").write("name,number\nJane Doe,+4930123456789\n"
                         "Max Mustermann,030 98765432\n")
    ok("import", "campaign", "--data", d, "--campaign", "Winback", lst)
    ok("campaign", "result", "--data", d, "Winback", "--phone",
       "030 123456789", "--outcome", "declined")
    ok("contact", "add", "--data", d, "--first-name", "Jane", "--last-name",
       "Doe", "--phone", "+4930123456789")
    ok("charge", "add", "--data", d, "--room", "7", "--guest", "Jane Doe",
       "--guest-phone", "+4930123456789", "--dialled", "112", "--time",
       "2026-11-06T10:00:00Z", "--duration", "10", "--amount", "0.10")
    return sid, calls


def person_in_every_store(d, tmp):
    """person_everywhere() and more: a chat transcript, an email with an
    attachment, a voicemail, a call to a third agent. Returns the
    subject id and {content id: bytes}."""
    sid, calls = person_everywhere(d, tmp)
    ok("user", "add", "--data", d, "--logon", "A0102", "--extension", "102")
    third = os.path.join(tmp, "third.csv")
    open(third, "w").write(
        '"","+4930123456789","102","from-trunk","""Jane Doe"" '
        '<+4930123456789>","a","b","Dial","x","2026-11-07 09:00:00",'
        '"2026-11-07 09:00:05","2026-11-07 09:02:05",125,120,"ANSWERED",'
        '"DOCUMENTATION","third-1",""\n')
    ok("import", "cdr", "--data", d, "--format", "asterisk-csv", third)
    listed = [json.loads(l) for l in ok(
        "interaction", "list", "--data", d, "--phone", "+4930123456789")
        .out.splitlines()]
    by_media = {i["media"]: i["interaction"] for i in listed}
    content = {}
    for kind, ia, data in (
            ("chat_transcript", by_media["chat"],
             b"Jane Doe: my card 4111 was charged twice\n"),
            ("email", by_media["email"],
             b"From: Jane Doe <jane.doe@example.org>\r\nContent-Type: "
             b"multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nSee the "
             b"attachment.\r\n--x\r\nContent-Disposition: attachment; "
             b"filename=invoice.pdf\r\n\r\n%PDF-1.4 Jane-Doe-invoice\r\n"
             b"--x--\r\n"),
            ("voicemail", calls[0]["interaction"],
             b"RIFF-Jane-Doe-voicemail" * 2048)):
        f = os.path.join(tmp, kind)
        open(f, "wb").write(data)
        cid = json.loads(ok("import", "content", "--data", d,
                            "--interaction", str(ia), "--kind", kind,
                            f).out)["content"]
        # Issue 29: an email is stored redacted as log lines are.
        content[cid] = data.replace(b"jane.doe@example.org", b"[email]")
    return sid, content
