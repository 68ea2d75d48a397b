#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The folders of src/ are the layers of the architecture (docs/architecture.md):
every file lives in one, includes name the layer ("core/keyring.h") and point
only down or sideways, and no two modules include each other, directly or
around a circle. Run by the build (a violation fails `ninja`) and as a test.

    layers.py SRC_DIR [--stamp FILE --depfile FILE]
"""
import argparse
import os
import re
import sys

# Bottom to top; a file may include from its own layer and those before it.
LAYERS = ["base", "store", "core", "records", "rights", "ingest", "net",
          "api", "cli"]
# Made by the build, not by a layer.
GENERATED = {"cxv_version.h"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def sources(src):
    for folder, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith((".c", ".h", ".cc")):
                yield os.path.relpath(os.path.join(folder, name), src)


def layer(rel):
    parts = rel.split(os.sep)
    return parts[0] if len(parts) == 2 and parts[0] in LAYERS else None


def module(rel):
    return os.path.splitext(rel)[0]


def check(src):
    """The problems found, as (test number, message) pairs."""
    problems, graph = [], {}
    for rel in sources(src):
        own = layer(rel)
        if own is None:
            problems.append((1, "%s: not in a layer folder (%s)" %
                             (rel, ", ".join(LAYERS))))
            continue
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if m is None or m.group(1) in GENERATED:
                    continue
                target = m.group(1)
                where = "%s:%d" % (rel, n)
                if layer(target) is None:
                    problems.append((2, "%s: \"%s\" names no layer "
                                     "(\"core/keyring.h\")" % (where, target)))
                elif not os.path.isfile(os.path.join(src, target)):
                    problems.append((2, "%s: \"%s\" does not exist" %
                                     (where, target)))
                elif LAYERS.index(layer(target)) > LAYERS.index(own):
                    problems.append((2, "%s: %s includes from %s, a layer "
                                     "above it" % (where, own, layer(target))))
                elif module(target) != module(rel):
                    graph.setdefault(module(rel), set()).add(module(target))
    for circle in circles(graph):
        problems.append((3, "modules include each other: %s" %
                         " -> ".join(circle + circle[:1])))
    return problems


def circles(graph):
    """One circle per strongly connected set of modules (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main(argv):
    ap = argparse.ArgumentParser(description="src/'s layers, checked")
    ap.add_argument("src")
    ap.add_argument("--stamp", help="written when all is well (the build)")
    ap.add_argument("--depfile", help="the files read, for ninja")
    args = ap.parse_args(argv[1:])
    problems = check(args.src)
    if args.stamp and not problems:
        return write_stamp(args)
    names = ["every source file is in a layer folder",
             "includes name a layer at or below their own",
             "no module includes another that includes it back"]
    print("1..%d" % len(names))
    for i, name in enumerate(names, 1):
        mine = [msg for t, msg in problems if t == i]
        for msg in mine:
            print("# " + msg)
        print("%s %d - %s" % ("not ok" if mine else "ok", i, name))
    return 1 if problems else 0


def write_stamp(args):
    """For the build: the stamp, and the files read so that ninja runs the
    check again when one of them changes."""
    with open(args.stamp, "w", encoding="utf-8") as f:
        f.write("ok\n")
    if args.depfile:
        read = [os.path.abspath(os.path.join(args.src, rel))
                for rel in sources(args.src)]
        with open(args.depfile, "w", encoding="utf-8") as f:
            f.write("%s: %s\n" % (args.stamp, " ".join(
                p.replace(" ", "\\ ") for p in read)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
