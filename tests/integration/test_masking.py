# SPDX-License-Identifier: Apache-2.0
"""Issue 29: card numbers kept out of recordings. Calls made here (a
voice by espeak-ng, card digits keyed as DTMF by sox, telephone-band line
noise), recorded as a PBX does (16-bit PCM, A-law, u-law; 8 and 16 kHz;
mono, or stereo with one party per channel), go in through the CLI and
the API. After import no digit decodes from the stored audio (checked
by a decoder of the test's own, not the vault's), every sample outside
the masked span is the one that went in, a call with no digit is stored
byte for byte, marked spans are silent to the sample, and what was
masked (times and kinds, never digits) is shown with the content."""
import json
import os
import tarfile

import audio
from harness import (ADMIN_PW, Server, TempDir, api_vault, cx, db_rows,
                     expect, fails, main, new_vault, ok, test)

DATA = os.environ.get("CXVAULT_TESTDATA", os.path.join(
    os.path.dirname(__file__), "..", "data"))
MASTER = os.path.join(DATA, "asterisk", "Master.csv")
CARD = "4111111111111111"


def a_call(d):
    cx("import", "cdr", "--data", d, "--format", "asterisk-csv", MASTER)
    line = ok("interaction", "list", "--data", d, "--phone",
              "+4930123456789").out.splitlines()[0]
    return json.loads(line)["interaction"]


def put(d, iid, path, *extra):
    return json.loads(ok("import", "content", "--data", d, "--interaction",
                         str(iid), "--kind", "recording", *extra,
                         path).out)


def stored(d, tmp, cid):
    out = os.path.join(tmp, f"{cid}.wav")
    ok("content", "get", "--data", d, str(cid), "--out", out)
    return out


def exported(d, tmp):
    """The export of the caller's person: its document and its members."""
    sid = json.loads(ok("subject", "find", "--data", d, "--phone",
                        "+4930123456789").out)["subject"]
    tar = os.path.join(tmp, f"export-{sid}.tar")
    ok("subject", "export", "--data", d, str(sid), "--out", tar)
    with tarfile.open(tar) as t:
        members = {m.name: t.extractfile(m).read() for m in t.getmembers()
                   if m.isfile()}
    return json.loads(members["person.json"]), members, sid


def channels(path):
    return int(audio.subprocess.run(["soxi", "-c", path], check=True,
                                    capture_output=True, text=True).stdout)


def outside_same(before, after, spans, rate, what):
    """Every sample outside the spans as it was; inside, silence. The
    spans are given in whole ms: a sample within 1 ms of an edge may be
    either."""
    expect(len(before) == len(after), f"{what}: length changed")
    edge = rate // 1000
    state = [0] * len(before)      # 0 outside, 1 inside, 2 at an edge
    for s in spans:
        lo, hi = s["start_ms"] * rate // 1000, s["end_ms"] * rate // 1000
        for i in range(max(0, lo - edge), min(len(before), hi + edge)):
            state[i] = 1 if lo + edge <= i < hi - edge else max(state[i], 2)
    changed = [i for i in range(len(before))
               if state[i] == 0 and before[i] != after[i]]
    expect(changed == [], f"{what}: {len(changed)} samples changed outside "
           f"the masked spans, first at {changed[:1]}")
    loud = max((abs(after[i]) for i in range(len(after)) if state[i] == 1),
               default=0)
    expect(loud <= 8, f"{what}: masked span not silent ({loud})")


@test
def dtmf_masked_in_every_coding():
    """no DTMF digit decodes after import, in PCM, A-law, u-law, 16 kHz
    and stereo; the speech and noise round the tones are kept sample for
    sample; one span, round the tones, says what was masked"""
    cases = [(8000, "signed", 1, 1), (8000, "a-law", 1, 1),
             (8000, "u-law", 1, 1), (16000, "signed", 2, 2)]
    with TempDir() as tmp:
        d = new_vault(tmp)
        iid = a_call(d)
        for rate, coding, nch, tones_on in cases:
            what = f"{coding} {rate} Hz {nch} ch"
            path, start, end, _ = audio.call(tmp, f"c{rate}{coding}{nch}", CARD,
                                          rate, coding, nch, tones_on=tones_on)
            expect(audio.dtmf(audio.samples(path, tones_on)) == CARD,
                   f"{what}: the test's decoder misses the card")
            doc = put(d, iid, path)
            m = doc["masking"]
            expect(m["state"] == "masked" and len(m["spans"]) == 1 and
                   m["spans"][0]["kind"] == "dtmf", f"{what}: {m}")
            span = m["spans"][0]
            expect(start * 1000 - 150 <= span["start_ms"] <= start * 1000 and
                   end * 1000 <= span["end_ms"] <= end * 1000 + 150,
                   f"{what}: span {span} for tones {start}-{end} s")
            out = stored(d, tmp, doc["content"])
            expect(channels(out) == nch, what)
            for ch in range(1, nch + 1):
                expect(audio.dtmf(audio.samples(out, ch)) == "",
                       f"{what}: digits decode from channel {ch}")
                outside_same(audio.samples(path, ch, rate),
                             audio.samples(out, ch, rate), m["spans"], rate,
                             f"{what} channel {ch}")


@test
def no_digits_stored_byte_identical():
    """a call with no digit (a voice, line noise) is stored byte for byte
    and reported clean: speech is not taken for tones"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        iid = a_call(d)
        for coding in ("signed", "a-law"):
            path, _, _, _ = audio.call(tmp, "plain-" + coding, None,
                                    coding=coding, channels=2)
            doc = put(d, iid, path)
            expect(doc["masking"] == {"state": "clean", "spans": []},
                   doc["masking"])
            out = stored(d, tmp, doc["content"])
            expect(open(out, "rb").read() == open(path, "rb").read(),
                   f"{coding}: stored bytes differ")


@test
def marked_spans_silent():
    """spans marked by the IVR (--mask-spans) are silent to the sample and
    only they; the receipt, interaction show and the audit say so"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        iid = a_call(d)
        path, _, _, _ = audio.call(tmp, "marked", None)
        doc = put(d, iid, path, "--mask-spans", "1-2.5,3.25-3.5")
        want = [{"kind": "marked", "start_ms": 1000, "end_ms": 2500},
                {"kind": "marked", "start_ms": 3250, "end_ms": 3500}]
        expect(doc["masking"] == {"state": "masked", "spans": want},
               doc["masking"])
        out = stored(d, tmp, doc["content"])
        before, after = audio.samples(path), audio.samples(out)
        expect(audio.rms(before, 1, 2.5) > 100, "the span held speech")
        outside_same(before, after, want, 8000, "marked")
        expect(audio.rms(after, 1, 2.5) == 0 and
               audio.rms(after, 3.25, 3.5) == 0, "spans not silent")
        shown = json.loads(ok("interaction", "show", "--data", d,
                              str(iid)).out)
        item = [c for c in shown["content"]
                if c["content"] == doc["content"]][0]
        expect(item["masking"] == doc["masking"], item)
        entries = [json.loads(x) for x in ok("audit", "list", "--data",
                                             d).out.splitlines()]
        made = [e for e in entries if e["action"] == "content.create" and
                e["object_id"] == str(doc["content"])]
        expect(made and made[0]["fields"] == "recording masked", made)


@test
def spans_that_cannot_be_kept_refused():
    """spans on a transcript, on audio the vault cannot read, or written
    wrong: refused with the reason, and nothing is stored"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        iid = a_call(d)
        text = os.path.join(tmp, "chat.txt")
        open(text, "w").write("agent: hello\n")
        mp3 = os.path.join(tmp, "call.mp3")
        open(mp3, "wb").write(b"ID3\x03\x00" + os.urandom(2000))
        base = ["import", "content", "--data", d, "--interaction", str(iid)]
        fails(cx(*base, "--kind", "chat_transcript", "--mask-spans", "1-2",
                 text), 1, "spans can be masked only in a recording")
        fails(cx(*base, "--kind", "recording", "--mask-spans", "1-2", mp3),
              1, "nothing was stored")
        fails(cx(*base, "--kind", "recording", "--mask-spans", "2-1", mp3),
              2, "START < END")
        made = [x for x in ok("audit", "list", "--data", d).out.splitlines()
                if '"content.create"' in x]
        expect(made == [], made)
        expect(os.listdir(os.path.join(d, "content")) == [],
               os.listdir(os.path.join(d, "content")))
        # Without spans, audio the vault cannot read is kept as it came.
        doc = put(d, iid, mp3)
        expect(doc["masking"]["state"] == "unchecked" and
               doc["masking"]["reason"] == "not a WAV file", doc)


@test
def transcripts_redacted():
    """a chat transcript, an email and a case note are stored with cards,
    IBANs, addresses and numbers masked as in log lines; text with none
    is stored byte for byte; the summary counts, never quotes"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        iid = a_call(d)
        chat = os.path.join(tmp, "chat.txt")
        open(chat, "w").write(
            "agent: how would you like to pay?\n"
            "customer: my card is 5500 0000 0000 0004\n"
            "customer: or from DE89 3704 0044 0532 0130 00\n")
        note = os.path.join(tmp, "note.txt")
        open(note, "w").write("Customer asked about the delivery date.\n")
        doc = json.loads(ok("import", "content", "--data", d,
                            "--interaction", str(iid), "--kind",
                            "chat_transcript", chat).out)
        expect(doc["masking"] == {"state": "masked", "redacted": 2}, doc)
        text = open(stored(d, tmp, doc["content"]), "rb").read()
        expect(text == b"agent: how would you like to pay?\n"
               b"customer: my card is [card]\ncustomer: or from [iban]\n",
               text)
        doc = json.loads(ok("import", "content", "--data", d,
                            "--interaction", str(iid), "--kind",
                            "case_note", note).out)
        expect(doc["masking"] == {"state": "clean", "redacted": 0}, doc)
        expect(open(stored(d, tmp, doc["content"]), "rb").read() ==
               open(note, "rb").read(), "note changed")


@test
def stored_content_masked_later():
    """content mask: a recording and a transcript stored before masking
    (made so here: imported as photos, then called what they are, never
    checked) are masked in place, audited, the old files gone; a second
    run finds nothing left, and --since limits a run"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        iid = a_call(d)
        path, start, end, _ = audio.call(tmp, "old", CARD)
        chat = os.path.join(tmp, "old-chat.txt")
        open(chat, "w").write("customer: card 4111 1111 1111 1111\n")
        ids = []
        for f, kind in ((path, 0), (chat, 3)):
            cid = json.loads(ok("import", "content", "--data", d,
                                "--interaction", str(iid), "--kind", "photo",
                                f).out)["content"]
            db_rows(d, "UPDATE content SET kind = ?, masking = NULL "
                    "WHERE id = ?", (kind, cid))
            ids.append(cid)
        files = sorted(os.listdir(os.path.join(d, "content")))
        expect(json.loads(ok("content", "mask", "--data", d, "--since",
                             "2999-01-01").out)["checked"] == 0, "--since")
        done = json.loads(ok("content", "mask", "--data", d).out)
        expect(done == {"checked": 2, "masked": 2, "gone": 0}, done)
        after = sorted(os.listdir(os.path.join(d, "content")))
        expect(len(after) == 2 and not set(after) & set(files),
               f"{files} -> {after}")
        out = stored(d, tmp, ids[0])
        expect(audio.dtmf(audio.samples(out)) == "", "digits decode")
        expect(open(stored(d, tmp, ids[1]), "rb").read() ==
               b"customer: card [card]\n", "transcript")
        entries = [json.loads(x) for x in ok("audit", "list", "--data",
                                             d).out.splitlines()]
        masked = sorted(e["fields"] for e in entries
                        if e["action"] == "content.mask")
        expect(masked == ["chat_transcript masked", "recording masked"],
               masked)
        again = json.loads(ok("content", "mask", "--data", d).out)
        expect(again == {"checked": 0, "masked": 0, "gone": 0}, again)
        ok("audit", "verify", "--data", d)


@test
def masked_and_original_policy():
    """mask_recordings/mask_transcripts = masked_and_original: the
    original is sealed beside (a key of its own), only where something
    was masked; read back whole with --original or by a profile with
    content.unmasked (403 to a supervisor), each read audited; the
    export carries it; retention's orphan sweep keeps it, erasure takes
    it"""
    with TempDir() as tmp:
        d = api_vault(tmp, mask_recordings="masked_and_original",
                      mask_transcripts="masked_and_original")
        iid = a_call(d)
        path, _, _, _ = audio.call(tmp, "orig", CARD)
        clean, _, _, _ = audio.call(tmp, "orig-clean", None)
        chat = os.path.join(tmp, "orig-chat.txt")
        open(chat, "wb").write(b"customer: card 4111 1111 1111 1111\n")
        rec = put(d, iid, path)
        plain = put(d, iid, clean)
        text = json.loads(ok("import", "content", "--data", d,
                             "--interaction", str(iid), "--kind",
                             "chat_transcript", chat).out)
        content_dir = os.path.join(d, "content")
        expect(len(os.listdir(content_dir)) == 5, os.listdir(content_dir))
        out = os.path.join(tmp, "orig-out.wav")
        ok("content", "get", "--data", d, str(rec["content"]), "--out", out,
           "--original")
        expect(open(out, "rb").read() == open(path, "rb").read(),
               "original differs")
        expect(audio.dtmf(audio.samples(stored(d, tmp, rec["content"]))) ==
               "", "masked copy holds digits")
        fails(cx("content", "get", "--data", d, str(plain["content"]),
                 "--out", os.path.join(tmp, "none"), "--original"), 1,
              "no original kept")
        expect(ok("content", "get", "--data", d, str(text["content"]),
                  "--out", "-", "--original").out ==
               "customer: card 4111 1111 1111 1111\n", "text original")
        entries = [json.loads(x) for x in ok("audit", "list", "--data",
                                             d).out.splitlines()]
        reads = [e for e in entries if e["action"] == "content.read.original"]
        expect(len(reads) == 2, reads)
        # Retention's sweep of files without a row keeps the originals.
        for f in os.listdir(content_dir):
            os.utime(os.path.join(content_dir, f), (0, 0))
        rep = json.loads(ok("retention", "run", "--data", d).out)
        expect(rep["orphan_files"] == 0 and
               len(os.listdir(content_dir)) == 5, rep)
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            s.make_user(root, "SUP", "supervisor", "quiet harbour lamp 2026")
            st, _, doc = s.call("POST", "/v1/profiles", {
                "name": "investigator", "permissions": [
                    "content.unmasked"]}, token=root)
            expect(st == 201, doc)
            s.make_user(root, "INV", "investigator", "amber field kite 2026")
            url = f"/v1/content/{rec['content']}/original"
            sup = s.login("SUP", "quiet harbour lamp 2026")
            st, _, _ = s.call("GET", url, token=sup)
            expect(st == 403, st)
            inv = s.login("INV", "amber field kite 2026")
            st, _, body = s.call("GET", url, token=inv)
            expect(st == 200 and body == open(path, "rb").read(),
                   f"{st} {len(body)}")
            st, _, _ = s.call("GET", f"/v1/content/{plain['content']}"
                              "/original", token=inv)
            expect(st == 404, st)
        person, members, sid = exported(d, tmp)
        entry = [c for c in person["content"]
                 if c["content"] == rec["content"]][0]
        expect(entry["original_file"] is not None, entry)
        expect(members[entry["original_file"]] == open(path, "rb").read(),
               "export's original")
        ok("subject", "erase", "--data", d, str(sid), "--reason",
           "consent_withdrawn")
        expect(os.listdir(content_dir) == [], os.listdir(content_dir))


@test
def api_upload_masked_and_exported():
    """POST .../content?kind=recording&mask_spans=...: masked as it
    streams in, the 201 says what was masked; 422 when spans cannot be
    kept, 400 when written wrong; the person's export lists the masking"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        iid = a_call(d)
        path, start, _, _ = audio.call(tmp, "api", "5500000000000004")
        body = open(path, "rb").read()
        with Server(d) as s:
            tok = s.feed_token(s.login("root", ADMIN_PW), "content.write")
            url = f"/v1/interactions/{iid}/content?kind=recording"
            st, _, doc = s.call("POST", url + "&mask_spans=0.5-1", raw=body,
                                token=tok)
            expect(st == 201, f"{st} {doc}")
            kinds = [sp["kind"] for sp in doc["masking"]["spans"]]
            expect(doc["masking"]["state"] == "masked" and
                   kinds == ["marked", "dtmf"], doc)
            st, _, err = s.call("POST", url + "&mask_spans=0.5-1",
                                raw=b"not audio at all", token=tok)
            expect(st == 422 and err["error"]["code"] == "unmaskable",
                   f"{st} {err}")
            # Refused at the headers: a small body, so the client has
            # sent it all before the server answers and closes.
            st, _, err = s.call("POST", url + "&mask_spans=1-", raw=b"x",
                                token=tok)
            expect(st == 400 and err["error"]["code"] == "invalid",
                   f"{st} {err}")
        out = stored(d, tmp, doc["content"])
        expect(audio.dtmf(audio.samples(out)) == "", "digits decode")
        person, _, _ = exported(d, tmp)
        listed = {c["content"]: c["masking"] for c in person["content"]}
        expect(listed == {doc["content"]: doc["masking"]}, listed)


if __name__ == "__main__":
    main()
