"""Mutation testing of the rules and the counting queries (mutmut; run by hand, not in CI).

    python3 scripts/mutate.py                        # the default targets and tests below
    python3 scripts/mutate.py registry/checks/rules.py --tests tests/checks
    python3 scripts/mutate.py --max-children 1       # gentler on a shared machine
    python3 scripts/mutate.py registry/checks/rules.py --only '*x_university_quota*'   # some functions only

mutmut changes one small thing at a time in the target files (`<=` into `<`, `1` into `2`, `and`
into `or`, a string, a returned value...) and runs the tests that reach the changed function; a
mutant that no test notices *survives*. The score is killed / (killed + survived + timeouts).

The project is copied into a scratch directory (`instance/mutate/`, outside git), so the checkout
is never touched; mutmut's own state stays there (`mutmut browse` / `mutmut show NAME` inside it).
The summary and every surviving mutant's diff are written to `mutation-results.json`.

After adding tests, `--rerun-survivors` runs only the mutants that survived the last run again,
in the same scratch copy with the checkout's current tests (tests are only added, so a killed
mutant stays killed): the "after" score without re-running hundreds of killed mutants.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from fnmatch import fnmatch
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _setup  # noqa: E402

TARGETS = [
    "registry/checks/rules.py",      # R1–R8
    "registry/mentors/queries.py",   # the ratio, its series, yearly counts, postgraduates trained
    "registry/exchanges/queries.py",  # exchanges per year and direction
    "registry/teaching/queries.py",  # courses, cases, textbooks, teams, labs, projects, transfers per year
    "registry/reports/statistics.py",  # the ministry-wide sums
]
TESTS = ["tests/checks", "tests/mentors", "tests/exchanges", "tests/teaching", "tests/reports"]
COPY = ["registry", "tests", "templates", "translations", "migrations", "pytest.ini", "babel.cfg"]
SCRATCH = _setup.ROOT / "instance" / "mutate"


def prepare(targets: list[str], tests: list[str]) -> None:
    """A fresh copy of the project with a setup.cfg that tells mutmut what to mutate and run."""
    if SCRATCH.exists():
        shutil.rmtree(SCRATCH)
    SCRATCH.mkdir(parents=True)
    for name in COPY:
        source = _setup.ROOT / name
        if source.is_dir():
            shutil.copytree(source, SCRATCH / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, SCRATCH / name)
    write_config(targets, tests)


def write_config(targets: list[str], tests: list[str]) -> None:
    lines = ["[mutmut]", "source_paths = registry", "only_mutate ="]
    lines += [f"    {t}" for t in targets]
    lines += ["also_copy =", "    templates", "    translations", "    migrations", "    pytest.ini"]
    lines += ["pytest_add_cli_args_test_selection ="] + [f"    {t}" for t in tests]
    lines += ["pytest_add_cli_args =", "    -m", "    not browser and not slow", "    -p", "    no:cacheprovider",
              "    -x", "    -q"]
    (SCRATCH / "setup.cfg").write_text("\n".join(lines) + "\n")


def results() -> dict:
    """{mutant name: status} as mutmut reports it."""
    out = subprocess.run([str(_setup.PY), "-m", "mutmut", "results", "--all", "true"], cwd=SCRATCH,
                         capture_output=True, text=True)
    statuses = {}
    for line in out.stdout.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep:
            statuses[name] = status.strip()
    return statuses


def diff_of(name: str) -> str:
    out = subprocess.run([str(_setup.PY), "-m", "mutmut", "show", name], cwd=SCRATCH, capture_output=True, text=True)
    return out.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", default=TARGETS, help="files to mutate")
    parser.add_argument("--tests", nargs="+", default=TESTS, help="test files or folders to run")
    parser.add_argument("--max-children", type=int, default=None, help="parallel workers (default: CPU count)")
    parser.add_argument("--only", nargs="+", default=[], metavar="PATTERN",
                        help="only the mutants whose names match (fnmatch), e.g. '*x_university_quota*'")
    parser.add_argument("--rerun-survivors", action="store_true",
                        help="run the last run's survivors again with the checkout's current tests")
    parser.add_argument("--output", default=str(_setup.ROOT / "mutation-results.json"))
    args = parser.parse_args()

    _setup.ensure_venv("requirements-dev.txt")
    _setup.compile_catalogues()
    run = [str(_setup.PY), "-m", "mutmut", "run"]
    if args.max_children:
        run += ["--max-children", str(args.max_children)]
    names: list[str] = []
    earlier: dict[str, str] = {}
    if args.rerun_survivors:
        if not SCRATCH.exists():
            sys.exit("no earlier run in instance/mutate / 没有上一次的运行")
        memory = SCRATCH / "statuses.json"
        earlier = json.loads(memory.read_text()) if memory.exists() else results()
        names = [n for n, s in earlier.items() if s in ("survived", "suspicious", "timeout")]
        shutil.rmtree(SCRATCH / "tests")
        shutil.copytree(_setup.ROOT / "tests", SCRATCH / "tests", ignore=shutil.ignore_patterns("__pycache__"))
        write_config(args.targets, args.tests)
        print(f"running {len(names)} survivors again")
    else:
        prepare(args.targets, args.tests)
        names = list(args.only)
    started = time.monotonic()
    if names or not args.rerun_survivors:
        subprocess.run(run + names, cwd=SCRATCH)
    statuses = results()
    # mutmut forgets earlier results when the tests change: a mutant killed before stays killed.
    statuses = {n: (earlier.get(n, s) if s == "not checked" else s) for n, s in statuses.items()}
    (SCRATCH / "statuses.json").write_text(json.dumps(statuses))
    if args.only:
        statuses = {n: s for n, s in statuses.items() if any(fnmatch(n, p) for p in args.only)}
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    killed = counts.get("killed", 0)
    judged = killed + counts.get("survived", 0) + counts.get("timeout", 0) + counts.get("suspicious", 0)
    score = killed / judged if judged else 0.0
    survivors = sorted(n for n, s in statuses.items() if s in ("survived", "suspicious"))
    summary = {"targets": args.targets, "tests": args.tests, "counts": counts, "score": round(score, 4),
               "minutes": round((time.monotonic() - started) / 60, 1),
               "survived": {name: diff_of(name) for name in survivors}}
    Path(args.output).write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"\nmutation score: {killed}/{judged} = {score:.1%}  ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    for name in survivors:
        print(f"  survived: {name}")
    print(f"details: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
