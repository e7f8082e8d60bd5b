"""What the grader says about an exercise's module, said in the notebook's terms.

A notebook's exercise is graded as the module its cells make (``cells.build_module``), so the grader's texts
name that module: ``SyntaxError: invalid syntax (gru.py, line 40)``, ``raised ValueError: ... (line 12 in
forward)``. A student never sees gru.py. ``in_cell_terms`` rewrites every failed check of a report:

* a module line becomes the cell and the line within it: ``(cell 'gru-2-GRUCell', line 3)``, through the
  module's line map (``Module.locate``: a function of the module line, so a structured line number from the
  grader slots in as it is);
* an IPython magic or shell line in an answer cell (``%time``, ``%%capture``, ``!ls``), which makes the module
  unimportable, is named: "answer cells are graded as plain Python: remove `%time` (cell 'gru-2-GRUCell',
  line 3)" (every such line, not just the first);
* a NameError for a name that a cell the student added defines says so (added cells are not graded);
* the text that came from the student's process (an exception's message) keeps only what the student's own
  code says: numbers and paths that do not appear in the student's source (official inputs, the course's
  folders) are hidden, and the text is capped (``child_text``).

The judge's own findings (expected versus got, shapes) are left as they are.
"""

from __future__ import annotations

import ast
import copy
import io
import re
import tokenize
from typing import Iterable, Mapping

from seqlab.grading.judge import PREFIXES
from seqlab.grading.report import Report
from seqlab.notebooks.cells import CellLine, Module

CHILD_TEXT_LIMIT = 300  # characters of an exception's message shown per check
_CHILD_PREFIXES = tuple(PREFIXES[kind] for kind in ("import", "missing", "error"))
_MODULE_LINE = re.compile(r"\((?P<file>[\w.-]+\.py), line (?P<line>\d+)\)(?: \(line (?P=line)\))?")
# "(line 12 in forward)" or, with the line's text, "(line 12 in forward: h = W @ x + b)"
_FRAME_LINE = re.compile(r"\(line (?P<line>\d+) in (?P<function>[\w.<>]+)(?P<end>[:)])")
# a warning on the student's line, in a pitfall's explanation: "exp overflowed on line 7 (e = np.exp(x))"
_WARNING_LINE = re.compile(r"\bon line (?P<line>\d+) \(")
_NO_ATTRIBUTE = re.compile(r"module 'submission' has no attribute '(?P<name>\w+)'")
_NOT_DEFINED = re.compile(r"NameError: name '(?P<name>\w+)' is not defined")
_FLOAT = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|nan|inf)"
                    r"(?![\w.])")
_BOOLS = re.compile(r"(?:\b(?:True|False)\b[\s,]*){2,}")
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?")
_MAGIC_WORD = re.compile(r"\s*(%%?[\w.]+|!\s*[^\s;]+)")
_SYNTAX = ("SyntaxError", "IndentationError", "TabError")


def magics(source: str) -> list[tuple[int, str]]:
    """(line, word) of each IPython magic or shell line in `source`: a logical line that starts with % or !."""
    lines = source.splitlines()
    found, depth, at_start = [], 0, True
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
                at_start = at_start or token.type == tokenize.NEWLINE
                continue
            if token.type == tokenize.NL:
                at_start = at_start or depth == 0
                continue
            if at_start and token.string in ("%", "!"):
                word = _MAGIC_WORD.match(lines[token.start[0] - 1])
                found.append((token.start[0], word[1] if word else token.string))
            at_start = False
            if token.type == tokenize.OP:
                depth += (token.string in "([{") - (token.string in ")]}")
    except (tokenize.TokenError, SyntaxError):  # unterminated brackets or strings: read line by line
        found = [(n, m[1]) for n, line in enumerate(lines, 1)
                 if (m := _MAGIC_WORD.match(line)) and line.lstrip()[:1] in ("%", "!")]
    return found


def magic_message(module: Module) -> str | None:
    """"answer cells are graded as plain Python: remove `%time` (cell '...', line 3)", or None."""
    places = []
    for line, word in magics(module.source):
        where = module.locate(line)
        places.append(f"`{word}` ({where})" if where else f"`{word}`")
    if not places:
        return None
    shown = ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")
    return f"answer cells are graded as plain Python: remove {shown}"


def _functions(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, last line) of every function and method the module defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [(node.name, node.lineno, node.end_lineno or node.lineno) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _place(module: Module, line: int) -> str | None:
    found: CellLine | None = module.locate(line)
    return f"({found})" if found else None


def located(text: str, file_name: str, module: Module) -> str:
    """`text` with each place in the module (`file_name`) said as a place in a cell."""
    def module_line(match: re.Match) -> str:
        if match["file"] != file_name:
            return match[0]
        return _place(module, int(match["line"])) or "(between cells)"

    functions = _functions(module.source)

    def frame_line(match: re.Match) -> str:
        line, function = int(match["line"]), match["function"]
        if not any(name == function and first <= line <= last for name, first, last in functions):
            return match[0]  # a line of numpy's or of the grader's own code, not of the module
        found = module.locate(line)
        return f"({found}, in {function}{match['end']}" if found else match[0]

    text = _MODULE_LINE.sub(module_line, text)
    text = _FRAME_LINE.sub(frame_line, text)
    text = _WARNING_LINE.sub(lambda m: f"in {found} (" if (found := module.locate(int(m["line"]))) else m[0], text)
    return _NO_ATTRIBUTE.sub(lambda m: f"the answer cells define no '{m['name']}'", text)


def child_text(text: str, source: str, limit: int = CHILD_TEXT_LIMIT) -> str:
    """What the student's process said, keeping only what the student wrote: a number or a path that is not in
    `source` (the student's module) is hidden, a run of booleans (a mask) too, and the text is capped."""
    def hide(replacement: str):
        return lambda m: m[0] if m[0].strip(" ,") in source else replacement

    text = _PATH.sub(hide("<path>"), text)
    text = _BOOLS.sub(lambda m: m[0] if m[0].strip(" ,") in source else "<booleans> ", text)
    text = _FLOAT.sub(hide("<number>"), text)
    text = re.sub(r"\[[\s\[\]]*(?:<number>[\s,\[\]]*)+\]", "<array>", text)  # a printed array, nested or not
    text = re.sub(r"<number>(?:[\s,]+<number>)+", "<numbers>", text)
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def _detail(detail: str, file_name: str, module: Module, added: Mapping[str, str]) -> str:
    prefix = next((p for p in _CHILD_PREFIXES if detail.startswith(p)), None)
    if prefix is None:
        return detail
    said = detail[len(prefix):]
    if prefix == PREFIXES["import"] and said.startswith(_SYNTAX):
        magic = magic_message(module)
        if magic is not None:
            return magic
    said = child_text(located(said, file_name, module), module.source)
    missing = _NOT_DEFINED.search(said)
    if missing and missing["name"] in added:
        said += (f"; `{missing['name']}` is defined in {added[missing['name']]}, a cell you added, and added "
                 f"cells are not graded: move it into the answer cell that uses it")
    return prefix + said


def in_cell_terms(report: Report, modules: Mapping[str, Module], added: Mapping[str, str] | None = None) -> Report:
    """A copy of `report` whose failed checks speak of cells (see the module docstring).

    `modules`: exercise -> the module its cells made; `added`: name -> the added cell that defines it.
    """
    from seqlab.grading.registry import EXERCISES

    result = copy.deepcopy(report)
    for name, exercise in result.exercises.items():
        module = modules.get(name)
        if module is None:
            continue
        file_name = EXERCISES[name].file_name if name in EXERCISES else f"{name}.py"
        for check in exercise.tests:
            if not check.passed:
                check.detail = _detail(check.detail, file_name, module, added or {})
                check.explanation = located(check.explanation, file_name, module)
                if check.exception and check.exception.get("in") == "submission" and check.exception.get("line"):
                    found = module.locate(check.exception["line"])
                    check.exception["cell"] = str(found) if found else None
                check.rerun = ""  # it would name a temporary copy of the module
    return result


def added_definitions(added: Iterable[tuple[str, str]]) -> dict[str, str]:
    """name -> the added cell that defines it, from (description, source) of the cells a student added."""
    names: dict[str, str] = {}
    for where, source in added:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.setdefault(node.name, where)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    names.setdefault((alias.asname or alias.name).split(".")[0], where)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        names.setdefault(target.id, where)
    return names
