#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bench (issue 29): what the recording mask finds, on labelled calls
made here, through `cxvault import content` as a site runs it.

  calls   N calls (a voice by espeak-ng in one of several voices, a
          Luhn-valid card number of 13-19 digits keyed as DTMF with each
          tone 45-120 ms long, 45-150 ms apart, at -3 to -17 dBFS, line
          noise at a random level, recorded as 16-bit PCM, A-law or u-law,
          8 or 16 kHz, mono or stereo with the tones on either channel),
          each with one span marked over the first voice. Per digit: masked
          when its whole tone lies in a "dtmf" span and the stored audio is
          silent there. Per call: digits the test's own decoder (Goertzel,
          tests/integration/audio.py) still hears in the stored audio.
          Marked spans: the largest distance between a requested edge and
          the stored audio's (silence inside, the original outside).
  speech  digit-free speech (espeak-ng reading prose with spoken numbers)
          of about MINUTES minutes: spans masked per hour.

usage: bench/bench_mask.py BUILD_DIR [N] [MINUTES]
The speed of the mask itself is bench_mask (C) over the same calls."""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import audio  # noqa: E402

VOICES = ["en", "en-us", "en+f3", "en-us+m3", "en-gb-x-rp", "en+f4"]
PROSE = ("The quarterly report was delayed by two weeks because the "
         "warehouse in Leeds counted three hundred and twelve pallets "
         "twice. Our agents answered nine thousand calls in March, "
         "forty one of them about the new tariff, and the average wait "
         "was under two minutes. Please hold the line while I check the "
         "order for you, it should take a moment or two.")


def luhn_card(rng):
    n = rng.choice([13, 15, 16, 16, 16, 19])
    body = [rng.randrange(10) for _ in range(n - 1)]
    total = 0
    for i, d in enumerate(reversed(body)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def cx(binary, d, *args):
    r = subprocess.run([binary, *args, "--data", d], capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise SystemExit(f"cxvault {args}: {r.stderr}")
    return r.stdout


def vault(binary, tmp):
    d = os.path.join(tmp, "v")
    cx(binary, d, "init")
    master = os.path.join(ROOT, "tests", "data", "asterisk", "Master.csv")
    subprocess.run([binary, "import", "cdr", "--data", d, "--format",
                    "asterisk-csv", master], capture_output=True)
    line = cx(binary, d, "interaction", "list", "--phone",
              "+4930123456789").splitlines()[0]
    return d, json.loads(line)["interaction"]


def covered(tone, spans):
    return any(s["kind"] == "dtmf" and s["start_ms"] <= tone[0] * 1000 and
               tone[1] * 1000 <= s["end_ms"] for s in spans)


def silent(data, lo, hi, rate):
    return all(abs(x) <= 8 for x in data[int(lo * rate):int(hi * rate)])


def edge_error_ms(before, after, lo, hi, rate):
    """Largest distance between a requested edge and the stored one."""
    changed = [i for i in range(len(before)) if before[i] != after[i] or
               (int(lo * rate) <= i < int(hi * rate) and abs(after[i]) <= 8)]
    inside = [i for i in changed if lo * rate - rate <= i < hi * rate + rate]
    if not inside:
        return float("inf")
    return max(abs(inside[0] - lo * rate), abs(inside[-1] + 1 - hi * rate)) \
        * 1000 / rate


def calls(binary, d, iid, tmp, n, rng):
    digits = masked = residual = 0
    worst_edge = 0.0
    seconds = 0.0
    files = []
    for i in range(n):
        card = luhn_card(rng)
        timing = [(rng.uniform(0.045, 0.12), rng.uniform(0.045, 0.15),
                   rng.uniform(0.2, 1.0)) for _ in card]
        rate, coding = rng.choice([(8000, "signed"), (8000, "a-law"),
                                   (8000, "u-law"), (16000, "signed")])
        nch, on = rng.choice([(1, 1), (2, 1), (2, 2)])
        path, _, _, tones = audio.call(
            tmp, f"call{i}", card, rate, coding, nch, tones_on=on,
            timing=timing, voice=rng.choice(VOICES),
            noise_vol=rng.uniform(0.005, 0.06))
        files.append(path)
        lo = round(rng.uniform(0.2, 1.0), 3)
        hi = round(lo + rng.uniform(0.3, 1.2), 3)
        doc = json.loads(cx(binary, d, "import", "content", "--interaction",
                            str(iid), "--kind", "recording", "--mask-spans",
                            f"{lo}-{hi}", path))
        spans = doc["masking"]["spans"]
        out = os.path.join(tmp, f"out{i}.wav")
        cx(binary, d, "content", "get", str(doc["content"]), "--out", out)
        stored = [audio.samples(out, c, rate) for c in range(1, nch + 1)]
        seconds += len(stored[0]) / rate
        for t in tones:
            digits += 1
            masked += covered(t, spans) and all(
                silent(s, t[0], t[1], rate) for s in stored)
        residual += sum(len(audio.dtmf(audio.samples(out, c)))
                        for c in range(1, nch + 1))
        before = audio.samples(path, 1, rate)
        worst_edge = max(worst_edge, edge_error_ms(before, stored[0], lo, hi,
                                                   rate))
        os.unlink(out)
    return digits, masked, residual, worst_edge, seconds, files


def prose(rng):
    """Sentences of a contact center, numbers spoken as words."""
    n = lambda: rng.choice(["two", "nine", "forty one", "three hundred and "
                            "twelve", "nine thousand", "fifteen"])
    parts = [f"The report was delayed by {n()} weeks.",
             f"Our agents answered {n()} calls in March.",
             f"The average wait was under {n()} minutes.",
             "Please hold the line while I check the order for you.",
             f"Your parcel left the warehouse in Leeds {n()} days ago.",
             "I am sorry, could you repeat the last part of that?",
             f"The new tariff costs {n()} pounds a month."]
    rng.shuffle(parts)
    return " ".join(parts)


def speech_only(binary, d, iid, tmp, minutes, rng):
    spans = 0
    masked_s = total = 0.0
    k = 0
    while total < minutes * 60:
        path = audio.speech(tmp, f"prose{k}", prose(rng), rng.choice(VOICES))
        doc = json.loads(cx(binary, d, "import", "content", "--interaction",
                            str(iid), "--kind", "recording", path))
        total += audio.duration(path)
        for s in doc["masking"]["spans"]:
            spans += 1
            masked_s += (s["end_ms"] - s["start_ms"]) / 1000
        os.unlink(path)
        k += 1
    return spans, masked_s, total


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    minutes = float(sys.argv[3]) if len(sys.argv) > 3 else 60
    binary = os.path.join(build, "src", "cxvault")
    rng = random.Random(29)
    with tempfile.TemporaryDirectory() as tmp:
        d, iid = vault(binary, tmp)
        t0 = time.monotonic()
        digits, masked, residual, edge, seconds, files = calls(
            binary, d, iid, tmp, n, rng)
        print(f"calls: {n} ({seconds / 60:.1f} min of audio), DTMF digits "
              f"{digits}, masked {masked} (recall {100 * masked / digits:.2f} "
              f"%), digits still heard after {residual}, marked-span edge "
              f"error at most {edge:.2f} ms  [{time.monotonic() - t0:.0f} s]")
        r = subprocess.run([os.path.join(build, "bench", "bench_mask"), "5",
                            *files], capture_output=True, text=True)
        print("speed:", r.stdout.strip())
        spans, masked_s, total = speech_only(binary, d, iid, tmp, minutes,
                                             rng)
        print(f"speech: {total / 60:.1f} min without digits, {spans} spans "
              f"masked ({masked_s:.2f} s), {spans * 3600 / total:.2f} per hour")


if __name__ == "__main__":
    main()
