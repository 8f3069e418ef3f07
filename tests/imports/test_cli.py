"""`flask roster import` exactly as spec/interfaces.md promises it."""
import os
import subprocess
import sys
from pathlib import Path

from registry.config import PROJECT_ROOT
from tests.imports.conftest import roster_row, snapshot, write_xlsx


def invoke(runner, *args):
    return runner.invoke(args=list(args))


def test_import_summary_and_exit_code(world, runner, files):
    path = files.xlsx([roster_row(staff_no=f"C-{i}") for i in range(3)], title="名单")
    result = invoke(runner, "roster", "import", str(path), "--base", "SF-AP-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported: 3 rows, 3 mentors created, 0 updated, 3 appointments created, 0 updated\n"
    again = invoke(runner, "roster", "import", str(path), "--base", "SF-AP-01")
    assert again.stdout == "imported: 3 rows, 0 mentors created, 0 updated, 0 appointments created, 0 updated\n"


def test_dry_run(world, runner, files):
    before = snapshot()
    path = files.csv([roster_row(staff_no="C-1")])
    result = invoke(runner, "roster", "import", str(path), "--base", "SF-AP-01", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == "dry run: imported: 1 rows, 1 mentors created, 0 updated, 1 appointments created, 0 updated\n"
    assert snapshot() == before


def test_invalid_rows_one_line_each_nothing_written(world, runner, files):
    before = snapshot()
    rows = [roster_row(staff_no=f"C-{i}") for i in range(5)] + [roster_row(start="2023-13-01"),
                                                               roster_row(staff_no="C-9", side="外聘")]
    path = files.xlsx(rows)
    result = invoke(runner, "roster", "import", str(path), "--base", "SF-AP-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == ['row 7, 聘任开始日期: "2023-13-01" 不是有效日期 / "2023-13-01" is not a date',
                     'row 8, 导师类型: "外聘" 不是导师类型：请填写 校内导师 或 企业导师 / '
                     '"外聘" is not a mentor type: use 校内导师 or 企业导师']
    assert "Traceback" not in result.output
    assert snapshot() == before


def test_file_problems_and_unknown_base(world, runner, files):
    before = snapshot()
    path = files.xlsx([roster_row()])
    unknown = invoke(runner, "roster", "import", str(path), "--base", "NOPE-01")
    assert unknown.exit_code == 1 and unknown.stderr.splitlines()[1] == 'Unknown base "NOPE-01".'
    missing = invoke(runner, "roster", "import", str(files.path("none.xlsx")), "--base", "SF-AP-01")
    assert missing.exit_code == 1 and "No such file" in missing.stderr
    broken = files.path("broken.xlsx")
    broken.write_bytes(b"garbage")
    unreadable = invoke(runner, "roster", "import", str(broken), "--base", "SF-AP-01")
    assert unreadable.exit_code == 1 and len(unreadable.stderr.splitlines()) == 2
    assert "could not be read" in unreadable.stderr.splitlines()[1]
    no_header = files.csv([["a", "b"]], header=["x", "y"])
    assert invoke(runner, "roster", "import", str(no_header), "--base", "SF-AP-01").exit_code == 1
    assert snapshot() == before


def test_students_command(world, runner, files):
    from tests.imports.test_students import HEADER, student_row

    invoke(runner, "roster", "import", str(files.xlsx([
        roster_row("王芳", "校内导师", "示范工业大学", "U-1", start="2020-01-01"),
        roster_row(staff_no="XH-1", start="2020-01-01")])), "--base", "SF-AP-01")
    path = files.xlsx([student_row()], header=HEADER, name="students.xlsx")
    result = invoke(runner, "roster", "import-students", str(path), "--base", "SF-AP-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported: 1 rows, 1 students created, 0 updated, 1 assignments created, 0 updated\n"


def test_a_real_process(tmp_path):
    """The command as a script runs it: a fresh database, `flask base create`, `flask roster import`."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'real.db'}", "REGISTRY_ENV": "development"}
    env.pop("FLASK_APP", None)
    python = sys.executable
    flask = str(Path(python).with_name("flask"))
    setup = ("from flask_migrate import stamp\nfrom registry import create_app\nfrom registry.extensions import db\n"
             "app = create_app()\nwith app.app_context():\n    db.create_all()\n    stamp()\n")
    run = lambda *args: subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa
    assert run(python, "-c", setup).returncode == 0
    created = run(flask, "--app", "registry", "base", "create", "RP-AI-01", "--name", "真实进程基地", "--university",
                  "进程大学", "--university-kind", "ministry", "--enterprise", "进程研究所", "--field", "ai",
                  "--cooperation-since", "2020-09-01")
    assert created.returncode == 0, created.stderr
    path = write_xlsx(tmp_path / "roster.xlsx", [roster_row(staff_no="P-1", organisation="进程研究所"),
                                                 roster_row(name="校内甲", side="校内", organisation="进程大学",
                                                            staff_no="P-2")], title="导师名单")
    ok = run(flask, "--app", "registry", "roster", "import", str(path), "--base", "RP-AI-01")
    assert (ok.returncode, ok.stdout, ok.stderr) == (
        0, "imported: 2 rows, 2 mentors created, 0 updated, 2 appointments created, 0 updated\n", "")
    bad = write_xlsx(tmp_path / "bad.xlsx", [roster_row(staff_no="P-3", start="2023-13-01")])
    refused = run(flask, "--app", "registry", "roster", "import", str(bad), "--base", "RP-AI-01")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == 'row 2, 聘任开始日期: "2023-13-01" 不是有效日期 / "2023-13-01" is not a date\n'
    report = run(flask, "--app", "registry", "report", "ratio", "--as-of", "2024-09-01", "--format", "json")
    assert report.returncode == 0 and '"enterprise_mentors": 1' in report.stdout
