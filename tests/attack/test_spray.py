# SPDX-License-Identifier: Apache-2.0
"""Issue 10, R2.4: a password spray of 10,000 attempts across accounts
(common passwords, each account's real one among them after the lock)
trips the lockout of every account, known or not, and none succeeds;
an administrator's unlock lets the real users in again."""
import threading
import time

from attack import Client
from harness import (ADMIN_PW, Server, TempDir, api_vault, expect, main,
                     test)

KNOWN = 40
UNKNOWN = 10
ATTEMPTS = 10000
LOCK_AFTER = 15


def common_passwords(n):
    base = ["123456", "password", "qwerty123", "Summer2026!", "Welcome1",
            "letmein", "admin123", "iloveyou", "Passw0rd!", "monkey"]
    return [f"{base[i % len(base)]}{i // len(base) or ''}" for i in range(n)]


@test
def spray_trips_lockouts_and_fails():
    """10,000 attempts over 50 names: no success, every name locked,
    the real password refused while locked, accepted after an unlock"""
    rounds = ATTEMPTS // (KNOWN + UNKNOWN)
    with TempDir() as tmp:
        # Account locks alone: the limit per source address (issue 25.5,
        # test_flood.py) would refuse this spray from one address first.
        d = api_vault(tmp, lockout_failures=str(LOCK_AFTER),
                      login_address_burst="1000000")
        with Server(d) as s:
            root = s.login("root", ADMIN_PW)
            real = {f"AG{i:03d}": f"agent {i} pass phrase 2026"
                    for i in range(KNOWN)}
            ids = {n: s.make_user(root, n, "agent", pw)
                   for n, pw in real.items()}
            names = list(real) + [f"ghost{i}" for i in range(UNKNOWN)]
            words = common_passwords(rounds)
            # The real password is tried once the account is locked.
            real_at = LOCK_AFTER + 5
            plan = [(n, real.get(n, "x") if r == real_at else words[r])
                    for r in range(rounds) for n in names]
            expect(len(plan) == ATTEMPTS, len(plan))
            seen, lock = {}, threading.Lock()

            def attacker(part):
                c = Client(s, source="127.0.0.1")
                for n, pw in part:
                    st, doc = c.call("POST", "/v1/sessions",
                                     {"name": n, "password": pw})
                    code = doc["error"]["code"] if st != 201 else "SUCCESS"
                    with lock:
                        seen[code] = seen.get(code, 0) + 1

            started = time.monotonic()
            # Four attackers at once; the real passwords come in a second
            # wave, once the first has had its failures counted.
            for part in (plan[:real_at * len(names)],
                         plan[real_at * len(names):]):
                threads = [threading.Thread(target=attacker, args=(part[i::4],))
                           for i in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            took = time.monotonic() - started
            print(f"# {ATTEMPTS} attempts in {took:.1f} s: {seen}",
                  flush=True)
            expect("SUCCESS" not in seen, seen)
            expect(set(seen) <= {"bad_credentials", "account_locked"}, seen)
            expect(seen.get("account_locked", 0) >=
                   ATTEMPTS - len(names) * LOCK_AFTER - 4 * len(names), seen)
            for n, uid in ids.items():
                st, _, doc = s.call("GET", f"/v1/users/{uid}/login",
                                    token=root)
                expect(st == 200 and doc["locked_until"], f"{n}: {doc}")
            # Unknown names answer exactly as known ones do.
            st, _, doc = s.call("POST", "/v1/sessions",
                                {"name": "ghost0", "password": "x"})
            expect(st == 429 and doc["error"]["code"] == "account_locked",
                   doc)
            for n in list(real)[:3]:
                st, _, _ = s.call("POST", f"/v1/users/{ids[n]}/unlock",
                                  token=root)
                expect(st in (200, 204), f"unlock {n}: {st}")
                s.login(n, real[n])


if __name__ == "__main__":
    main()
