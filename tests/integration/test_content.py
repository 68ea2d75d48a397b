# SPDX-License-Identifier: Apache-2.0
"""R1.7/R5.1: content is sealed into DIR/content, streamed in constant
memory, read back byte-identical, and any alteration is detected."""
import hashlib
import json
import os
import subprocess

from harness import (BIN, TempDir, cx, expect, fails, files_containing, main,
                     new_vault, ok, test)

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
MASTER = os.path.join(DATA, "asterisk", "Master.csv")
MB = 1024 * 1024


def vault_with_call(tmp):
    d = new_vault(tmp)
    cx("import", "cdr", "--data", d, "--format", "asterisk-csv", MASTER)
    line = ok("interaction", "list", "--data", d, "--phone",
              "+4930123456789").out.splitlines()[0]
    return d, json.loads(line)["interaction"]


def peak_rss_mb(*args):
    """Run cxvault; return (exit code, its peak resident set in MiB)."""
    p = subprocess.Popen([BIN, *args], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, usage.ru_maxrss / 1024


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MB), b""):
            h.update(chunk)
    return h.hexdigest()


@test
def big_recording_constant_memory():
    """issue 3 must-show: 200 MB recording in and out, identical, < 64 MB RSS"""
    with TempDir() as tmp:
        d, iid = vault_with_call(tmp)
        rec = os.path.join(tmp, "call.wav")
        with open(rec, "wb") as f:
            block = os.urandom(MB)
            for i in range(200):
                f.write(block[i:] + block[:i])
        rc, rss = peak_rss_mb("import", "content", "--data", d,
                              "--interaction", str(iid), "--kind",
                              "recording", rec)
        expect(rc == 0, f"import exit {rc}")
        expect(rss < 64, f"import peak RSS {rss:.1f} MiB")
        cid = [json.loads(l) for l in ok("audit", "list", "--data", d)
               .out.splitlines() if '"content.create"' in l][0]["object_id"]
        back = os.path.join(tmp, "back.wav")
        rc, rss = peak_rss_mb("content", "get", "--data", d, cid,
                              "--out", back)
        expect(rc == 0, f"get exit {rc}")
        expect(rss < 64, f"get peak RSS {rss:.1f} MiB")
        expect(sha256(back) == sha256(rec), "content differs")
        expect(oct(os.stat(back).st_mode & 0o777) == "0o600", "out mode")


@test
def sealed_on_disk_and_tamper_detected():
    """R5.1: the stored file is ciphertext; one flipped byte is caught"""
    with TempDir() as tmp:
        d, iid = vault_with_call(tmp)
        note = os.path.join(tmp, "transcript.txt")
        # Nothing the redaction masks (issue 29): the round trip is exact.
        text = b"Customer Jane Doe asked where order 77 went, twice.\n" * 50
        open(note, "wb").write(text)
        r = ok("import", "content", "--data", d, "--interaction", str(iid),
               "--kind", "chat_transcript", note)
        cid = str(json.loads(r.out)["content"])
        expect(files_containing(d, [b"Jane Doe", b"order 77"]) == [],
               "transcript in clear")
        stored = os.listdir(os.path.join(d, "content"))
        expect(len(stored) == 1 and len(stored[0]) == 32, stored)
        out = os.path.join(tmp, "out.txt")
        ok("content", "get", "--data", d, cid, "--out", out)
        expect(open(out, "rb").read() == text, "round trip")
        fails(cx("content", "get", "--data", d, cid, "--out", out), 1,
              "exists")
        expect(ok("content", "get", "--data", d, cid, "--out", "-").out
               .encode() == text, "stdout")
        sealed = os.path.join(d, "content", stored[0])
        data = bytearray(open(sealed, "rb").read())
        data[len(data) // 2] ^= 0x01
        open(sealed, "wb").write(bytes(data))
        out2 = os.path.join(tmp, "out2.txt")
        fails(cx("content", "get", "--data", d, cid, "--out", out2), 1,
              "authentication")
        expect(not os.path.exists(out2) and not os.path.exists(out2 + ".part"),
               "partial output left behind")


@test
def content_audit_and_errors():
    """R7.2: content writes and reads are audited; bad requests refused"""
    with TempDir() as tmp:
        d, iid = vault_with_call(tmp)
        f = os.path.join(tmp, "vm.wav")
        open(f, "wb").write(b"RIFF....WAVE")
        cid = str(json.loads(ok("import", "content", "--data", d,
                                "--interaction", str(iid), "--kind",
                                "voicemail", f).out)["content"])
        ok("content", "get", "--data", d, cid, "--out", os.path.join(tmp, "o"))
        acts = [(e["action"], e["object_id"], e["fields"]) for e in
                (json.loads(l) for l in
                 ok("audit", "list", "--data", d).out.splitlines())]
        expect(("content.create", cid, "voicemail") in acts, acts[-3:])
        expect(("content.read", cid, "bytes") in acts, acts[-3:])
        fails(cx("import", "content", "--data", d, "--interaction", "42",
                 "--kind", "voicemail", f), 1, "no such interaction")
        fails(cx("import", "content", "--data", d, "--interaction", str(iid),
                 "--kind", "selfie", f), 2, "--kind")
        fails(cx("import", "content", "--data", d, "--interaction", str(iid),
                 "--kind", "voicemail", os.path.join(tmp, "missing")), 1,
              "No such file")
        fails(cx("content", "get", "--data", d, "77", "--out", "-"), 1,
              "no such content")
        expect(len(os.listdir(os.path.join(d, "content"))) == 1,
               "failed imports left files")


@test
def user_greeting():
    """R1.7: content of a user (a greeting), sealed under the user's key"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("user", "add", "--data", d, "--logon", "A1", "--first-name", "Ann")
        f = os.path.join(tmp, "greeting.wav")
        open(f, "wb").write(b"Hello, this is Ann's voicemail" * 10)
        cid = str(json.loads(ok("import", "content", "--data", d, "--user",
                                "A1", "--kind", "greeting", f).out)["content"])
        out = os.path.join(tmp, "back.wav")
        ok("content", "get", "--data", d, cid, "--out", out)
        expect(open(out, "rb").read() == open(f, "rb").read(), "round trip")
        expect(files_containing(d, [b"Ann's voicemail"]) == [],
               "greeting in clear")
        fails(cx("import", "content", "--data", d, "--user", "nobody",
                 "--kind", "greeting", f), 1, "no such user")
        fails(cx("import", "content", "--data", d, "--kind", "greeting", f),
              2, "--interaction ID or --user LOGON")


if __name__ == "__main__":
    main()
