"""Every rule's full outcome, pinned: verdict, what was measured and required, the message in
English and Chinese, and the links it offers, at the edges of each rule. The rules are called with
plain stand-ins for the base and its facts, so each case costs no query; these tests are what
mutation testing (scripts/mutate.py) needs to notice a changed comparison, number or message."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from registry.checks import rules
from registry.checks.models import ApplicationRound
from registry.errors import EN, ZH, in_locale
from registry.mentors.queries import Ratio

D = dt.date
AS_OF = D(2024, 9, 1)
CODE = "BH-AI-01"


def text(value, locale=EN) -> str:
    if isinstance(value, rules.Msg):
        return value.in_locale(locale)
    if getattr(value, "_args", None):
        return in_locale(locale, value)
    return str(value)


def view(outcome, locale=EN) -> tuple:
    return (outcome.passed, outcome.measured, outcome.required, text(outcome.message, locale),
            [(link.endpoint, link.values) for link in outcome.links], outcome.applicable)


def base(**kw):
    values = dict(id=1, code=CODE, excellent_engineer_programme=False, cooperation_since=D(2020, 2, 29),
                  university=SimpleNamespace(name="示范工业大学", kind="ministry"), enterprises=[])
    values.update(kw)
    return SimpleNamespace(**values)


def facts(as_of=AS_OF, **kw):
    return SimpleNamespace(as_of=as_of, **{k: (lambda v: (lambda _id: v))(v) for k, v in kw.items()})


STUDENTS = ("mentors.students", {"code": CODE})
ADD_STUDENT = ("mentors.student_add", {"code": CODE})


# ---- R1 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, eep, passed, message", [
    (0, False, False, "No jointly trained postgraduate (master's or doctoral student) is on record by 2024-09-01, "
                      "and the base is not recorded as part of the Excellent Engineer programme. Add the "
                      "postgraduates the base has trained to its student roster."),
    (1, False, True, "Postgraduates jointly trained by 2024-09-01: 1."),
    (0, True, True, "The base took part in the Excellent Engineer programme."),
    (2, True, True, "Postgraduates jointly trained by 2024-09-01: 2."),
])
def test_r1(app, n, eep, passed, message):
    out = rules.joint_training_experience(base(excellent_engineer_programme=eep), facts(postgraduates=n))
    links = [STUDENTS] if passed else [STUDENTS, ADD_STUDENT]
    assert view(out) == (passed, f"postgraduates={n}, excellent_engineer={'yes' if eep else 'no'}",
                         "postgraduates ≥ 1 or excellent_engineer=yes", message, links, True)


# ---- R2 ------------------------------------------------------------------------------------------

ROSTER = ("mentors.roster", {"code": CODE})
ADD_MENTOR = ("mentors.mentor_add", {"code": CODE})


@pytest.mark.parametrize("e, u, passed, message", [
    (0, 0, False, "No mentor appointment is active on 2024-09-01. Add the mentor team's appointments to the roster."),
    (10, 20, True, "Enterprise mentors on 2024-09-01: 10 of 30, at least one third."),
    (1, 2, True, "Enterprise mentors on 2024-09-01: 1 of 3, at least one third."),
    (33, 67, False, "Enterprise mentors on 2024-09-01: 33 of 100, less than one third. Enterprise mentors to add to "
                    "the roster: 1."),
    (0, 5, False, "Enterprise mentors on 2024-09-01: 0 of 5, less than one third. Enterprise mentors to add to the "
                  "roster: 3."),
])
def test_r2(app, e, u, passed, message):
    ratio = Ratio(1, CODE, "x", AS_OF, e, u)
    out = rules.enterprise_mentor_ratio(base(), facts(ratio=ratio))
    assert view(out) == (passed, f"{e}/{e + u}", "≥ 1/3", message, [ROSTER] if passed else [ROSTER, ADD_MENTOR], True)
    assert [text(link.label) for link in out.links] == ["Mentor roster"] + ([] if passed else ["Add a mentor"])


# ---- R3 ------------------------------------------------------------------------------------------

EDIT_BASE = ("orgs.base_edit", {"code": CODE})


@pytest.mark.parametrize("since, as_of, passed, reached", [
    (D(2020, 2, 29), D(2023, 2, 27), False, "2023-02-28"),  # 29 February: three years end on 28 February
    (D(2020, 2, 29), D(2023, 2, 28), True, "2023-02-28"),
    (D(2019, 12, 31), D(2022, 12, 30), False, "2022-12-31"),  # the day before, the day of the boundary
    (D(2019, 12, 31), D(2022, 12, 31), True, "2022-12-31"),
])
def test_r3(app, since, as_of, passed, reached):
    out = rules.cooperation_years(base(cooperation_since=since), facts(as_of))
    if passed:
        message = f"Cooperation since {since}: three years were reached on {reached}."
    else:
        message = (f"Cooperation since {since}: three years are reached only on {reached}. Correct the start date "
                   "on the base's record if the cooperation began earlier.")
    assert view(out) == (passed, f"{since} + 3y = {reached}", f"≤ {as_of}", message, [EDIT_BASE], True)


def test_r3_without_a_start_date(app):
    out = rules.cooperation_years(base(cooperation_since=None), facts())
    assert view(out) == (False, "—", "≤ 2024-09-01",
                         "The cooperation start date is not recorded. Enter it on the base's record.", [EDIT_BASE], True)
    assert rules.COOPERATION_YEARS == 3 and rules.cooperation_reached_on(D(2024, 2, 29)) == D(2027, 2, 28)


# ---- R4 ------------------------------------------------------------------------------------------

def test_r4_all_in_place(app):
    status = SimpleNamespace(agreement=1, training_plan=2, exchange_arrangement=3)
    out = rules.platform_in_place(base(), facts(platform=status))
    assert view(out) == (True, "3/3", "3/3", "The cooperation agreement, the joint training plan and the exchange "
                         "arrangement are on record.",
                         [("governance.cooperation_agreement_list", {"code": CODE}),
                          ("governance.training_plan_list", {"code": CODE}),
                          ("governance.exchange_arrangement_list", {"code": CODE})], True)


def test_r4_two_missing(app):
    status = SimpleNamespace(agreement=1, training_plan=None, exchange_arrangement=None)
    out = rules.platform_in_place(base(), facts(platform=status))
    assert view(out) == (False, "1/3", "3/3", "Not on record in force on 2024-09-01: a jointly written training plan, "
                         "a two-way exchange arrangement. Add them to the base's governance records.",
                         [("governance.cooperation_agreement_list", {"code": CODE}),
                          ("governance.training_plan_new", {"code": CODE}),
                          ("governance.exchange_arrangement_new", {"code": CODE})], True)
    assert [text(link.label) for link in out.links] == ["Cooperation agreements", "Add a training plan",
                                                        "Add an exchange arrangement"]
    assert "、" in text(out.message, ZH)


# ---- R5 ------------------------------------------------------------------------------------------

def test_r5_complete_and_two_missing(app):
    areas = list(rules.REGULATION_AREAS)
    assert len(areas) == 7
    out = rules.regulations_complete(base(), facts(regulation_areas=set(areas)))
    assert view(out) == (True, "7/7", "7/7", "Regulations are in force in all 7 areas.",
                         [("governance.regulation_list", {"code": CODE})], True)
    out = rules.regulations_complete(base(), facts(regulation_areas=set(areas[1:6])))
    missing = [areas[0], areas[6]]
    names = [text(rules.REGULATION_AREAS[k]) for k in missing]
    assert view(out) == (False, "5/7", "7/7", f"No regulation in force on 2024-09-01 in: {', '.join(names)}. Add them "
                         "to the base's regulations.",
                         [("governance.regulation_list", {"code": CODE})]
                         + [("governance.regulation_new", {"code": CODE, "area": k}) for k in missing], True)
    assert text(out.links[1].label) == f"Add a regulation: {names[0]}"


# ---- R6 and R7 -----------------------------------------------------------------------------------

ROUND_LINK = ("checks.round_detail", {"round_id": 7})


def ctx(submission=None, place=0, used=0, round_=True):
    if round_ is True:  # built here, once the app has mapped every model
        round_ = ApplicationRound(id=7, year=2022, opens_on=D(2022, 9, 1), deadline=D(2022, 11, 15), quota_ministry=3,
                                  quota_co_built=2)
    return SimpleNamespace(round=round_, submission=submission, place=place, used=used)


def test_r6_r7_without_a_round_do_not_apply(app):
    for fn, what in ((rules.university_quota, "quota"), (rules.application_deadline, "deadline")):
        out = fn(base(), facts(application=ctx(round_=None)))
        assert view(out) == (True, "—", "—", "No application round is open on 2024-09-01 and the base has not "
                             f"applied: the {what} is checked when it is submitted.", [], False)


@pytest.mark.parametrize("kind, place, passed", [("ministry", 3, True), ("ministry", 4, False),
                                                  ("co_built", 2, True), ("co_built", 3, False)])
def test_r6_submitted_base_at_the_quota_edge(app, kind, place, passed):
    """A ministry university's third base and a co-built one's second are within the quota."""
    quota = 3 if kind == "ministry" else 2
    b = base(university=SimpleNamespace(name="某大学", kind=kind))
    out = rules.university_quota(b, facts(application=ctx(submission=object(), place=place)))
    kind_en = "Ministry-affiliated" if kind == "ministry" else "Co-built with a province"
    message = (f"Submission {place} of the {quota} that 某大学 ({kind_en}) may make in the 2022 round." if passed else
               f"Submission {place} of 某大学 ({kind_en}) in the 2022 round, beyond its quota of {quota}.")
    assert view(out) == (passed, f"{place}/{quota}", f"≤ {quota}", message, [ROUND_LINK], True)


def test_r6_names_a_university_kind_it_does_not_know_by_its_code(app):
    b = base(university=SimpleNamespace(name="某学院", kind="private"))  # e.g. a kind added later
    out = rules.university_quota(b, facts(application=ctx(used=0)))
    assert text(out.message) == ("某学院 (private) has 0 of its 2 submissions in the 2022 round; this base would be "
                                 "number 1.")


@pytest.mark.parametrize("used, passed", [(2, True), (3, False)])
def test_r6_next_submission_at_the_quota_edge(app, used, passed):
    out = rules.university_quota(base(), facts(application=ctx(used=used)))
    message = (f"示范工业大学 (Ministry-affiliated) has {used} of its 3 submissions in the 2022 round; this base would "
               f"be number {used + 1}." if passed else
               "示范工业大学 (Ministry-affiliated) may submit at most 3 bases in the 2022 round; 3 are already in.")
    assert view(out) == (passed, f"{used + 1}/3", "≤ 3", message, [ROUND_LINK], True)


@pytest.mark.parametrize("on, submitted, passed, message", [
    (D(2022, 11, 15), True, True, "Submitted on 2022-11-15, by the 2022 round's deadline of 2022-11-15."),
    (D(2022, 11, 16), True, False, "The 2022 round closed on 2022-11-15; 2022-11-16 is too late."),
    (D(2022, 11, 15), False, True, "A submission on 2022-11-15 meets the 2022 round's deadline of 2022-11-15."),
    (D(2022, 11, 16), False, False, "The 2022 round closed on 2022-11-15; 2022-11-16 is too late."),
])
def test_r7_on_the_deadline_and_the_day_after(app, on, submitted, passed, message):
    sub = SimpleNamespace(submitted_on=on) if submitted else None
    as_of = D(2024, 1, 1) if submitted else on  # a submission is judged on its own day
    out = rules.application_deadline(base(), facts(as_of, application=ctx(submission=sub)))
    assert view(out) == (passed, on.isoformat(), "≤ 2022-11-15", message, [ROUND_LINK], True)


# ---- R8 ------------------------------------------------------------------------------------------

def enterprise(id, name, scale="2000人", rd_focus="发动机", practice_conditions="实验室"):
    return SimpleNamespace(id=id, name=name, scale=scale, rd_focus=rd_focus, practice_conditions=practice_conditions)


def test_r8(app):
    out = rules.enterprise_capacity(base(), facts())
    assert view(out) == (False, "0/0", "≥ 1", "The base has no partner enterprise on record. Add one on the base's "
                         "record.", [EDIT_BASE], True)
    full = enterprise(1, "星海")
    out = rules.enterprise_capacity(base(enterprises=[full]), facts())
    assert view(out) == (True, "1/1", "1/1", "Every partner enterprise has stated its scale, R&D focus and practice "
                         "conditions.", [], True)
    gaps = enterprise(2, "远帆", scale="  ", practice_conditions=None)
    only_focus = enterprise(3, "北辰", rd_focus="")
    out = rules.enterprise_capacity(base(enterprises=[full, gaps, only_focus]), facts())
    assert view(out) == (False, "1/3", "3/3", "Not stated: 远帆: scale, practice conditions; 北辰: R&D focus. Complete "
                         "the enterprise records.",
                         [("orgs.enterprise_edit", {"enterprise_id": 2}), ("orgs.enterprise_edit", {"enterprise_id": 3})],
                         True)
    assert [link.label for link in out.links] == ["远帆", "北辰"]


# ---- the registry and links ----------------------------------------------------------------------

def test_registry_titles_and_order(app):
    assert [(r.id, r.name, r.clause) for r in rules.rules_in_order()] == [
        ("R1", "joint-training-experience", "四(一)"), ("R2", "enterprise-mentor-ratio", "四(二)"),
        ("R3", "cooperation-years", "四(四)"), ("R4", "platform-in-place", "四(二)"),
        ("R5", "regulations-complete", "四(四)"), ("R6", "university-quota", "五(一)"),
        ("R7", "application-deadline", "七"), ("R8", "enterprise-capacity", "四(一)")]
    assert [text(r.title) for r in rules.rules_in_order()] == [
        "The base has jointly trained postgraduates, or took part in the Excellent Engineer programme",
        "Enterprise mentors make up at least one third of the mentor team",
        "School–enterprise cooperation has lasted three years or more",
        "A signed cooperation agreement, a jointly written training plan and a two-way exchange arrangement",
        "Regulations exist in all seven areas",
        "Per round, a ministry-affiliated university applies for at most 3 bases, a co-built one for at most 2",
        "The application arrives by the round's deadline",
        "The partner enterprise has stated its scale, R&D focus and the practice conditions it offers"]
    assert [rules.RULES[i].evaluate for i in ("R1", "R6")] == [rules.joint_training_experience,
                                                               rules.university_quota]
    assert rules.Rule("R10", "", "", "", None).order == 10 and rules.Rule("RX", "", "", "", None).order == 999


def test_links_resolve_or_quietly_do_not(app):
    from types import SimpleNamespace

    admin = SimpleNamespace(id=1, role="admin", active=True)
    with app.test_request_context():
        assert rules.Link("x", "orgs.base_edit", {"code": CODE}).url(admin) == f"/bases/{CODE}/edit"
        assert rules.Link("x", "no.such_page", {"code": CODE}).url(admin) is None
        assert rules.Link("x", "orgs.base_edit", {}).url(admin) is None
        assert rules.Link("x", "orgs.base_edit", {"code": CODE}).url(SimpleNamespace(id=2, role="mentor")) is None


def test_every_link_says_where_it_goes(app):
    def labels(out):
        return [text(link.label) for link in out.links]

    assert labels(rules.joint_training_experience(base(), facts(postgraduates=0))) == ["Students", "Add a student"]
    assert labels(rules.cooperation_years(base(), facts())) == ["Edit the base"]
    assert labels(rules.regulations_complete(base(), facts(regulation_areas=set(rules.REGULATION_AREAS)))) == [
        "Regulations"]
    assert labels(rules.enterprise_capacity(base(), facts())) == ["Edit the base"]
    assert labels(rules.university_quota(base(), facts(application=ctx(used=0)))) == ["Application round"]
    assert rules._round_link(ctx(round_=None)) == ()


def test_platform_records_a_status_does_not_name_count_as_missing(app):
    out = rules.platform_in_place(base(), facts(platform=SimpleNamespace(agreement=1)))
    assert (out.passed, out.measured) == (False, "1/3")


def test_a_rule_registers_with_everything_it_declares(app):
    def check(b, f):
        return None

    try:
        rules.rule("R98", "a-test-rule", "九", "A test rule")(check)
        assert rules.RULES["R98"] == rules.Rule("R98", "a-test-rule", "九", "A test rule", check)
    finally:
        del rules.RULES["R98"]
