#!/usr/bin/env python3
"""Fails when an #include runs against eseal's layers (docs/DESIGN.md, "Layers").

Rules:
  1. nothing in core/ includes formats/, cli/ or extension/;
  2. formats/ includes no cli/ or extension/, and no format includes another format
     (formats/<a>/ may include formats/<a>/, formats/format.hpp and core/ only;
     formats/registry.cpp, the one table of adapters, includes each format's entry header);
  3. cli/ and extension/ never include each other;
  4. no cycle between modules (a module is a folder two levels deep, e.g. core/crypto,
     formats/pdf, cli; files directly in formats/ form the module "formats").
Usage: check_layers.py SOURCE_DIR          (exit 1 and one line per violation)
       check_layers.py --self-test         (proves each rule fires on a planted tree)
"""
import os
import re
import sys
import tempfile

TOP = ("core", "formats", "cli", "extension")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
SOURCE_EXT = (".cpp", ".hpp", ".h", ".cc", ".cxx", ".hxx")


def module_of(path):
    parts = path.split("/")
    if parts[0] not in TOP:
        return None
    if parts[0] in ("cli", "extension"):
        return parts[0]
    if len(parts) >= 3:
        return parts[0] + "/" + parts[1]
    if parts[0] == "formats" and parts[1].startswith("registry"):
        return "formats/registry"  # the one table of adapters: includes every format, nobody includes it
    return parts[0]


def collect(root):
    edges = {}  # (from_module, to_module) -> first "file -> include"
    problems = []
    for top in TOP:
        base = os.path.join(root, top)
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                if not name.endswith(SOURCE_EXT):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                src = module_of(rel)
                for inc in INCLUDE.findall(text):
                    dst = module_of(inc)
                    if dst is None:
                        continue
                    problems += rule_violations(rel, src, inc, dst)
                    if dst != src:
                        edges.setdefault((src, dst), rel + " -> " + inc)
    problems += cycles(edges)
    return problems


def rule_violations(rel, src, inc, dst):
    out = []
    s_top, d_top = src.split("/")[0], dst.split("/")[0]
    if s_top == "core" and d_top in ("formats", "cli", "extension"):
        out.append(f"{rel}: core includes {inc} (core knows no format and no front end)")
    if s_top == "formats":
        if d_top in ("cli", "extension"):
            out.append(f"{rel}: a format includes the front end {inc}")
        elif d_top == "formats" and src not in ("formats", "formats/registry") and dst != "formats" and src != dst:
            out.append(f"{rel}: format {src} includes another format's header {inc}")
    if {s_top, d_top} == {"cli", "extension"}:
        out.append(f"{rel}: {s_top} includes {inc} ({s_top} and {d_top} never include each other)")
    return out


def cycles(edges):
    graph = {}
    for (a, b) in edges:
        graph.setdefault(a, set()).add(b)
    out, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                loop = stack[stack.index(nxt):] + [nxt]
                detail = "; ".join(edges[(loop[i], loop[i + 1])] for i in range(len(loop) - 1))
                out.append("cycle " + " -> ".join(loop) + " (" + detail + ")")
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return out


def self_test():
    planted = {
        "core/base/a.hpp": '#include "formats/format.hpp"\n',
        "formats/pdf/p.cpp": '#include "formats/ooxml/o.hpp"\n#include "cli/args.hpp"\n',
        "formats/ooxml/o.hpp": "",
        "formats/format.hpp": "",
        "cli/args.hpp": '#include "extension/x.hpp"\n',
        "extension/x.hpp": "",
        "core/crypto/c.hpp": '#include "core/token/t.hpp"\n',
        "core/token/t.hpp": '#include "core/crypto/c.hpp"\n',
    }
    expect = ["core includes", "another format", "front end", "never include each other", "cycle"]
    with tempfile.TemporaryDirectory() as root:
        for rel, text in planted.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        problems = collect(root)
    missing = [e for e in expect if not any(e in p for p in problems)]
    if missing:
        print("self-test: rules that did not fire:", missing)
        return 1
    print(f"self-test: all {len(expect)} rules fire ({len(problems)} violations planted and found)")
    return 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__)
        return 64
    problems = collect(sys.argv[1])
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) against the layers")
        return 1
    print("layers: no include against the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
