#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Bench (issue 29, item 3): could Debian's packaged recogniser find
spoken card numbers? Not a bench of the vault: the recogniser alone, on
the speech the vault would give it, before any of it is built in.

N cards of 16 random digits, read in groups of four ("my card number is
4 1 1 1, ...") by six espeak-ng voices or by flite's four voices (more
natural speech, CMU's own, as the recogniser is), cut to the telephone band
(300-3400 Hz, 8 kHz) with pink line noise at a random level, upsampled to
the 16 kHz the en-us model needs, decoded in one pocketsphinx_batch run
with a grammar of digits only (told the carrier phrase too: the most the
recogniser can be helped). Prints the cards recognised whole, the digits
in place, the digit error rate (edits to the card, over its digits) and
the decoding speed.

usage: bench/bench_asr.py [N [espeak-ng|flite]]
Needs pocketsphinx and pocketsphinx-en-us (Debian), sox, espeak-ng or
flite."""
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests",
                                "integration"))
import audio  # noqa: E402

MODEL = "/usr/share/pocketsphinx/model/en-us"
WORDS = "zero one two three four five six seven eight nine".split()
VOICES = {"espeak-ng": ["en", "en-us", "en+f3", "en-us+m3", "en-gb-x-rp",
                        "en+f4"],
          "flite": ["slt", "rms", "awb", "kal16"]}
GRAMMAR = """#JSGF V1.0;
grammar digits;
public <utt> = [ my card number is ] ( <d> ) + ;
<d> = zero | oh | one | two | three | four | five | six | seven | eight |
      nine ;
"""


def speak(synth, voice, text, out):
    if synth == "flite":
        cmd = ["flite", "-voice", voice, "-t", text, "-o", out]
    else:
        cmd = ["espeak-ng", "-v", voice, "-w", out, text]
    subprocess.run(cmd, check=True, capture_output=True)


def edits(a, b):
    """Levenshtein distance: a digit dropped or added costs one, not the
    rest of the card as 'digits in place' counts it."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diag, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                       diag + (x != y))
    return row[-1]


def reading(tmp, i, card, rng, synth):
    """Card i read, on the line, as 16 kHz raw samples; its seconds."""
    text = "my card number is " + ", ".join(
        " ".join(card[k:k + 4]) for k in range(0, 16, 4))
    raw = os.path.join(tmp, f"r{i}.wav")
    speak(synth, rng.choice(VOICES[synth]), text, raw)
    line = os.path.join(tmp, f"t{i}.wav")
    audio.sox(raw, "-r", "8000", "-c", "1", "-b", "16", line, "sinc",
              "300-3400")
    hiss = os.path.join(tmp, f"n{i}.wav")
    audio.sox("-n", "-r", "8000", "-b", "16", "-c", "1", hiss, "synth",
              str(audio.duration(line)), "pinknoise", "sinc", "300-3400",
              "vol", str(rng.uniform(0.005, 0.03)))
    mixed = os.path.join(tmp, f"m{i}.wav")
    audio.sox("-m", line, hiss, mixed)
    audio.sox(mixed, "-r", "16000", "-e", "signed-integer", "-b", "16",
              "-t", "raw", os.path.join(tmp, f"u{i}.raw"))
    return audio.duration(mixed)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    synth = sys.argv[2] if len(sys.argv) > 2 else "espeak-ng"
    if synth not in VOICES:
        sys.exit(f"bench_asr: no synthesizer {synth!r}: espeak-ng or flite")
    rng = random.Random(29)
    digit = {"oh": "0", **{w: str(k) for k, w in enumerate(WORDS)}}
    with tempfile.TemporaryDirectory() as tmp:
        cards = ["".join(str(rng.randrange(10)) for _ in range(16))
                 for _ in range(n)]
        seconds = sum(reading(tmp, i, c, rng, synth)
                      for i, c in enumerate(cards))
        with open(os.path.join(tmp, "ctl"), "w") as f:
            f.write("".join(f"u{i}\n" for i in range(n)))
        with open(os.path.join(tmp, "digits.gram"), "w") as f:
            f.write(GRAMMAR)
        t0 = time.monotonic()
        subprocess.run(["pocketsphinx_batch", "-adcin", "yes", "-cepdir",
                        tmp, "-cepext", ".raw", "-ctl",
                        os.path.join(tmp, "ctl"), "-hmm",
                        os.path.join(MODEL, "en-us"), "-jsgf",
                        os.path.join(tmp, "digits.gram"), "-dict",
                        os.path.join(MODEL, "cmudict-en-us.dict"), "-hyp",
                        os.path.join(tmp, "hyp")], check=True,
                       capture_output=True)
        took = time.monotonic() - t0
        heard = {}
        for line in open(os.path.join(tmp, "hyp")):
            words, uid = line.rsplit("(", 1)
            heard[uid.split()[0]] = "".join(digit.get(w, "")
                                            for w in words.split())
    whole = sum(c in heard.get(f"u{i}", "") for i, c in enumerate(cards))
    placed = sum(a == b for i, c in enumerate(cards)
                 for a, b in zip(c, heard.get(f"u{i}", "")))
    wrong = sum(edits(c, heard.get(f"u{i}", "")) for i, c in enumerate(cards))
    print(f"{synth}, cards {n}: recognised whole {whole} "
          f"({100 * whole / n:.1f} %), digits in place {placed}/{16 * n} "
          f"({100 * placed / 16 / n:.1f} %), digit error rate "
          f"{100 * wrong / 16 / n:.1f} %, decoding {took:.1f} s for {seconds:.0f} s of speech "
          f"({seconds / took:.0f}x real time)")


if __name__ == "__main__":
    main()
