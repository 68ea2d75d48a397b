# SPDX-License-Identifier: Apache-2.0
"""Issue 25.5, R2.4: one address flooding the login with wrong passwords
(64 connections at once) is refused before any hash once its failed
logins are spent (429 with Retry-After), and its hashes run off the
HTTP threads, so another address's logged-in requests keep their pace
(p99 under 100 ms) and its login still goes through."""
import multiprocessing
import threading
import time

from attack import Client
from harness import (ADMIN_PW, Server, TempDir, api_vault, expect, main,
                     test)

FLOODERS = 64
SECONDS = 10
BURST = 20
REFILL_S = 3


def flooders(s, stop, out):
    """FLOODERS connections from 127.0.0.1 trying wrong passwords until
    stop; the answers' codes counted into out."""
    seen, lock = {}, threading.Lock()

    def flooder(n):
        c = Client(s, source="127.0.0.1")
        while not stop.is_set():
            try:
                st, doc = c.call("POST", "/v1/sessions", {
                    "name": f"ghost{n}", "password": "Summer2026!"})
            except OSError:
                continue
            code = doc["error"]["code"] if st >= 400 else "SUCCESS"
            with lock:
                seen[code] = seen.get(code, 0) + 1

    threads = [threading.Thread(target=flooder, args=(i,))
               for i in range(FLOODERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(seen)


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


@test
def one_address_cannot_slow_the_others():
    """64 connections from 127.0.0.1 spraying wrong passwords for 10 s:
    at most the address's burst and refills are checked (the rest 429,
    Retry-After), and 127.0.0.2's GETs keep a p99 under 100 ms"""
    with TempDir() as tmp:
        d = api_vault(tmp, login_address_burst=str(BURST),
                      login_address_refill_seconds=str(REFILL_S))
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            pw = "victim pass phrase 2026"
            s.make_user(root, "V1", "agent", pw)
            victim = Client(s, source="127.0.0.2")
            st, doc = victim.call("POST", "/v1/sessions",
                                  {"name": "V1", "password": pw})
            expect(st == 201, doc)
            victim.token = doc["token"]
            # The flood from a process of its own, so that its threads
            # do not slow the measuring client down (one interpreter lock).
            ctx = multiprocessing.get_context("fork")
            stop, out = ctx.Event(), ctx.Queue()
            flood = ctx.Process(target=flooders, args=(s, stop, out))
            flood.start()
            time.sleep(1)
            took = []
            ended = time.monotonic() + SECONDS
            while time.monotonic() < ended:
                t0 = time.monotonic()
                st, _ = victim.call("GET", "/v1/session")
                took.append(time.monotonic() - t0)
                expect(st == 200, st)
                time.sleep(0.01)
            # The other address logs in while the flood goes on.
            t0 = time.monotonic()
            st, doc = Client(s, source="127.0.0.2").call(
                "POST", "/v1/sessions", {"name": "V1", "password": pw})
            login_s = time.monotonic() - t0
            stop.set()
            seen = out.get(timeout=60)
            flood.join()
            # The flooder's answer carries when to come back.
            last = Client(s, source="127.0.0.1").call(
                "POST", "/v1/sessions", {"name": "x", "password": "y"})
        p50, p99 = percentile(took, 50) * 1000, percentile(took, 99) * 1000
        print(f"# flood answers: {seen}", flush=True)
        print(f"# 127.0.0.2: {len(took)} GETs, p50 {p50:.1f} ms, p99 "
              f"{p99:.1f} ms; its login {login_s * 1000:.0f} ms", flush=True)
        expect(last[0] == 429 and last[1]["error"]["code"] ==
               "too_many_attempts", last)
        checked = seen.get("bad_credentials", 0) + seen.get(
            "account_locked", 0)
        expect(checked <= BURST + (SECONDS + 3) / REFILL_S + 2,
               f"{checked} passwords checked for one address: {seen}")
        expect(seen.get("too_many_attempts", 0) > 0 and "SUCCESS" not in
               seen, seen)
        expect(p99 < 100, f"p99 {p99:.1f} ms during the flood")
        expect(login_s < 2, f"the other address's login took {login_s} s")


if __name__ == "__main__":
    main()
