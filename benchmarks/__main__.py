"""`python -m benchmarks [lessons|helpers|grading|check|environment|all] [--repeat N] [--lesson NAME]
[--students N] [--jobs N] [--compare-sandbox]`: print markdown tables (`all` is lessons and
helpers; grading a class is slow; `--compare-sandbox` grades it without and with the sandbox;
`check` times `workshop check` against the lesson's own run; `environment` sizes the Python
environment and what each declared package adds)."""

from __future__ import annotations

import argparse
import os

from benchmarks.environment import benchmark_environment
from benchmarks.grading import benchmark_grading, compare_sandbox
from benchmarks.helpers import benchmark_helpers
from benchmarks.lessons import benchmark_lessons
from benchmarks.self_check import benchmark_check


def markdown(rows: list[dict[str, object]]) -> str:
    """A markdown table of dict rows."""
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(row[key]) for key in header) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    """Run the chosen benchmarks and print their tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("what", nargs="?", default="all", choices=["lessons", "helpers", "grading", "check", "environment", "all"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lesson", action="append")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--compare-sandbox", action="store_true", help="grading: also grade without the sandbox")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}\n")
    if args.what in ("lessons", "all"):
        print(markdown(benchmark_lessons(args.lesson, args.repeat)) + "\n")
    if args.what in ("helpers", "all"):
        print(markdown(benchmark_helpers(args.repeat)) + "\n")
    if args.what == "grading":
        lesson = (args.lesson or ["01_monotonic_xgboost"])[0]
        rows = (compare_sandbox(lesson, args.students, args.jobs) if args.compare_sandbox
                else [benchmark_grading(lesson, args.students, args.jobs)])
        print(markdown(rows))
    if args.what == "environment":
        print(markdown(benchmark_environment()))
    if args.what == "check":
        print(markdown([benchmark_check(lesson, args.repeat) for lesson in args.lesson or ["01_monotonic_xgboost"]]))


if __name__ == "__main__":
    main()
