"""The files of the lesson a student release carries: lesson/ and every module of this repository it imports.

The lesson's imports are read from its source (ast, nothing is imported or run), and followed from module to
module within this repository: lesson/ itself, its trusted models (lesson/models/), and the parts of benchmarks/
that section 7 times with. The packages of the release's own seqlab part (the grader, which the lesson calls to
check a student's exercises) ship anyway and are not followed. A lesson that imports instructor material
(reference/, solutions/, tests/, seqlab/course/) cannot ship: lesson_files refuses it and names the import.
Where a section needs an exercise, lesson.exercise_code imports reference/ only by name, at run time, where it
exists: that is how the instructor's repository runs from reference/ and a release from the student's code.
"""

from __future__ import annotations

import ast
from pathlib import Path

# Imports that would carry an answer or an instructor's tool into the release.
INSTRUCTOR_ONLY = ("reference", "solutions", "tests", "seqlab.course")
SHIPPED_ANYWAY = ("seqlab",)  # the release's seqlab part (PACKAGE_PARTS), copied whole


def _module_file(root: Path, dotted: str) -> Path | None:
    """The file of module `dotted` inside root (a module or a package's __init__), or None."""
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(root: Path, path: Path) -> list[str]:
    """Dotted names of the modules `path` imports (relative imports resolved), each possibly a package."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names]  # `from pkg import module`
    return names


def _within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def lesson_files(root: Path) -> list[Path]:
    """Every Python file of root/lesson and the repository modules it imports, as paths relative to root."""
    todo = [p for p in sorted((root / "lesson").rglob("*.py")) if "__pycache__" not in p.parts]
    seen = set(todo)
    while todo:
        path = todo.pop()
        for name in _imported(root, path):
            if _within(name, INSTRUCTOR_ONLY):
                raise ValueError(f"{path.relative_to(root)} imports {name}: instructor material cannot ship "
                                 f"in a student release (import it at run time where reference/ exists)")
            if _within(name, SHIPPED_ANYWAY):
                continue
            parts = name.split(".")
            for depth in range(1, len(parts) + 1):  # a module and every package above it
                found = _module_file(root, ".".join(parts[:depth]))
                if found is not None and found not in seen:
                    seen.add(found)
                    todo.append(found)
    return sorted(p.relative_to(root) for p in seen)
