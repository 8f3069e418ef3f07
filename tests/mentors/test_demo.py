"""The demo teams: SF-AP-01 meets the ratio with a warning showing; SL-SO-01 fails."""
import datetime as dt

from registry.mentors import demo
from registry.mentors.queries import ratio_as_of, ratio_warning, student_mentors


def test_demo_teams(world):
    ctx = {"base": world.base, "base2": world.base2, "enterprise": world.ent, "enterprise2": world.ent2,
           "mentor": world.mentor_record, "users": world.users, "university": world.uni,
           "university2": world.uni2}
    demo.load(ctx)
    today = dt.date.today()
    by_code = {r.code: r for r in ratio_as_of(today)}
    sf, sl = by_code["SF-AP-01"], by_code["SL-SO-01"]
    assert (sf.enterprise, sf.university, sf.meets_requirement) == (5, 9, True)
    assert (sl.enterprise, sl.university, sl.meets_requirement, sl.shortfall) == (1, 5, False, 2)
    warning = ratio_warning(world.base.id, today, 60)
    assert warning is not None and [a.name for a in warning.appointments] == ["黄振宇"] and warning.to_add == 1
    lacking = {s.name: s.lacking for s in student_mentors(world.base.id, today, only_lacking=True)}
    assert lacking == {"刘思琪": ["enterprise"], "陈一鸣": ["university", "enterprise"]}
