"""What a class got wrong: ``seqlab class-report OUT`` writes OUT/report.md, OUT/report.html and OUT/figures/*.png.

    OUT/reports/<student>.json   the students' final reports (overrides applied)  --+
    OUT/grades.csv               the students that could not be graded             +--> Insight --> Document --> report.md
    OUT/class.json               settings, the last run, the shards merged         --+      (blocks)       \\-> report.html

Everything is read from the report model's data, never from its prose: scores, each check's ``passed``, the ids
in ``mistakes`` (a check that reproduces several known mistakes lists them all; each is counted) and ``error``
(the kind of failure when a check got no result at all). A student counts once per mistake and exercise, however
many checks that mistake cost. The HTML is one file: its figures are embedded (PNG, matplotlib's Agg backend).
"""

from __future__ import annotations

import base64
import csv
import html
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.course.submissions import ClassGradingError
from seqlab.grading import atomic
from seqlab.grading.registry import EXERCISES
from seqlab.grading.report import Report

# The kinds of failure a check without a result carries (CheckResult.error), as the report groups them.
GROUP_OF = {"timeout": "timed out", "cpu_limit": "timed out", "crash": "crashed", "import": "crashed",
            "error": "crashed", "missing_file": "missing", "refused": "missing", "missing": "missing",
            "not_implemented": "unfinished"}
GROUPS = ("timed out", "crashed", "missing", "unfinished")
KIND_MEANING = {
    "timeout": "waited out the wall-clock limit", "cpu_limit": "used up the CPU-time limit",
    "crash": "the process died (a signal, or an exit) before reporting", "import": "the module failed to import",
    "error": "a call raised an exception", "missing_file": "no file for the exercise",
    "refused": "a file refused (a link, unreadable or too large)", "missing": "a name of the API missing",
    "not_implemented": "the stub left unfinished",
}
# What one exercise of one student came to: one of these (``_outcome``).
OUTCOMES = ("full marks", "wrong: mistake named", "wrong: not named", *GROUPS)
EXAMPLES = 3


# ---------------------------------------------------------------------------------------------------
# The class, read
# ---------------------------------------------------------------------------------------------------


@dataclass
class ExerciseInsight:
    name: str
    title: str
    max_score: float
    scores: dict[str, float] = field(default_factory=dict)  # student -> score (overrides applied)
    checks: dict[str, list[int]] = field(default_factory=dict)  # check -> [passed, graded]
    mistakes: dict[str, list[str]] = field(default_factory=dict)  # mistake id -> students
    kinds: dict[str, list[str]] = field(default_factory=dict)  # error kind -> students
    outcome: dict[str, str] = field(default_factory=dict)  # student -> one of OUTCOMES

    def with_outcome(self, outcome: str) -> list[str]:
        return sorted(s for s, o in self.outcome.items() if o == outcome)

    def ranked_mistakes(self) -> list[tuple[str, list[str]]]:
        """Most frequent first (ties: by id)."""
        return sorted(self.mistakes.items(), key=lambda item: (-len(item[1]), item[0]))


@dataclass
class Insight:
    out: Path
    settings: dict
    totals: dict[str, float] = field(default_factory=dict)  # student -> total (overrides applied)
    max_total: float = 0.0
    exercises: dict[str, ExerciseInsight] = field(default_factory=dict)
    not_graded: dict[str, str] = field(default_factory=dict)  # student -> the CSV's status
    overridden: list[str] = field(default_factory=list)
    grading_seconds: dict[str, float] = field(default_factory=dict)  # student -> seconds its grading took

    @property
    def students(self) -> list[str]:
        return sorted(set(self.totals) | set(self.not_graded))

    def students_with(self, outcome: str) -> list[str]:
        """Students with at least one exercise of this outcome."""
        return sorted({s for e in self.exercises.values() for s in e.with_outcome(outcome)})

    @property
    def runs(self) -> list[dict]:
        """The runs that graded this class: each shard's (a merged class), then the last run on the folder itself."""
        runs = [dict(run) for run in self.settings.get("runs", [])]
        if self.settings.get("last_run"):
            runs.append({"output": str(self.out), "shard": self.settings.get("shard"), **self.settings["last_run"]})
        return runs


def _outcome(report_exercise) -> str:
    """Full marks; else a proven mistake, when one is named (a wrong formula may also raise on some inputs);
    else, when no failed check had a result to judge, what happened instead; else wrong, no mistake named."""
    failed = [t for t in report_exercise.tests if not t.passed]
    if report_exercise.score >= report_exercise.max_score or not failed:  # (or an override below the maximum)
        return "full marks"
    if any(t.mistakes for t in failed):
        return "wrong: mistake named"
    if all(t.error for t in failed):
        groups = {GROUP_OF.get(t.error, "crashed") for t in failed}
        return next(group for group in GROUPS if group in groups)
    return "wrong: not named"


def collect(out: Path) -> Insight:
    """Reads OUT (a class-grade or class-merge output) into an Insight."""
    from seqlab.course.classroom import CSV_NAME, manifest, read_report

    out = Path(out)
    insight = Insight(out, manifest(out))
    insight.exercises = {name: ExerciseInsight(name, e.title, e.max_score) for name, e in EXERCISES.items()}
    insight.max_total = sum(e.max_score for e in EXERCISES.values())
    paths = sorted((out / "reports").glob("*.json"))
    for path in paths:
        report = read_report(path)
        if report is None:
            raise ClassGradingError(f"{path} is not a report seqlab can read")
        _add(insight, report.meta.get("student", path.stem), report)
    csv_path = out / CSV_NAME
    if csv_path.is_file():
        with open(csv_path, newline="") as handle:
            for row in csv.DictReader(handle):
                if row["student"] not in insight.totals and row.get("status", "").startswith("not graded"):
                    insight.not_graded[row["student"]] = row["status"]
    if not insight.students:
        raise ClassGradingError(f"{out} holds no graded student (reports/ is empty)")
    return insight


def _add(insight: Insight, student: str, report: Report) -> None:
    insight.totals[student] = report.total
    if report.meta.get("overrides"):
        insight.overridden.append(student)
    if isinstance(report.meta.get("grading_seconds"), (int, float)):
        insight.grading_seconds[student] = float(report.meta["grading_seconds"])
    for name, graded in report.exercises.items():
        exercise = insight.exercises.get(name)
        if exercise is None:  # an exercise since removed from the registry
            continue
        exercise.scores[student] = graded.score
        for test in graded.tests:
            tally = exercise.checks.setdefault(test.name, [0, 0])
            tally[0] += bool(test.passed)
            tally[1] += 1
        failed = [t for t in graded.tests if not t.passed]
        for mistake_id in sorted({m for t in failed for m in t.mistakes}):
            exercise.mistakes.setdefault(mistake_id, []).append(student)
        for kind in sorted({t.error for t in failed if t.error}):
            exercise.kinds.setdefault(kind, []).append(student)
        exercise.outcome[student] = _outcome(graded)


# ---------------------------------------------------------------------------------------------------
# The document: blocks, rendered as Markdown and as HTML
# ---------------------------------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Figure:
    path: Path  # a PNG under OUT/figures/
    caption: str


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _examples(students: list[str]) -> str:
    shown = ", ".join(students[:EXAMPLES])
    return shown + (", ..." if len(students) > EXAMPLES else "")


def _mistake_text(mistake_id: str) -> str:
    from seqlab.grading.registry import mistake

    try:
        return mistake(mistake_id).message
    except KeyError:  # an id this version of the registry does not know (a report from another version)
        return "(not in this version's registry)"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def document(insight: Insight, figures: dict[str, Figure]) -> list:
    """The report's blocks, in order."""
    s = insight.settings
    graded = sorted(insight.totals)
    totals = [insight.totals[x] for x in graded]
    blocks: list = [Heading(1, f"Class report: {insight.out.name}")]
    limits = (f"wall-clock limit {s.get('wall_seconds', '?'):g} s, CPU-time limit {s.get('cpu_seconds', '?')} s per "
              f"exercise" if isinstance(s.get("wall_seconds"), (int, float)) else "limits unknown")
    blocks.append(
        f"{len(insight.students)} students: {len(graded)} graded, {len(insight.not_graded)} not graded. "
        f"{'Official' if s.get('official') else 'Public'} inputs; {limits}. "
        + (f"Total: mean {statistics.mean(totals):.1f}, median {statistics.median(totals):g} of "
           f"{insight.max_total:g}; {sum(t >= insight.max_total for t in totals)} with full marks, "
           f"{sum(t == 0 for t in totals)} with 0. " if totals else "")
        + (f"{len(insight.overridden)} with an instructor's override." if insight.overridden else ""))
    header = ["exercise", *OUTCOMES]
    rows = [[e.title, *[str(len(e.with_outcome(o))) for o in OUTCOMES]] for e in insight.exercises.values()]
    rows.append(["any exercise (students)", *[str(len(insight.students_with(o))) for o in OUTCOMES]])
    blocks += ["What each exercise came to, in students (each student once per exercise: full marks; else a "
               "known mistake, when one was proven; else, when no check had a result to judge, what happened "
               "instead; else wrong without a known mistake):", Table(header, rows), figures["outcomes"]]

    blocks += [Heading(2, "Scores"), figures["scores"]]
    rows = [[e.title, f"{statistics.mean(e.scores.values()):.1f} / {e.max_score:g}" if e.scores else "-",
             _pct(len(e.with_outcome("full marks")), len(e.scores))] for e in insight.exercises.values()]
    blocks += [Table(["exercise", "mean score", "full marks"], rows), figures["exercises"]]

    blocks += [Heading(2, "Checks"), "The share of students who passed each check:", figures["checks"]]
    rows = [[e.title, check, f"{passed} / {n}", _pct(passed, n)] for e in insight.exercises.values()
            for check, (passed, n) in e.checks.items()]
    blocks.append(Table(["exercise", "check", "passed", "pass rate"], rows))

    blocks += [Heading(2, "Mistakes"),
               "The known mistakes the grader proved (the submission reproduces the mistake's variant exactly), "
               f"most frequent first, with up to {EXAMPLES} students who made each:", figures["mistakes"]]
    for e in insight.exercises.values():
        blocks.append(Heading(3, e.title))
        ranked = e.ranked_mistakes()
        if ranked:
            blocks.append(Table(["mistake", "students", "for example", "what it is"],
                                [[m, str(len(who)), _examples(who), _mistake_text(m)] for m, who in ranked]))
        unnamed = e.with_outcome("wrong: not named")
        blocks.append(("No known mistake named." if not ranked else "")
                      + (f" Wrong without a known mistake that explains it: {len(unnamed)} ({_examples(unnamed)})."
                         if unnamed else ""))

    blocks += [Heading(2, "Timed out, crashed, missing"),
               "Exercises with checks that gave no result to judge, by what happened, in students (a wrong formula "
               "that also raises on some inputs is counted here too, besides its mistake):"]
    def order(item):
        return GROUPS.index(GROUP_OF.get(item[0], "crashed")), item[0]

    rows = [[e.title, GROUP_OF.get(kind, "crashed"), kind, KIND_MEANING.get(kind, ""), str(len(who)), _examples(who)]
            for e in insight.exercises.values() for kind, who in sorted(e.kinds.items(), key=order)]
    blocks.append(Table(["exercise", "group", "kind", "what happened", "students", "for example"], rows)
                  if rows else "None.")
    blocks.append("Students with at least one such exercise: "
                  + ", ".join(f"{g} {len(insight.students_with(g))}" for g in GROUPS) + ".")
    if insight.not_graded:
        blocks.append(Table(["student", "not graded"], [[k, v] for k, v in sorted(insight.not_graded.items())]))

    blocks.append(Heading(2, "Grading time"))
    if insight.runs:
        blocks.append(Table(["output", "shard", "graded", "unchanged", "seconds", "workers", "cores",
                             "load average before (1, 5, 15 min)", "finished"],
                            [[Path(r.get("output", "?")).name, str(r.get("shard") or "-"), str(r.get("graded", "-")),
                              str(r.get("cached", "-")), _seconds(r.get("seconds")), str(r.get("workers", "-")),
                              str(r.get("cores", "-")), str(r.get("load_average_before") or "-"),
                              str(r.get("finished_at", "-"))] for r in insight.runs]))
    times = insight.grading_seconds
    if times:
        ordered = sorted(times.values())
        slowest = sorted(times, key=lambda x: -times[x])[:EXAMPLES]
        blocks += [f"Per student (its four exercises at once): median {statistics.median(ordered):.2f} s, "
                   f"90th percentile {ordered[int(0.9 * (len(ordered) - 1))]:.2f} s, longest {ordered[-1]:.2f} s "
                   f"({', '.join(f'{x} {times[x]:.1f} s' for x in slowest)}).", figures["time"]]
    return blocks


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list, out: Path) -> str:
    lines = []
    for block in blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(map(_md_cell, block.header)) + " |")
            lines.append("|" + "|".join(" --- " for _ in block.header) + "|")
            lines += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
            lines.append("")
        elif isinstance(block, Figure):
            lines += [f"![{block.caption}]({block.path.relative_to(out).as_posix()})", ""]
        elif block:
            lines += [block.strip(), ""]
    return "\n".join(lines)


STYLE = ("body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;"
         "text-align:left;vertical-align:top}th{background:#f3f3f3}img{max-width:100%}"
         "figcaption{color:#555;font-size:.9em}")


def to_html(blocks: list) -> str:
    """One self-contained page: the figures are embedded as data: URIs, nothing is fetched."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "Class report")
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
             f"<style>{STYLE}</style></head><body>"]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Table):
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in block.header) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in block.rows]
            parts.append("</table>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.path.read_bytes()).decode("ascii")
            parts.append(f"<figure><img alt=\"{html.escape(block.caption)}\" src=\"data:image/png;base64,{data}\">"
                         f"<figcaption>{html.escape(block.caption)}</figcaption></figure>")
        elif block:
            parts.append(f"<p>{html.escape(block.strip())}</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------------

COLORS = {"full marks": "#4c9a2a", "wrong: mistake named": "#e0a030", "wrong: not named": "#c8c060",
          "timed out": "#7570b3", "crashed": "#d95f02", "missing": "#999999", "unfinished": "#cccccc"}


def figures(insight: Insight, folder: Path) -> dict[str, Figure]:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    exercises = list(insight.exercises.values())
    titles = [e.title for e in exercises]

    def save(fig, key: str, caption: str) -> None:
        path = folder / f"{key}.png"
        fig.tight_layout()
        with atomic.atomic_write(path, "wb") as handle:
            fig.savefig(handle, format="png", dpi=110)
        plt.close(fig)
        made[key] = Figure(path, caption)

    fig, ax = plt.subplots(figsize=(8, 3.6))
    left = [0] * len(exercises)
    for outcome in OUTCOMES:
        counts = [len(e.with_outcome(outcome)) for e in exercises]
        ax.barh(titles, counts, left=left, color=COLORS[outcome], label=outcome)
        left = [a + b for a, b in zip(left, counts)]
    ax.invert_yaxis()
    ax.set_xlabel("students")
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    save(fig, "outcomes", "What each exercise came to, in students")

    fig, ax = plt.subplots(figsize=(8, 3.2))
    totals = list(insight.totals.values())
    step = 5
    bins = [b * step for b in range(int(insight.max_total // step) + 2)]
    ax.hist(totals, bins=bins, color="#4a7ab5", edgecolor="white")
    if totals:
        ax.axvline(statistics.median(totals), color="#222", linestyle="--", linewidth=1,
                   label=f"median {statistics.median(totals):g}")
        ax.legend(fontsize=8)
    ax.set_xlabel(f"total score (of {insight.max_total:g}; bins of {step})")
    ax.set_ylabel("students")
    save(fig, "scores", f"Score distribution of the {len(totals)} graded students")

    fig, ax = plt.subplots(figsize=(8, 3.2))
    x = range(len(exercises))
    full = [100 * len(e.with_outcome("full marks")) / max(len(e.scores), 1) for e in exercises]
    mean = [100 * statistics.mean(e.scores.values()) / e.max_score if e.scores else 0 for e in exercises]
    ax.bar([i - 0.2 for i in x], full, width=0.4, color=COLORS["full marks"], label="full marks (% of students)")
    ax.bar([i + 0.2 for i in x], mean, width=0.4, color="#4a7ab5", label="mean score (% of the points)")
    ax.set_xticks(list(x), titles)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    save(fig, "exercises", "Per exercise: full marks and mean score")

    checks = [(e, c, passed / n) for e in exercises for c, (passed, n) in e.checks.items() if n]
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.22 * max(len(checks), 1)))
    palette = ["#4a7ab5", "#e0a030", "#4c9a2a", "#7570b3", "#d95f02", "#999999"]
    tint = {e.name: palette[i % len(palette)] for i, e in enumerate(exercises)}
    ax.barh([f"{e.name}: {c}" for e, c, _ in checks], [100 * r for _, _, r in checks],
            color=[tint[e.name] for e, _, _ in checks])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("students who passed the check (%)")
    ax.tick_params(axis="y", labelsize=7)
    save(fig, "checks", "Per check: the share of students who passed it")

    ranked = sorted(((m, len(who), e) for e in exercises for m, who in e.mistakes.items()), key=lambda t: (-t[1], t[0]))
    shown = ranked[:20]
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.26 * max(len(shown), 1)))
    ax.barh([m for m, _, _ in shown], [n for _, n, _ in shown], color=[tint[e.name] for _, _, e in shown])
    ax.invert_yaxis()
    ax.set_xlabel("students")
    ax.tick_params(axis="y", labelsize=7)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if not shown:
        ax.text(0.5, 0.5, "no known mistake named", ha="center", va="center", transform=ax.transAxes)
    save(fig, "mistakes", f"The most frequent known mistakes ({len(shown)} of {len(ranked)}), coloured by exercise")

    fig, ax = plt.subplots(figsize=(8, 3.0))
    times = list(insight.grading_seconds.values())
    ax.hist(times, bins=30, color="#4a7ab5", edgecolor="white")
    ax.set_xlabel("seconds to grade one student (four exercises at once)")
    ax.set_ylabel("students")
    save(fig, "time", "Grading time per student")
    return made


def write(out: Path) -> tuple[Path, Path]:
    """OUT/report.md and OUT/report.html (with OUT/figures/*.png)."""
    out = Path(out)
    insight = collect(out)
    blocks = document(insight, figures(insight, out / "figures"))
    md, page = out / "report.md", out / "report.html"
    atomic.write_text(md, to_markdown(blocks, out))
    atomic.write_text(page, to_html(blocks))
    return md, page


def main(args) -> int:
    """seqlab class-report OUT"""
    try:
        md, page = write(Path(args.out))
    except (ClassGradingError, ValueError) as exc:
        print(f"seqlab class-report: {exc}", file=sys.stderr)
        return 2
    print(f"class report: {md} and {page} (figures in {md.parent / 'figures'})")
    return 0

