# SPDX-License-Identifier: Apache-2.0
"""Test audio for the recording mask (issue 29), made here with sox and
espeak-ng: a voice, card digits keyed as DTMF, telephone-band line
noise, in the codings a PBX records. And a DTMF decoder of its own
(Goertzel over 20 ms frames, the textbook method), so that what the
vault's detector (spandsp) missed is not also missed by the check."""
import array
import math
import os
import subprocess
import wave

LOW = (697, 770, 852, 941)
HIGH = (1209, 1336, 1477, 1633)
KEYS = ("123A", "456B", "789C", "*0#D")
TONE_S, GAP_S = 0.1, 0.1


def sox(*args):
    subprocess.run(["sox", *args], check=True, capture_output=True)


def _digit(path, d, seconds=TONE_S, vol=0.7):
    row = next(i for i, r in enumerate(KEYS) if d in r)
    low, high = LOW[row], HIGH[KEYS[row].index(d)]
    two = path + ".2ch.sox"
    sox("-n", "-r", "8000", "-b", "16", "-c", "2", two, "synth", str(seconds),
        "sin", str(low), "sin", str(high), "vol", str(vol))
    sox(two, "-c", "1", path)
    os.unlink(two)


def speech(tmp, name, text, voice="en"):
    """text read by espeak-ng (voice: en, en-us+f3, ...), 8 kHz mono 16-bit."""
    raw = os.path.join(tmp, name + ".raw.wav")
    out = os.path.join(tmp, name + ".wav")
    subprocess.run(["espeak-ng", "-v", voice, "-w", raw, text], check=True,
                   capture_output=True)
    sox(raw, "-r", "8000", "-c", "1", "-b", "16", out)
    return out


def silence(tmp, name, seconds):
    out = os.path.join(tmp, name + ".wav")
    sox("-n", "-r", "8000", "-b", "16", "-c", "1", out, "trim", "0",
        str(seconds))
    return out


def call(tmp, name, digits, rate=8000, coding="signed", channels=1,
         noise=True, tones_on=1, timing=None, voice="en", noise_vol=0.03):
    """A call: a voice, the digits keyed (if any), a voice again, line
    noise over all of it if asked; then recorded at rate in coding
    (signed: 16-bit PCM; a-law; u-law). With 2 channels, the caller
    (with the tones) is channel tones_on, the agent's channel a voice.
    timing: (seconds on, seconds off, volume) of each digit, else 0.1 s,
    0.1 s, 0.7. Returns (path, seconds where the tones start, where they
    end, each tone's (start, end))."""
    parts = [speech(tmp, name + "-a", "Thank you for calling. Please key "
                    "in your card number after the tone.", voice),
             silence(tmp, name + "-g1", 0.3)]
    at = start = sum(duration(p) for p in parts)
    tones = []
    for i, d in enumerate(digits or ""):
        on, off, vol = timing[i] if timing else (TONE_S, GAP_S, 0.7)
        tone = os.path.join(tmp, f"{name}-d{i}.wav")
        _digit(tone, d, on, vol)
        parts += [tone, silence(tmp, f"{name}-s{i}", off)]
        tones.append((at, at + on))
        at += on + off
    end = tones[-1][1] if tones else start
    parts.append(speech(tmp, name + "-b", "Thank you. Your payment is "
                        "being processed, one moment please.", voice))
    caller = os.path.join(tmp, name + "-caller.wav")
    sox(*parts, caller)
    if noise:
        hiss = os.path.join(tmp, name + "-noise.wav")
        sox("-n", "-r", "8000", "-b", "16", "-c", "1", hiss, "synth",
            str(duration(caller)), "pinknoise", "sinc", "300-3400", "vol",
            str(noise_vol))
        mixed = os.path.join(tmp, name + "-mixed.wav")
        sox("-m", caller, hiss, mixed)
        caller = mixed
    if channels == 2:
        agent = os.path.join(tmp, name + "-agent.wav")
        agent_voice = speech(tmp, name + "-c", "I can see the payment "
                             "now. Is there anything else I can help you "
                             "with today?")
        length = duration(caller)
        sox(agent_voice, agent, "pad", "0",
            str(max(0.0, length - duration(agent_voice))), "trim", "0",
            str(length))
        both = os.path.join(tmp, name + "-stereo.wav")
        ins = [caller, agent] if tones_on == 1 else [agent, caller]
        sox("-M", *ins, both)
        caller = both
    out = os.path.join(tmp, name + ".wav")
    enc = {"signed": ["-e", "signed-integer", "-b", "16"],
           "a-law": ["-e", "a-law", "-b", "8"],
           "u-law": ["-e", "u-law", "-b", "8"]}[coding]
    sox(caller, "-r", str(rate), *enc, out)
    return out, start, end, tones


def duration(path):
    """Seconds of audio in a WAV file."""
    with wave.open(path) as w:
        return w.getnframes() / w.getframerate()


def samples(path, channel=1, rate=8000):
    """One channel of any WAV sox reads, as 16-bit samples at rate."""
    pcm = path + f".ch{channel}.pcm.wav"
    sox(path, "-r", str(rate), "-e", "signed-integer", "-b", "16", pcm,
        "remix", str(channel))
    with wave.open(pcm) as w:
        data = array.array("h", w.readframes(w.getnframes()))
    os.unlink(pcm)
    return data


def _power(frame, freq, rate):
    k = 2.0 * math.cos(2.0 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in frame:
        s1, s2 = x + k * s1 - s2, s1
    return s1 * s1 + s2 * s2 - k * s1 * s2


def dtmf(data, rate=8000):
    """Digits keyed in data: a frame is a digit when one low and one high
    DTMF frequency each hold a fifth of its energy and stand 4x above
    their groups' others; a digit counts when 2 frames (40 ms) agree."""
    n = rate // 50
    out, last, run = [], None, 0
    for at in range(0, len(data) - n + 1, n):
        frame = data[at:at + n]
        energy = sum(x * x for x in frame)
        hit = None
        if energy > n * 100 * 100:     # -50 dBFS: not silence
            lo = [2 * _power(frame, f, rate) / (n * energy) for f in LOW]
            hi = [2 * _power(frame, f, rate) / (n * energy) for f in HIGH]
            li, hj = lo.index(max(lo)), hi.index(max(hi))
            if (lo[li] > 0.2 and hi[hj] > 0.2 and
                    all(lo[li] > 4 * v for i, v in enumerate(lo) if i != li)
                    and all(hi[hj] > 4 * v for j, v in enumerate(hi)
                            if j != hj)):
                hit = KEYS[li][hj]
        run = run + 1 if hit == last else 1
        if hit is not None and run == 2:
            out.append(hit)
        last = hit
    return "".join(out)


def rms(data, start_s, end_s, rate=8000):
    part = data[int(start_s * rate):int(end_s * rate)]
    return math.sqrt(sum(x * x for x in part) / max(1, len(part)))
