#!/usr/bin/env python3
"""Generate docs/api.md from lib/include/dpgram.h.

The header is the reference: every declaration's doc comment (/** ... */) is
copied with the declaration itself, section by section. Run with --check to
fail when docs/api.md is out of date (the test suite does).
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "lib/include/dpgram.h"
OUT = ROOT / "docs/api.md"

SECTION = re.compile(r"^/\* (?!-)([A-Z][^*]*?)\s*\*/$")


def clean_comment(text):
    lines = []
    for line in text.splitlines():
        line = line.strip()
        line = re.sub(r"^/\*\*\s?", "", line)
        line = re.sub(r"\s?\*/$", "", line)
        line = re.sub(r"^\*\s?", "", line)
        lines.append(line)
    return "\n".join(lines).strip()


def parse(src):
    """Yield ('section', name) and ('decl', comment, code) items in order."""
    lines = src.splitlines()
    i = 0
    pending = None
    while i < len(lines):
        line = lines[i]
        m = SECTION.match(line.strip())
        if m and "SPDX" not in line:
            yield ("section", m.group(1))
            i += 1
            continue
        if line.strip().startswith("/**") and not line.strip().startswith("/**<"):
            buf = [line]
            while "*/" not in lines[i]:
                i += 1
                buf.append(lines[i])
            pending = clean_comment("\n".join(buf))
            i += 1
            continue
        if pending is not None and line.strip():
            code = [line]
            if line.lstrip().startswith("#"):
                # A macro: it ends where the line continuations do.
                while code[-1].rstrip().endswith("\\"):
                    i += 1
                    code.append(lines[i])
            else:
                # A declaration: it ends with ';' once braces and parens close.
                depth = 0
                while True:
                    depth += sum(code[-1].count(c) for c in "({")
                    depth -= sum(code[-1].count(c) for c in ")}")
                    if depth == 0 and code[-1].rstrip().endswith(";"):
                        break
                    i += 1
                    code.append(lines[i])
            yield ("decl", pending, "\n".join(code))
            pending = None
        i += 1


def render(src):
    out = ["# dpgram API reference", "",
           "Generated from `lib/include/dpgram.h` by `scripts/gen-api-doc.py`; "
           "do not edit by hand. The conventions at the top of the header apply "
           "to every function: `int` results are `>= 0` on success or a negative "
           "errno; a failed call changes nothing and fires no callback.", ""]
    head = re.search(r"/\* SPDX[^\n]*\n(.*?)\*/", src, re.S)
    if head:
        out += ["## Conventions", "", clean_comment(head.group(1)), ""]
    for item in parse(src):
        if item[0] == "section":
            out += ["## " + item[1], ""]
        else:
            _, comment, code = item
            out += ["```c", code.rstrip(), "```", "", comment, ""]
    return "\n".join(out).rstrip() + "\n"


def main():
    text = render(HEADER.read_text())
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print("docs/api.md is out of date: run scripts/gen-api-doc.py",
                  file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
