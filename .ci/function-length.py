#!/usr/bin/env python3
"""Lists Swift functions longer than a limit, or how deep their braces nest.

A long function hides its steps: split it into small named passes instead. The limit is 80 lines
(declaration to closing brace, comments and blank lines included), which every function of Sources/
and Tests/ meets: the longest, an evaluation's `run`, has 75; the checkers' and readers' passes stay
under 60. --depth also lists how deep each one nests; nesting-depth.py holds CI to a limit on it.
Usage: function-length.py [--limit N] [--top N] [--depth] PATH...
Exits 1 when a function is over the limit (unless --top is given, which only lists the longest).
"""
import os
import re
import sys

DECL = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|open|package|static|class|final|"
                  r"override|mutating|nonisolated|convenience|required|@inlinable|@discardableResult)\s+)*"
                  r"(?:func\s+[^\s(<]+|init[?!]?|deinit|subscript)\s*[(<{]?")


def code_only(text):
    """The text with comments and string literals blanked out (newlines kept), so braces count."""
    out, i, n = [], 0, len(text)
    # Each entry: ("str", quote) inside a string, ("interp", depth) inside \( ... ) of a string.
    stack = []
    while i < n:
        c = text[i]
        top = stack[-1] if stack else None
        if top and top[0] == "str":
            quote, hashes = top[1], top[2]
            escape = "\\" + "#" * hashes
            if text.startswith(escape + "(", i):
                stack.append(["interp", 0])
                out.append(" " * (len(escape) + 1))
                i += len(escape) + 1
                continue
            if hashes == 0 and c == "\\":
                out.append("  " if text[i + 1:i + 2] != "\n" else " \n")
                i += 2
                continue
            if text.startswith(quote, i):
                stack.pop()
                out.append(" " * len(quote))
                i += len(quote)
                continue
            out.append("\n" if c == "\n" else " ")
            i += 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:j]))
            i = j
            continue
        raw = re.match(r'#*"', text[i:i + 64])
        if raw:
            # "...", """...""" and raw strings #"..."#: a raw string ends at its quote and as many #.
            hashes = len(raw.group(0)) - 1
            opening = "#" * hashes + ('"""' if text.startswith('"""', i + hashes) else '"')
            quote = opening[hashes:] + "#" * hashes
            stack.append(["str", quote, hashes])
            out.append(" " * len(opening))
            i += len(opening)
            continue
        if top and top[0] == "interp":
            if c == "(":
                top[1] += 1
            elif c == ")":
                if top[1] == 0:
                    stack.pop()
                    out.append(" ")
                    i += 1
                    continue
                top[1] -= 1
        out.append(c)
        i += 1
    return "".join(out)


def functions(path):
    """(name, first line, line count, deepest nesting inside the body) of each function in a file."""
    with open(path, encoding="utf-8") as f:
        lines = code_only(f.read()).split("\n")
    found = []
    for start, line in enumerate(lines):
        m = DECL.match(line)
        if not m:
            continue
        depth, opened, deepest = 0, False, 0
        for end in range(start, len(lines)):
            for ch in lines[end]:
                if ch == "{":
                    depth += 1
                    opened = True
                    deepest = max(deepest, depth - 1)
                elif ch == "}":
                    depth -= 1
            if opened and depth <= 0:
                break
            # A protocol requirement has no body: stop at the next declaration.
            if not opened and end > start and DECL.match(lines[end]):
                break
        if opened:
            name = m.group(0).strip()
            found.append((name, start + 1, end - start + 1, deepest))
    return found


def main(argv):
    limit, top, show_depth, paths = 80, None, False, []
    args = iter(argv)
    for a in args:
        if a == "--limit":
            limit = int(next(args))
        elif a == "--top":
            top = int(next(args))
        elif a == "--depth":
            show_depth = True
        else:
            paths.append(a)
    rows = []
    for root in paths:
        for folder, _, files in os.walk(root):
            for name in files:
                if name.endswith(".swift"):
                    path = os.path.join(folder, name)
                    rows += [(count, depth, f"{path}:{line}", fn) for fn, line, count, depth in functions(path)]
    rows.sort(key=lambda r: (-r[0], r[2]))
    if top is not None:
        for count, depth, place, fn in rows[:top]:
            print(f"{count:4} lines{f', depth {depth}' if show_depth else ''}  {place}  {fn}")
        return 0
    over = [r for r in rows if r[0] > limit]
    for count, depth, place, fn in over:
        print(f"{place}: {fn} is {count} lines (limit {limit}): split it into named passes")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
