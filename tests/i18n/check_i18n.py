#!/usr/bin/env python3
"""Checks of the translations (issue 10, "Chinese first").

catalogue: every msgid the code passes to tr() or marks with N_() (string
  literals, adjacent ones joined as C++ does) has a non-empty translation in
  cli/po/zh_CN.po, with the same {placeholders} as the msgid.
throws: no throw statement in cli/ or core/ passes a bare English sentence
  (a literal of two or more words) that does not go through tr() / N_();
  tests/i18n/throw_allowlist.txt names the few that stay English, with the
  reason. Only the throw statement itself is read: a message built in a
  variable first, or thrown by a helper, is not seen.
--self-test plants a missing msgid, a placeholder mismatch and a bare throw
  in a temporary tree and requires each check to fail on it.
"""
import json
import os
import re
import sys
import tempfile

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
MARKERS = re.compile(r"\b(tr|N_)\(\s*(?=\")")


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}.get(n, "\\" + n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_comments(text):
    """C++ text with // and /* */ comments blanked (string literals kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(c if c == "\n" else " " for c in text[i:j]))
            i = j
        elif text[i] == '"':
            m = LITERAL.match(text, i)
            if not m:
                out.append(text[i])
                i += 1
                continue
            out.append(m.group(0))
            i = m.end()
        elif text[i] == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def sources(root, folders):
    for folder in folders:
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for f in sorted(files):
                if f.endswith((".cpp", ".hpp")):
                    yield os.path.join(dirpath, f)


def marked_msgids(path):
    """(line, msgid) of every tr("...") / N_("...") in a file."""
    text = strip_comments(open(path, encoding="utf-8").read())
    for m in MARKERS.finditer(text):
        i, parts = m.end(), []
        while True:
            lit = LITERAL.match(text, i)
            if not lit:
                break
            parts.append(unescape(lit.group(1)))
            i = lit.end()
            while i < len(text) and text[i] in " \t\n":
                i += 1
        yield text.count("\n", 0, m.start()) + 1, "".join(parts)


def read_po(path):
    """msgid -> msgstr of a .po file (no plural forms, no contexts)."""
    entries, key, cur, field = {}, None, [], None
    def flush():
        if field == "msgstr" and key is not None:
            entries[key] = "".join(cur)
    msgid = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("msgid "):
            flush()
            field, cur = "msgid", [unescape(line[7:-1])]
        elif line.startswith("msgstr "):
            msgid = "".join(cur)
            key, field, cur = msgid, "msgstr", [unescape(line[8:-1])]
        elif line.startswith('"') and field:
            cur.append(unescape(line[1:-1]))
        elif not line.strip() or line.startswith("#"):
            flush()
            field, key = None, None
    flush()
    return entries


def check_catalogue(root, folders, po):
    catalogue = read_po(os.path.join(root, po))
    problems = []
    for path in sources(root, folders):
        rel = os.path.relpath(path, root)
        for line, msgid in marked_msgids(path):
            if not msgid:
                continue
            where = f"{rel}:{line}"
            if msgid not in catalogue or not catalogue[msgid]:
                problems.append(f"{where}: no zh_CN translation for {msgid!r}")
            elif sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(catalogue[msgid])):
                problems.append(f"{where}: the translation of {msgid!r} has other placeholders: "
                                f"{catalogue[msgid]!r}")
    return problems


def throw_statements(text):
    """(offset, statement text) of each throw ... ; (string literals skipped)."""
    for m in re.finditer(r"\bthrow\b", text):
        i, depth = m.end(), 0
        while i < len(text):
            if text[i] == '"':
                lit = LITERAL.match(text, i)
                i = lit.end() if lit else i + 1
                continue
            if text[i] in "([{":
                depth += 1
            elif text[i] in ")]}":
                depth -= 1
            elif text[i] == ";" and depth <= 0:
                break
            i += 1
        yield m.start(), text[m.start() : i]


def bare_sentences(statement):
    """English sentences in a throw statement not passed through tr() / N_()."""
    found = []
    for lit in LITERAL.finditer(statement):
        value = unescape(lit.group(1))
        # A sentence has two words apart (not "samples.tsv", not "RAND_bytes").
        if not re.search(r"[A-Za-z]{2,}\W*\s\W*[A-Za-z]{2,}", value) or not re.search(r"[a-z]{3,}", value):
            continue
        before = statement[: lit.start()]
        if re.search(r"\b(tr|N_)\(\s*(\"(?:[^\"\\\n]|\\.)*\"\s*)*$", before):
            continue  # the literal (or the part of one split over lines) is a msgid
        if re.search(r"\{\"\{[a-z_]+\}\",\s*$", before):
            continue  # the value of a fill() placeholder: a command or option name
        found.append(value)
    return found


def read_allowlist(path):
    allowed = set()
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                file, _, text = line.partition(": ")
                allowed.add((file, json.loads(text)))
    return allowed


# core/package is being translated on its own branch (issue 10); it joins the
# scan when that work is merged.
NOT_YET_SCANNED = ()


def check_throws(root, folders, allowlist, skipped=()):
    allowed = read_allowlist(os.path.join(root, allowlist))
    used, problems = set(), []
    for path in sources(root, folders):
        rel = os.path.relpath(path, root)
        if rel.startswith(skipped):
            continue
        text = strip_comments(open(path, encoding="utf-8").read())
        for at, statement in throw_statements(text):
            for value in bare_sentences(statement):
                if (rel, value) in allowed:
                    used.add((rel, value))
                    continue
                line = text.count("\n", 0, at) + 1
                problems.append(f"{rel}:{line}: the message {value!r} is thrown without tr(); translate it "
                                f"(cli/po/zh_CN.po) or name it in {allowlist} with the reason")
    for file, value in sorted(allowed - used):
        problems.append(f"{allowlist}: {file}: {json.dumps(value)} matches no throw any more; remove it")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "core", "x"))
        os.makedirs(os.path.join(d, "cli", "po"))
        os.makedirs(os.path.join(d, "tests", "i18n"))
        with open(os.path.join(d, "cli", "po", "zh_CN.po"), "w", encoding="utf-8") as f:
            f.write('msgid ""\nmsgstr ""\n\nmsgid "known {a}"\nmsgstr "已知 {b}"\n\n'
                    'msgid "fine {a}"\nmsgstr "好 {a}"\n')
        with open(os.path.join(d, "tests", "i18n", "allow.txt"), "w", encoding="utf-8") as f:
            f.write('# why\ncore/x/a.cpp: "an allowed internal message"\n')
        with open(os.path.join(d, "core", "x", "a.cpp"), "w", encoding="utf-8") as f:
            f.write('void f() {\n'
                    '    // throw Error("a comment is not code");\n'
                    '    throw Error(fill(tr("fine {a}"), {{"{a}", "seal make"}}));\n'
                    '    throw Error(tr("known {a}"));\n'
                    '    throw Error(tr("missing"\n    " one"));\n'
                    '    throw Error(Category::Usage, "a bare English sentence");\n'
                    '    throw Error("an allowed internal message");\n'
                    '}\n')
        cat = check_catalogue(d, ["core", "cli"], "cli/po/zh_CN.po")
        thr = check_throws(d, ["core", "cli"], "tests/i18n/allow.txt")
    expect = [
        (any("'missing one'" in p for p in cat), "a missing msgid (split over two lines) is reported"),
        (any("'known {a}'" in p for p in cat), "a placeholder mismatch is reported"),
        (not any("fine" in p for p in cat), "a correct msgid passes"),
        (any("a bare English sentence" in p for p in thr), "a bare throw is reported"),
        (not any("allowed internal" in p for p in thr), "an allowlisted throw passes"),
        (not any("comment" in p or "seal make" in p for p in thr), "comments and fill() values pass"),
        (len(thr) == 1, "exactly one throw problem: " + repr(thr)),
    ]
    failed = [what for ok, what in expect if not ok]
    for what in failed:
        print("self-test failed:", what)
    return 1 if failed else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    mode, root = argv[1], argv[2]
    if mode == "catalogue":
        problems = check_catalogue(root, ["cli", "core", "formats", "extension"], "cli/po/zh_CN.po")
    elif mode == "throws":
        problems = check_throws(root, ["cli", "core"], "tests/i18n/throw_allowlist.txt", NOT_YET_SCANNED)
    else:
        print("usage: check_i18n.py catalogue|throws SOURCE_DIR | --self-test")
        return 64
    for p in problems:
        print(p)
    print(f"{mode}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
