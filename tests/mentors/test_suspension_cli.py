"""`flask roster suspend` and `flask roster resume` exactly as spec/interfaces.md ("Suspensions with dates")."""
from sqlalchemy import select

from registry.extensions import db
from registry.mentors.models import Suspension
from registry.mentors.queries import ratio_as_of
from tests.mentors.conftest import D

WHO = ("--base", "SF-AP-01", "--organisation", "星海航天动力研究所", "--staff-no", "E001")


def _cli(runner, *args):
    return runner.invoke(args=list(args))


def _periods():
    return [(s.starts_on, s.ends_on, s.reason) for s in db.session.scalars(select(Suspension).order_by(Suspension.id))]


def test_suspend_and_resume_from_the_command_line(world, runner):
    db.session.commit()
    enterprise = lambda day: ratio_as_of(day, [world.base.id])[0].enterprise  # noqa: E731
    result = _cli(runner, "roster", "suspend", *WHO, "--from", "2024-02-29", "--reason", "出国")
    assert result.exit_code == 0, result.output
    assert _periods() == [(D(2024, 2, 29), None, "出国")]
    assert (enterprise(D(2024, 2, 28)), enterprise(D(2024, 2, 29))) == (1, 0)
    # overlapping another suspension: refused, in both languages, nothing written
    again = _cli(runner, "roster", "suspend", *WHO, "--from", "2025-01-01", "--until", "2025-01-31")
    assert again.exit_code == 1 and "overlaps" in again.stderr and "重叠" in again.stderr
    result = _cli(runner, "roster", "resume", *WHO, "--on", "2025-01-01")
    assert result.exit_code == 0, result.output
    assert _periods() == [(D(2024, 2, 29), D(2024, 12, 31), "出国")]
    assert (enterprise(D(2024, 12, 31)), enterprise(D(2025, 1, 1))) == (0, 1)
    # a resume with no open suspension: refused
    none_open = _cli(runner, "roster", "resume", *WHO, "--on", "2025-06-01")
    assert none_open.exit_code == 1 and "no open suspension" in none_open.stderr
    # a closed period
    result = _cli(runner, "roster", "suspend", *WHO, "--from", "2025-12-31", "--until", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert _periods()[-1] == (D(2025, 12, 31), D(2026, 1, 1), "")


def test_refusals(world, runner):
    db.session.commit()
    outside = _cli(runner, "roster", "suspend", *WHO, "--from", "2019-12-31")  # 李工 is appointed from 2020-01-01
    assert outside.exit_code == 1 and "no appointment at SF-AP-01 on 2019-12-31" in outside.stderr
    backwards = _cli(runner, "roster", "suspend", *WHO, "--from", "2024-03-01", "--until", "2024-02-29")
    assert backwards.exit_code == 1 and "before the first day" in backwards.stderr
    bad_date = _cli(runner, "roster", "suspend", *WHO, "--from", "2024-02-30")
    assert bad_date.exit_code != 0 and "--from" in bad_date.stderr
    stranger = _cli(runner, "roster", "suspend", "--base", "SF-AP-01", "--organisation", "星海航天动力研究所",
                    "--staff-no", "NOPE", "--from", "2024-01-01")
    assert stranger.exit_code == 1 and "NOPE" in stranger.stderr
    unknown_base = _cli(runner, "roster", "resume", "--base", "XX-00", "--organisation", "x", "--staff-no", "y",
                        "--on", "2024-01-01")
    assert unknown_base.exit_code == 1
    assert _periods() == []
