# SPDX-License-Identifier: Apache-2.0
"""The command line as a user meets it: help, version, exit codes, errors."""
import os
import stat

from harness import cx, expect, fails, main, new_vault, ok, ON_PG, TempDir, test


@test
def help_and_version():
    """--help lists every command, --version names the version (exit 0)"""
    r = ok("--help")
    for c in ("init", "status", "subject", "audit", "keys"):
        expect(f"  {c} " in r.out, f"{c} missing from help: {r.out}")
    expect(ok("--version").out.startswith("cxvault "), "version line")
    for c in ("init", "status", "subject", "audit", "keys"):
        r = ok(c, "--help")
        expect(r.out.startswith("usage: cxvault " + c), f"{c} help: {r.out}")


@test
def usage_errors_exit_2():
    """usage errors exit 2 with 'cxvault: <what>: <why>' and no echo"""
    fails(cx(), 2)
    r = cx("+4930123456789")
    fails(r, 2, "unknown command")
    expect("4930123456789" not in r.err, "unknown command echoed")
    fails(cx("subject"), 2, "subject", "expected add, find, show, merge, erase, hold,")
    fails(cx("subject", "add"), 2, "give an identifier")
    fails(cx("subject", "find", "--phone", "1", "--email", "a@b.c"), 2,
          "exactly one identifier")
    fails(cx("subject", "show"), 2, "wrong number of arguments")
    fails(cx("subject", "show", "abc"), 2, "positive integers")
    fails(cx("subject", "show", "-1"), 2)
    fails(cx("subject", "show", "99999999999999999999"), 2)
    fails(cx("subject", "add", "--bogus", "x"), 2, "unknown option")
    fails(cx("init", "extra"), 2, "unexpected argument")
    fails(cx("audit", "list", "--since", "yesterday"), 2, "--since")
    fails(cx("keys"), 2, "expected rotate")


@test
def init_layout_and_permissions():
    """R5.5: init makes DIR 0700, master.key 0600 (32 bytes), config, db"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        expect(stat.S_IMODE(os.stat(d).st_mode) == 0o700, "dir mode")
        files = ("master.key", "cxvault.conf") + (() if ON_PG else
                                                  ("vault.db",))
        for f in files:
            m = stat.S_IMODE(os.stat(os.path.join(d, f)).st_mode)
            expect(m == 0o600, f"{f} mode {oct(m)}")
        expect(os.path.getsize(os.path.join(d, "master.key")) == 32, "key size")
        for sub in ("content", "logs"):
            expect(os.path.isdir(os.path.join(d, sub)), sub)
        conf = open(os.path.join(d, "cxvault.conf")).read()
        for key in ("master_key", "master_key_salt", "default_country_code",
                    "log_level", "call_log_size"):
            expect(f"\n{key} = " in conf, f"{key} not documented")
        st = ok("status", "--data", d).out
        expect('"subjects":0' in st and '"key_source":"file"' in st, st)


@test
def init_refuses_existing():
    """init never overwrites a vault or a non-empty directory"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        before = open(os.path.join(d, "master.key"), "rb").read()
        fails(cx("init", "--data", d), 1, "not empty", "refusing")
        expect(open(os.path.join(d, "master.key"), "rb").read() == before,
               "key changed")
        other = os.path.join(tmp, "other")
        os.mkdir(other)
        open(os.path.join(other, "notes.txt"), "w").write("x")
        fails(cx("init", "--data", other), 1, "not empty")
        expect(os.listdir(other) == ["notes.txt"], "touched other dir")
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty, 0o755)
        ok("init", "--data", empty)
        expect(stat.S_IMODE(os.stat(empty).st_mode) == 0o700, "chmod 0700")


@test
def data_dir_resolution():
    """--data, then $CXVAULT_DATA, then ./vault"""
    with TempDir() as tmp:
        d = new_vault(tmp)
        ok("status", env={"CXVAULT_DATA": d})
        r = cx("status", env={"CXVAULT_DATA": os.path.join(tmp, "nope")})
        fails(r, 1, "no configuration file")
        cwd = os.getcwd()
        try:
            os.chdir(tmp)
            ok("init")
            expect(os.path.exists(os.path.join(tmp, "vault", "vault.db")),
                   "./vault default")
        finally:
            os.chdir(cwd)


@test
def passphrase_rules():
    """--passphrase-stdin: short or missing passphrase refused, nothing left"""
    with TempDir() as tmp:
        d = os.path.join(tmp, "p")
        fails(cx("init", "--data", d, "--passphrase-stdin", stdin=b"short\n"),
              1, "at least 12")
        expect(not os.path.exists(d), "left a directory behind")
        fails(cx("init", "--data", d, "--passphrase-stdin", stdin=b""), 1,
              "passphrase")
        expect(not os.path.exists(d), "left a directory behind")
        new_vault(tmp, "p", passphrase="correct horse battery staple")
        expect(not os.path.exists(os.path.join(d, "master.key")),
               "key file written in passphrase mode")
        conf = open(os.path.join(d, "cxvault.conf")).read()
        expect("master_key = passphrase" in conf, conf)


if __name__ == "__main__":
    main()
