"""`python -m benchmarks [lessons|helpers|all] [--repeat N] [--lesson NAME]`: print markdown tables."""

from __future__ import annotations

import argparse
import os

from benchmarks.helpers import benchmark_helpers
from benchmarks.lessons import benchmark_lessons


def markdown(rows: list[dict[str, object]]) -> str:
    """A markdown table of dict rows."""
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(row[key]) for key in header) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    """Run the chosen benchmarks and print their tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("what", nargs="?", default="all", choices=["lessons", "helpers", "all"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lesson", action="append")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}\n")
    if args.what in ("lessons", "all"):
        print(markdown(benchmark_lessons(args.lesson, args.repeat)) + "\n")
    if args.what in ("helpers", "all"):
        print(markdown(benchmark_helpers(args.repeat)))


if __name__ == "__main__":
    main()
