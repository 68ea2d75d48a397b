# SPDX-License-Identifier: Apache-2.0
"""R1.9: hospitality call charges for guest invoices."""
import json

from harness import (TempDir, cx, expect, fails, files_containing, main,
                     new_vault, ok, test)


def charge(d, room, guest, dialled, time, amount, *extra):
    return ok("charge", "add", "--data", d, "--room", room, "--guest", guest,
              "--dialled", dialled, "--time", time, "--duration", "120",
              "--amount", amount, *extra).out.strip()


@test
def invoice_lines_per_room():
    """R1.9: a room's charges and total; guest data sealed; audited"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        charge(d, "101", "Hans Gast", "+33 1 44 55 66 77",
               "2026-11-20T18:00:00Z", "4.5", "--guest-phone", "0170 1234567")
        charge(d, "101", "Hans Gast", "0911 123456", "2026-11-21T09:00:00Z",
               "0.35", "--guest-phone", "+49 170 1234567")
        charge(d, "102", "Other Guest", "112", "2026-11-21T09:00:00Z", "1")
        lines = [json.loads(l) for l in ok("charge", "list", "--data", d,
                                           "--room", "101").out.splitlines()]
        expect([(x["dialled"], x["amount"]) for x in lines[:-1]] ==
               [("+33 1 44 55 66 77", "4.50"), ("0911 123456", "0.35")], lines)
        expect(lines[-1] == {"room": "101", "calls": 2, "total": "4.85"},
               lines[-1])
        day = [json.loads(l) for l in ok(
            "charge", "list", "--data", d, "--room", "101", "--since",
            "2026-11-21").out.splitlines()]
        expect(day[-1]["calls"] == 1, day)
        st = json.loads(ok("status", "--data", d).out)
        expect(st["subjects"] == 2, st)      # one guest, by phone, + other
        # Whole numbers, not 4-digit pieces: random ids are decimal text.
        expect(files_containing(d, [b"Hans Gast", b"44556677", b"1234567",
                                    b"0911 123456", b"911123456"]) == [],
               "guest data in clear")
        acts = [json.loads(l)["action"] for l in
                ok("audit", "list", "--data", d).out.splitlines()]
        expect(acts.count("charge.create") == 3 and
               acts.count("charge.list") == 2, acts)


@test
def charge_errors():
    """malformed amounts, times and rooms are refused"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        base = ["charge", "add", "--data", d, "--room", "101", "--guest", "G",
                "--dialled", "1", "--time", "2026-11-21T09:00:00Z",
                "--duration", "60"]
        for bad in ("1.234", "-1", "abc", ""):
            fails(cx(*base, "--amount", bad), 2, "--amount")
        fails(cx("charge", "add", "--data", d, "--room", "x" * 17, "--guest",
                 "G", "--dialled", "1", "--time", "2026-11-21T09:00:00Z",
                 "--duration", "60", "--amount", "1"), 1, "room")
        fails(cx("charge", "list", "--data", d), 2, "--room")


if __name__ == "__main__":
    main()
