#!/usr/bin/env python3
"""Lists Swift functions whose body nests blocks deeper than a limit.

A block inside a block inside a block hides which branch a line runs in: move the inner blocks
into small named passes instead. Depth counts `{` inside the body relative to the function's own
opening brace, so a body of plain statements is 0 and an `if` inside a `for` is 2; `} else {` and
`case` labels add nothing, closures count like any block. Comments and string literals (multi-line
and raw ones too) are blanked out first, with function-length.py's reader, so their braces do not
count. Functions are what function-length.py measures (func, init, deinit, subscript) plus
properties with a body: computed ones (`var x: T {`) and ones set by a closure (`let x: T = {`).
The limit is 4, which every function of Sources/ and Tests/ meets; the deepest are the export
readers' scanning loops and the batch's run.
Usage: nesting-depth.py [--limit N] [--top N] PATH...
Exits 1 when a function is nested deeper than the limit (unless --top is given, which only lists the
deepest).
"""
import importlib.util
import os
import re
import sys

_spec = importlib.util.spec_from_file_location("function_length", os.path.join(os.path.dirname(__file__),
                                                                               "function-length.py"))
function_length = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(function_length)

PROPERTY = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|open|package|static|class|"
                      r"final|override|lazy|nonisolated)(?:\([^)]*\))?\s+)*(?:var|let)\s+\w+\s*(?::[^={]+)?(?:=\s*)?\{")


def declaration(line):
    """The declaration a line opens (function or property with a body), or None."""
    m = function_length.DECL.match(line) or PROPERTY.match(line)
    return m.group(0).rstrip("{ ").strip() if m else None


def functions(path):
    """(name, first line, deepest nesting inside the body) of each function in a file."""
    with open(path, encoding="utf-8") as f:
        lines = function_length.code_only(f.read()).split("\n")
    found = []
    for start, line in enumerate(lines):
        name = declaration(line)
        if name is None:
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
            if not opened and end > start and declaration(lines[end]):
                break
        if opened:
            found.append((name, start + 1, deepest))
    return found


def main(argv):
    limit, top, paths = 4, None, []
    args = iter(argv)
    for a in args:
        if a == "--limit":
            limit = int(next(args))
        elif a == "--top":
            top = int(next(args))
        else:
            paths.append(a)
    rows = []
    for root in paths:
        for folder, _, files in os.walk(root):
            for name in files:
                if name.endswith(".swift"):
                    path = os.path.join(folder, name)
                    rows += [(depth, f"{path}:{line}", fn) for fn, line, depth in functions(path)]
    rows.sort(key=lambda r: (-r[0], r[1]))
    if top is not None:
        for depth, place, fn in rows[:top]:
            print(f"depth {depth}  {place}  {fn}")
        return 0
    over = [r for r in rows if r[0] > limit]
    for depth, place, fn in over:
        print(f"{place}: {fn} nests blocks {depth} deep (limit {limit}): move the inner blocks into named passes")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
