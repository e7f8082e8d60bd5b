"""The student's version of a guide written for both audiences (README.md, docs/lesson.md): one source, two readers.

A guide marks what only one audience reads, on lines of their own:

    <!-- instructors -->             the instructor's repository shows this; a student release leaves it out
    ...
    <!-- /instructors -->

    <!-- students                    hidden in the instructor's repository (an HTML comment); a student release
    ...                              shows it
    -->

Everything else is read by both. Blocks do not nest.
"""

from __future__ import annotations

import re

INSTRUCTORS_OPEN, INSTRUCTORS_CLOSE = "<!-- instructors -->", "<!-- /instructors -->"
STUDENTS_OPEN, STUDENTS_CLOSE = "<!-- students", "-->"
_MARKER = re.compile(r"^\s*(<!-- /?instructors -->|<!-- students\s*$)")


def for_students(text: str, name: str = "the guide") -> str:
    """text without its instructors' blocks and with its students' blocks shown; ValueError on a broken marker."""
    out, block, opened_at = [], None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        marker = line.strip()
        if block is None:
            if marker == INSTRUCTORS_OPEN:
                block, opened_at = "instructors", number
            elif marker == STUDENTS_OPEN:
                block, opened_at = "students", number
            elif marker in (INSTRUCTORS_CLOSE, STUDENTS_CLOSE) or _MARKER.match(line):
                raise ValueError(f"{name}, line {number}: {marker!r} closes no block")
            else:
                out.append(line)
        elif block == "instructors":
            if marker == INSTRUCTORS_CLOSE:
                block = None
            elif _MARKER.match(line):
                raise ValueError(f"{name}, line {number}: {marker!r} inside the instructors' block of line "
                                 f"{opened_at} (blocks do not nest)")
        else:  # students
            if marker == STUDENTS_CLOSE:
                block = None
            elif _MARKER.match(line):
                raise ValueError(f"{name}, line {number}: {marker!r} inside the students' block of line "
                                 f"{opened_at} (blocks do not nest)")
            else:
                out.append(line)
    if block is not None:
        raise ValueError(f"{name}, line {opened_at}: the {block}' block is never closed")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"
