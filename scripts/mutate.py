"""Mutation testing of the rules, the life cycle and the ratio/counting queries (issue 9 point 11).

    python3 scripts/mutate.py                       # every target, writes mutation-results.json
    python3 scripts/mutate.py --target rules        # one target (rules, lifecycle, queries)
    python3 scripts/mutate.py --list                # the mutants, without running anything
    python3 scripts/mutate.py --target rules --line 237   # only the mutants on one line
    python3 scripts/mutate.py --no-ints --jobs 2    # comparison/boolean swaps only, two at a time
    python3 scripts/mutate.py --before ...          # without the tests/*/test_mutants.py files
    python3 scripts/mutate.py --survivors mutation-results.json   # re-judge only earlier survivors

Not run in CI. A small self-contained runner rather than mutmut: mutmut 3.8.1 (pinned in
requirements-dev.txt) does run here with Python 3.11 and pytest 9, but it leaves decorated
functions alone, and every rule R1-R8 is registered by the `@rule(...)` decorator, so it never
mutates the rules (tried on rules.py: 38 mutants, none inside a rule). Here each mutant is one
token swapped in a copy of the project, and against it run only the tests that execute its line
(coverage contexts per test, fixtures included; a line run only at import time, such as a
constant, gets every test of the target), `-x -q -m "not browser"`, on SQLite.

Operators (each mutant changes exactly one token):
  <= ↔ <,  >= ↔ >,  == ↔ !=,  and ↔ or,  and_ ↔ or_ (SQL),  True ↔ False,  integer n → n+1 and n-1.

A mutant is *killed* when the tests fail (or run past the time limit), *survived* when they pass.
Explained survivors (equivalent mutants) are listed in docs/mutation.md and in EQUIVALENT below,
keyed by (file, the stripped source line, the column, the swap), and counted apart.
"""
from __future__ import annotations

import argparse
import ast
import io
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tokenize
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"

# name -> (module, top-level functions/classes to mutate (None: the whole module), test files)
TARGETS = {
    "rules": ("registry/checks/rules.py", None,
              ["tests/checks/test_rules.py", "tests/checks/test_submissions.py", "tests/checks/test_mutants.py"]),
    "lifecycle": ("registry/checks/lifecycle.py", None,
                  ["tests/checks/test_lifecycle.py", "tests/checks/test_cycles.py", "tests/checks/test_evaluation.py",
                   "tests/checks/test_mutants.py"]),
    "queries": ("registry/mentors/queries.py",
                ["counts_on", "Ratio", "ratio_as_of", "ratio_series", "period_counts"],
                ["tests/mentors/test_ratio.py", "tests/mentors/test_counts.py", "tests/mentors/test_history.py",
                 "tests/mentors/test_suspension_periods.py", "tests/mentors/test_mutants.py"]),
}

SWAPS = {"<=": "<", "<": "<=", ">=": ">", ">": ">=", "==": "!=", "!=": "==",
         "and": "or", "or": "and", "and_": "or_", "or_": "and_", "True": "False", "False": "True"}

# Equivalent mutants, explained in docs/mutation.md: (file, stripped line, column, "old→new").
EQUIVALENT: set[tuple[str, str, int, str]] = {
    # The state read under lock only decides whether to reload the base; reloading when nothing
    # changed is harmless, and a persisted base always has its row (current is never None).
    ("registry/checks/lifecycle.py", "if current is not None and current != base.status:", 27, "and→or"),
    # The next cycle's "not before the day after the last one ended": a passed base's last step is
    # dated on or after that day (the evaluation or re-evaluation comes after the cycle's end), and
    # no step goes back before the previous one, so this guard never decides on its own.
    ("registry/checks/lifecycle.py",
     'elif to_status == "in_construction" and frm == "passed" and cycle is not None:  # the next cycle', 19,
     "==→!="),
    # Any negative number is refused the same way as -1.
    ("registry/checks/lifecycle.py", "score = -1", 25, "1→2"),
    # Any order above every rule number sorts an unnumbered rule last; there are 8 rules, not 998.
    ("registry/checks/rules.py", "return int(self.id[1:]) if self.id[1:].isdigit() else 999", 62, "999→1000"),
    ("registry/checks/rules.py", "return int(self.id[1:]) if self.id[1:].isdigit() else 999", 62, "999→998"),
}

COPY = ["registry", "tests", "templates", "translations", "migrations", "pytest.ini", "babel.cfg"]


@dataclass
class Mutant:
    target: str
    path: str
    line: int
    col: int
    old: str
    new: str
    source_line: str
    status: str = "pending"  # killed, survived, timeout, equivalent
    seconds: float = 0.0
    tests: int = -1  # how many tests ran against it (-1: the whole list; 0: none runs its line)

    @property
    def key(self):
        return (self.path, self.source_line, self.col, f"{self.old}→{self.new}")

    def describe(self) -> str:
        return f"{self.path}:{self.line}:{self.col}  {self.old} → {self.new}   | {self.source_line}"


def _ranges(source: str, names) -> list[tuple[int, int]]:
    if names is None:
        return [(1, len(source.splitlines()))]
    tree = ast.parse(source)
    found = {n.name: (n.lineno, n.end_lineno) for n in tree.body
             if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))}
    missing = [n for n in names if n not in found]
    if missing:
        raise SystemExit(f"not found: {missing}")
    return [found[n] for n in names]


def _is_int(text: str) -> bool:
    try:
        int(text, 0)
    except ValueError:
        return False
    return True


def mutants_of(target: str, ints: bool = True) -> list[Mutant]:
    path, names, _tests = TARGETS[target]
    source = (ROOT / path).read_text(encoding="utf-8")
    lines = source.splitlines()
    ranges = _ranges(source, names)
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        (row, col) = tok.start
        if not any(a <= row <= b for a, b in ranges) or lines[row - 1].lstrip().startswith(("@", "from ", "import ")):
            continue  # outside the target, a decorator (`@dataclass(frozen=True)`, a rule's registration), an import
        text = tok.string
        news = []
        if tok.type in (tokenize.OP, tokenize.NAME) and text in SWAPS:
            news = [SWAPS[text]]
        elif ints and tok.type == tokenize.NUMBER and _is_int(text):
            n = int(text, 0)
            news = [str(n + 1), str(n - 1)]
        for new in news:
            m = Mutant(target, path, row, col, text, new, lines[row - 1].strip())
            if m.key in EQUIVALENT:
                m.status = "equivalent"
            out.append(m)
    return out


def _apply(source: str, m: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    line = lines[m.line - 1]
    assert line[m.col:m.col + len(m.old)] == m.old, (m, line)
    lines[m.line - 1] = line[:m.col] + m.new + line[m.col + len(m.old):]
    return "".join(lines)


def _pytest(workdir: Path, tests, timeout: float) -> tuple[str, float]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("TEST_DATABASE_URL", None)  # SQLite: narrow and fast
    start = time.monotonic()
    try:
        proc = subprocess.run([str(VENV_PY), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-m", "not browser",
                               f"--basetemp={workdir / '.pytest-tmp'}", *tests], cwd=workdir, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - start
    # 1: a test failed, 2: collection stopped (the mutant breaks the import); 3-5: pytest itself went wrong
    status = {0: "survived", 1: "killed", 2: "killed"}.get(proc.returncode, f"error {proc.returncode}")
    return status, time.monotonic() - start


def _copy_project(dest: Path) -> None:
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, dest / name)


CONTEXT_PLUGIN = """import coverage


def pytest_runtest_setup(item):  # fixtures included: the context is the test's node id
    cov = coverage.Coverage.current()
    if cov is not None:
        cov.switch_context(item.nodeid)
"""


def _coverage(workdir: Path, path: str, tests) -> tuple[dict[int, set[str]], float]:
    """{line: node ids of the tests that run it} for the target file ("" for import time), from one
    run of the target's tests under coverage; and the run's seconds."""
    (workdir / "mutate_ctx.py").write_text(CONTEXT_PLUGIN, encoding="utf-8")
    rc = workdir / ".mutate-coveragerc"
    rc.write_text(f"[run]\ninclude = {workdir / path}\ndata_file = {workdir / '.mutate-coverage'}\n",
                  encoding="utf-8")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("TEST_DATABASE_URL", None)
    start = time.monotonic()
    proc = subprocess.run([str(VENV_PY), "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest", "-x", "-q",
                           "-p", "no:cacheprovider", "-p", "mutate_ctx", "-m", "not browser",
                           f"--basetemp={workdir / '.pytest-tmp'}", *tests], cwd=workdir, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"the tests fail without any mutant; fix them first:\n{proc.stdout[-3000:]}")
    out = workdir / ".mutate-coverage.json"
    subprocess.run([str(VENV_PY), "-m", "coverage", "json", f"--rcfile={rc}", "--show-contexts", "-o", str(out)],
                   cwd=workdir, env=env, check=True, stdout=subprocess.DEVNULL)
    files = json.loads(out.read_text(encoding="utf-8"))["files"]
    (data,) = [v for k, v in files.items() if k.endswith(path) or path.endswith(k)]
    return {int(line): set(ctx) for line, ctx in data.get("contexts", {}).items()}, seconds


def run(targets, line=None, jobs=1, only=None, verbose=True, save=None, before=False, ints=True) -> list[Mutant]:
    """Each of `jobs` workers has its own copy of the project; a mutant is written into the copy,
    the target's tests run there, and the original file is put back."""
    results = []
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        copies, lock = queue.Queue(), threading.Lock()
        for j in range(jobs):
            _copy_project(Path(tmp) / f"w{j}")
            copies.put(Path(tmp) / f"w{j}")
        for target in targets:
            path, _names, tests = TARGETS[target]
            tests = [t for t in tests if (Path(tmp) / "w0" / t).exists()
                     and not (before and t.endswith("test_mutants.py"))]
            original = (ROOT / path).read_text(encoding="utf-8")
            if only is None:
                covered, base_seconds = _coverage(Path(tmp) / "w0", path, tests)
                timeout = max(120.0, 4 * base_seconds)
            else:  # earlier survivors: every test of the target, the ones written to kill them first (-x)
                tests = sorted(tests, key=lambda t: not t.endswith("test_mutants.py"))
                covered, base_seconds, timeout = None, 0.0, 900.0
            mutants = [m for m in mutants_of(target, ints) if (line is None or m.line == line)
                       and (only is None or m.key in only)]
            if verbose:
                print(f"== {target}: {len(mutants)} mutants, tests {base_seconds:.0f}s unmutated: {' '.join(tests)}",
                      flush=True)

            def one(m: Mutant) -> Mutant:
                contexts = {""} if covered is None else covered.get(m.line)
                if not contexts:  # no test runs this line: nothing can notice the change
                    m.status = "survived"
                    m.tests = 0
                    if verbose:
                        print(f"  SURVIVED (no test runs it) {m.describe()}", flush=True)
                    return m
                # a line run only at import time (a constant) reaches every test: run them all
                selected = tests if "" in contexts else sorted(contexts)
                m.tests = len(selected)
                work = copies.get()
                try:
                    (work / path).write_text(_apply(original, m), encoding="utf-8")
                    m.status, m.seconds = _pytest(work, selected, timeout)
                finally:
                    (work / path).write_text(original, encoding="utf-8")
                    copies.put(work)
                if verbose and m.status == "survived":
                    print(f"  SURVIVED {m.describe()}", flush=True)
                if save:
                    with lock:
                        save(results + mutants)
                return m

            with ThreadPoolExecutor(max_workers=jobs) as pool:
                list(pool.map(one, [m for m in mutants if m.status != "equivalent"]))
            results += mutants
    return results


def summary(mutants: list[Mutant]) -> dict:
    out = {}
    for target in dict.fromkeys(m.target for m in mutants):
        ms = [m for m in mutants if m.target == target]
        killed = sum(m.status in ("killed", "timeout") for m in ms)
        survived = [m for m in ms if m.status == "survived"]
        equivalent = sum(m.status == "equivalent" for m in ms)
        errors = [m for m in ms if m.status.startswith("error")]
        judged = killed + len(survived)
        out[target] = {"mutants": len(ms), "killed": killed, "survived": len(survived), "equivalent": equivalent,
                       "errors": [m.describe() for m in errors],
                       "score": round(killed / judged, 3) if judged else None,
                       "survivors": [m.describe() for m in survived]}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", action="append", choices=sorted(TARGETS))
    ap.add_argument("--line", type=int, help="only the mutants on this line (with one --target)")
    ap.add_argument("--jobs", type=int, default=1, help="mutants tested at once (each in its own copy)")
    ap.add_argument("--survivors", metavar="RESULTS_JSON",
                    help="only the mutants that survived in an earlier run (tests are only ever added, so a "
                         "mutant killed then is still killed)")
    ap.add_argument("--before", action="store_true",
                    help="without the test_mutants.py files (the tests written to kill survivors): the score before")
    ap.add_argument("--no-ints", action="store_true",
                    help="leave out the integer-literal mutants (n±1): the comparison and boolean swaps only")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument("--out", default=str(ROOT / "mutation-results.json"))
    args = ap.parse_args(argv)
    targets = args.target or list(TARGETS)
    if args.list:
        for t in targets:
            for m in mutants_of(t, not args.no_ints):
                print(("(equivalent) " if m.status == "equivalent" else "") + m.describe())
        return 0
    if not VENV_PY.exists():
        raise SystemExit("no .venv: run `python3 scripts/test.py -q tests/test_smoke.py` once first")
    only = None
    if args.survivors:
        earlier = json.loads(Path(args.survivors).read_text(encoding="utf-8"))["mutants"]
        only = {(m["path"], m["source_line"], m["col"], f"{m['old']}→{m['new']}") for m in earlier
                if m["status"] == "survived"}

    def save(mutants):  # after every mutant: a run cut short keeps what it measured
        Path(args.out).write_text(json.dumps({"summary": summary(mutants), "mutants": [asdict(m) for m in mutants]},
                                             ensure_ascii=False, indent=1), encoding="utf-8")

    mutants = run(targets, args.line, args.jobs, only, save=save, before=args.before, ints=not args.no_ints)
    save(mutants)
    result = summary(mutants)
    for t, s in result.items():
        print(f"{t}: {s['killed']} killed, {s['survived']} survived, {s['equivalent']} equivalent "
              f"of {s['mutants']} — score {s['score']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
