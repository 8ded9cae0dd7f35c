"""The `workshop` command for instructors and learners: doctor, release, grade, formgrade, grades,
check, progress, slides, serve.

Example:
    $ workshop doctor
    $ workshop check notebooks/01_monotonic_xgboost/01_monotonic_xgboost.ipynb
    $ workshop progress
    $ workshop release
    $ workshop grade submitted/ --out graded/
    $ workshop slides --out slides/
    $ workshop serve
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from workshop_tools.settings import DEFAULT_CELL_TIMEOUT, DEFAULT_MEMORY_LIMIT


def doctor(_: argparse.Namespace) -> int:
    """Check the machine; exit 1 when anything needs fixing."""
    from workshop_tools.doctor import report, run_checks

    checks = run_checks()
    print(report(checks))
    return 0 if all(check.ok for check in checks) else 1


def release(args: argparse.Namespace) -> int:
    """Regenerate notebooks/ from solutions/."""
    from workshop_tools.release import release_lessons

    for path in release_lessons(lessons=args.lesson or None, worked_solutions=args.worked_solutions):
        print(f"released {path}")
    if args.worked_solutions is not None:
        print(f"worked solutions and model answers are {'on' if args.worked_solutions else 'off'} for these notebooks")
    return 0


def check(args: argparse.Namespace) -> int:
    """Grade one notebook as `workshop grade` would, and say why each point was lost."""
    from workshop_tools.grading.contained import SandboxUnavailable
    from workshop_tools.sandbox import sandbox_problem
    from workshop_tools.self_check import check_notebook, report

    sandbox = not args.no_sandbox
    if sandbox and (problem := sandbox_problem()):
        print(f"note: the grading sandbox cannot be made here ({problem.rstrip('.')}); your notebook is checked without it, "
              "with your own access to files and network, as it runs in JupyterLab. The points are the same.", flush=True)
        sandbox = False
    try:
        result = check_notebook(Path(args.notebook), args.lesson, sandbox=sandbox,
                                cell_timeout=args.cell_timeout, memory_limit=args.memory_limit)
    except (FileNotFoundError, ValueError, SandboxUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report(result))
    return 0


def formgrade(args: argparse.Namespace) -> int:
    """Grade written answers by hand in nbgrader's formgrader."""
    from workshop_tools.class_gradebook.formgrade import run_formgrader

    try:
        return run_formgrader(Path(args.out), args.port)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def grades(args: argparse.Namespace) -> int:
    """Final grades, the Canvas export and feedback with the instructor's points and comments."""
    from workshop_tools.class_gradebook.final_grades import finish_grades

    try:
        report = finish_grades(Path(args.out))
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {report.grades_csv} and {report.canvas_csv}; {len(report.feedback)} feedback page(s) rewritten")
    if report.still_to_grade:
        print(f"{len(report.still_to_grade)} submission(s) with written answers still to grade or re-check: "
              + ", ".join(report.still_to_grade))
    return 0


def progress(_: argparse.Namespace) -> int:
    """Print every lesson and exercise: done, tried or not tried."""
    from workshop_utils.exercises.progress import progress_table

    print(progress_table())
    return 0


def _stop_on_sigterm() -> None:
    """Make ``kill PID`` stop grading as Ctrl-C does (grading processes ended, progress kept)."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def grade(args: argparse.Namespace) -> int:
    """Autograde a folder of submissions (each in its sandbox), carrying on an interrupted run."""
    from workshop_tools.grading.contained import SandboxUnavailable
    from workshop_tools.grading.grades_csv import grades_csv_path
    from workshop_tools.grading.process_pool import GradingInterrupted, grade_class
    from workshop_tools.grading.run_lock import OutputBusy
    from workshop_tools.sandbox import describe

    out = Path(args.out)
    print(describe() if not args.no_sandbox else
          "WARNING: grading WITHOUT the sandbox (--no-sandbox): every submission runs with your own access "
          "to files and network; grades.csv and the feedback say so.", flush=True)
    _stop_on_sigterm()
    try:
        results = grade_class(Path(args.submitted), out, args.lesson or None, args.jobs, args.cell_timeout,
                              args.memory_limit, progress=lambda line: print(line, flush=True),
                              sandbox=not args.no_sandbox, regrade=args.regrade)
    except (FileNotFoundError, ValueError, SandboxUnavailable, OutputBusy) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, GradingInterrupted):
        print(f"interrupted: the grades finished so far are kept in {out}; run the same command again "
              "to grade the rest (grades.csv is written once all are graded).", file=sys.stderr)
        return 130
    print(f"{len(results)} grade(s) written to {grades_csv_path(out)}; feedback in {out / 'feedback'}")
    return 0


def slides(args: argparse.Namespace) -> int:
    """Export every lesson (or the chosen ones) as an offline reveal.js deck."""
    from workshop_tools.slides import export_decks

    try:
        decks = export_decks(args.lesson or None, Path(args.out))
    except (RuntimeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for deck in decks:
        print(f"wrote {deck}")
    print(f"{len(decks)} deck(s) in {Path(args.out)}/: open any .slides.html in a browser, no network needed")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Serve lesson 1's model and its explainer on MLServer (V2), on localhost, until Ctrl-C."""
    from workshop_tools.serve import default_model_path, run_server

    return run_server(Path(args.model) if args.model else default_model_path(), retrain=args.retrain,
                      folder=Path(args.folder) if args.folder else None, prepare=args.prepare,
                      say=lambda line: print(line, flush=True))


def limits(command: argparse.ArgumentParser) -> None:
    """The options grading shares: time and memory limits, and the sandbox switch."""
    command.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT,
                         help=f"seconds a cell may run (default {DEFAULT_CELL_TIMEOUT})")
    command.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT,
                         help=f"memory a submission's kernel and its Java may hold together (default {DEFAULT_MEMORY_LIMIT})")
    command.add_argument("--no-sandbox", action="store_true",
                         help="grade without the bubblewrap sandbox (unsafe: the notebook runs with your access to files "
                              "and network); the results say so")


def parser() -> argparse.ArgumentParser:
    """The command line."""
    main = argparse.ArgumentParser(prog="workshop", description="Responsible Machine Learning with Python: course tools.")
    commands = main.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check Python, Java, memory, the data and the packages").set_defaults(run=doctor)
    rel = commands.add_parser("release", help="regenerate notebooks/ from solutions/ (nbgrader)")
    rel.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    shown = rel.add_mutually_exclusive_group()
    shown.add_argument("--no-worked-solutions", dest="worked_solutions", action="store_false", default=None,
                       help="switch the exercises' worked solutions and model answers off (a graded class)")
    shown.add_argument("--worked-solutions", dest="worked_solutions", action="store_true",
                       help="switch them on again")
    rel.set_defaults(run=release)
    gra = commands.add_parser("grade", help="autograde SUBMITTED/<student>/<lesson>/<lesson>.ipynb")
    gra.add_argument("submitted", help="folder with one sub-folder per student")
    gra.add_argument("--out", default="graded", help="where grades.csv and feedback/ go (default: graded)")
    gra.add_argument("--lesson", action="append", help="grade only this lesson (repeatable; default: every lesson submitted)")
    gra.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    limits(gra)
    gra.add_argument("--regrade", action="store_true",
                     help="grade every submission again (default: only those not graded yet or changed since)")
    gra.set_defaults(run=grade)
    che = commands.add_parser("check", help="grade one notebook as `workshop grade` would (hidden cases included)")
    che.add_argument("notebook", help="your lesson notebook, e.g. notebooks/01_monotonic_xgboost/01_monotonic_xgboost.ipynb")
    che.add_argument("--lesson", help="the lesson, when the file is not named after it")
    limits(che)
    che.set_defaults(run=check)
    commands.add_parser("progress", help="every lesson and exercise: done, tried or not tried").set_defaults(run=progress)
    fgr = commands.add_parser("formgrade", help="grade written answers by hand: JupyterLab with nbgrader's formgrader")
    fgr.add_argument("out", nargs="?", default="graded", help="the output folder of `workshop grade` (default: graded)")
    fgr.add_argument("--port", type=int, default=8890, help="port on 127.0.0.1 (default 8890)")
    fgr.set_defaults(run=formgrade)
    fin = commands.add_parser("grades", help="final grades.csv, canvas.csv and feedback after hand grading")
    fin.add_argument("out", nargs="?", default="graded", help="the output folder of `workshop grade` (default: graded)")
    fin.set_defaults(run=grades)
    sli = commands.add_parser("slides", help="export lessons as offline reveal.js decks (needs npm once)")
    sli.add_argument("--out", default="slides", help="folder for the decks (default: slides)")
    sli.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    sli.set_defaults(run=slides)
    ser = commands.add_parser("serve", help="lesson 1's model and its explainer on MLServer (V2), on localhost")
    ser.add_argument("--model", help="the saved model to serve, trained and saved there if missing "
                                     "(default: ~/.cache/workshop/credit-default-model.json)")
    ser.add_argument("--retrain", action="store_true", help="train lesson 1's model again and save it")
    ser.add_argument("--folder", help="serve from this folder and keep it (the request log); default: a scratch folder")
    ser.add_argument("--prepare", action="store_true",
                     help="only write the served folder (model and settings) to --folder, e.g. for a container image")
    ser.set_defaults(run=serve)
    return main


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `workshop` console script."""
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
