#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write cxvault(1) and cxvault.conf(5) from the built binary itself, so
that the pages cannot drift from it (issue 30):

  cxvault.1       every command of 'cxvault --help', each with its usage
                  and description as 'cxvault CMD --help' prints them
  cxvault.conf.5  every key of the documented cxvault.conf that
                  'cxvault init' writes, with its meaning and default,
                  and the source.NAME.* keys of its closing comment
  cxvault.conf    that documented configuration itself, the example
                  'meson install' puts in share/doc/cxvault/examples

usage: gen_man.py CXVAULT_BINARY OUT_DIR VERSION"""
import os
import re
import subprocess
import sys
import tempfile


def help_of(binary, *args):
    r = subprocess.run([binary, *args, "--help"], capture_output=True,
                       text=True, env={"PATH": "/usr/bin:/bin"})
    return (r.stdout + r.stderr).rstrip("\n")


def esc(text):
    """roff: backslashes doubled; a line may not start with '.' or "'"."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join("\\&" + line if line[:1] in (".", "'") else line
                     for line in text.split("\n"))


def commands(top):
    """(name, summary) of the 'commands:' list of 'cxvault --help'."""
    out, on = [], False
    for line in top.split("\n"):
        if line.startswith("commands:"):
            on = True
        elif on and re.match(r"^  [a-z]+ ", line):
            name, summary = line.split(None, 1)
            out.append((name, summary.strip()))
        elif on and line.strip() == "":
            on = False
    return out


def page_1(binary, version):
    top = help_of(binary)
    lines = [f'.TH CXVAULT 1 "" "cxvault {version}" "User Commands"',
             ".SH NAME", "cxvault \\- the personal\\-data vault of a contact "
             "center", ".SH SYNOPSIS", ".B cxvault",
             "[\\-\\-help | \\-\\-version]", ".I command",
             ".RI [ args ]", ".SH DESCRIPTION",
             esc("cxvault holds what a contact center and its telephony "
                 "collect about people (agents, contacts, call detail "
                 "records, recordings, voicemail, transcripts) sealed "
                 "under a key per person, and carries out search, export, "
                 "erasure, retention and audit of it (EU GDPR). Every "
                 "command but init takes --data DIR (default "
                 "$CXVAULT_DATA, then ./vault)."),
             ".SH COMMANDS"]
    for name, summary in commands(top):
        text = help_of(binary, name)
        usage, _, body = text.partition("\n\n")
        lines += [f".SS {esc(name)}", esc(summary[:1].upper() + summary[1:])
                  + ".", ".PP", ".nf", esc(usage), ".fi"]
        if body.strip():
            lines += [".PP", ".nf", esc(body.strip("\n")), ".fi"]
    lines += [".SH ENVIRONMENT", ".TP", ".B CXVAULT_DATA",
              esc("The data directory when --data is not given."),
              ".SH EXIT STATUS",
              esc("0 ok, 1 failed, 2 usage error."),
              ".SH FILES", ".TP", ".I DIR/cxvault.conf",
              esc("The vault's configuration: cxvault.conf(5)."), ".TP",
              ".I DIR/master.key",
              esc("The master key (mode 0600), unless the vault derives it "
                  "from a passphrase."), ".TP", ".I DIR/vault.db",
              esc("The records (SQLite), unless the configuration names a "
                  "PostgreSQL store."), ".TP", ".I DIR/content/",
              esc("Sealed recordings, voicemail and transcripts."), ".TP",
              ".I DIR/logs/", esc("The log, pseudonymized and redacted."),
              ".SH SEE ALSO", ".BR cxvault.conf (5)"]
    return "\n".join(lines) + "\n"


def config_blocks(text):
    """(comment lines, key, default, range or choices) per key of a
    documented config; and the comment blocks that end with no key."""
    keys, loose, comment = [], [], []
    for line in text.split("\n"):
        if line.startswith("#"):
            comment.append(line[1:].lstrip(" ") if not line.startswith("#  ")
                           else line[2:])
        elif "=" in line:
            key, value = (p.strip() for p in line.split("=", 1))
            default, values = "", ""
            if comment and comment[-1].startswith("Default: "):
                default = comment.pop()[len("Default: "):]
            if comment and comment[-1].startswith(("Range: ", "One of: ")):
                values = comment.pop()
            keys.append((comment, key, default or value, values))
            comment = []
        elif line.strip() == "" and comment:
            loose.append(comment)
            comment = []
    if comment:
        loose.append(comment)
    return keys, loose


def documented_config(binary):
    """The cxvault.conf 'cxvault init' writes: every key, documented."""
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "v")
        subprocess.run([binary, "init", "--data", d], check=True,
                       capture_output=True)
        return open(os.path.join(d, "cxvault.conf")).read()


def page_5(text, version):
    keys, loose = config_blocks(text)
    lines = [f'.TH CXVAULT.CONF 5 "" "cxvault {version}" '
             '"File Formats Manual"', ".SH NAME",
             "cxvault.conf \\- configuration of a cxvault vault",
             ".SH DESCRIPTION"]
    lines += [esc(" ".join(loose[0])), ".PP",
              esc("The file lives in the vault's data directory. 'cxvault "
                  "serve' reads it again on SIGHUP; retention policy "
                  "changes are written back to it."), ".SH KEYS"]
    for comment, key, default, values in keys:
        lines += [".TP", f".B {esc(key)}", esc(" ".join(comment))]
        if values:
            lines += [".br", esc(values)]
        lines += [".br", esc("Default: " + (default or "empty"))]
    sources = [c for c in loose[1:] if c and c[0].startswith("Sources")]
    if sources:
        lines += [".SH SOURCES", ".nf", esc("\n".join(sources[0])), ".fi"]
    lines += [".SH SEE ALSO", ".BR cxvault (1)"]
    return "\n".join(lines) + "\n"


def main():
    binary, out, version = sys.argv[1:4]
    with open(os.path.join(out, "cxvault.1"), "w") as f:
        f.write(page_1(binary, version))
    conf = documented_config(binary)
    with open(os.path.join(out, "cxvault.conf.5"), "w") as f:
        f.write(page_5(conf, version))
    with open(os.path.join(out, "cxvault.conf"), "w") as f:
        f.write(conf)


if __name__ == "__main__":
    main()
