# SPDX-License-Identifier: Apache-2.0
"""Tiny TAP harness for integration tests that drive the real cxvault binary.

Each test is a function decorated with @test; main() runs them in order and
prints TAP (meson counts the subtests). Tests get a fresh temporary
directory and remove it afterwards.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

BIN = os.environ.get("CXVAULT_BIN", "cxvault")
_tests = []


def test(fn):
    _tests.append(fn)
    return fn


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return f"rc={self.rc} out={self.out!r} err={self.err!r}"


def cx(*args, stdin=b"", env=None, timeout=120):
    """Run cxvault with args; stdin is bytes. Returns a Result."""
    e = dict(os.environ)
    e.pop("CXVAULT_DATA", None)
    if env:
        e.update(env)
    proc = subprocess.run([BIN, *args], input=stdin, capture_output=True,
                          env=e, timeout=timeout)
    return Result(proc)


def ok(*args, **kw):
    """Run cxvault and insist on exit 0."""
    r = cx(*args, **kw)
    if r.rc != 0:
        raise AssertionError(f"cxvault {' '.join(args)} failed: {r}")
    return r


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def fails(r, rc, *needles):
    """r exited with rc, printed 'cxvault: ' errors naming every needle."""
    expect(r.rc == rc, f"want exit {rc}: {r}")
    expect(r.err.startswith("cxvault: "), f"error format: {r.err!r}")
    for n in needles:
        expect(n in r.err, f"{n!r} not in {r.err!r}")


def snapshot(d):
    """{relative path: sha256} of every file under d."""
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def files_containing(d, needles):
    """[(file, needle)] for each needle (bytes) found in any file under d."""
    hits = []
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                data = fh.read()
            for n in needles:
                if n in data:
                    hits.append((os.path.relpath(p, d), n))
    return hits


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="cxv-it-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def new_vault(tmp, name="v", passphrase=None):
    d = os.path.join(tmp, name)
    if passphrase is None:
        ok("init", "--data", d)
    else:
        ok("init", "--data", d, "--passphrase-stdin",
           stdin=passphrase.encode() + b"\n")
    return d


def main():
    print(f"1..{len(_tests)}", flush=True)
    failed = 0
    for i, fn in enumerate(_tests, 1):
        name = (fn.__doc__ or fn.__name__).strip().splitlines()[0]
        try:
            fn()
            print(f"ok {i} - {name}", flush=True)
        except Exception:  # noqa: BLE001 - report every failure as TAP
            failed += 1
            print(f"not ok {i} - {name}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
    sys.exit(1 if failed else 0)
