"""Universities, enterprises and bases: what can be done to them, as plain functions."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from registry import authz, values as v
from registry.values import clean
from registry.errors import Checks, DomainError, Forbidden, NotFound, _l
from registry.extensions import db
from registry.orgs.models import FIELDS, SECTORS, UNIVERSITY_KINDS, Base, Enterprise, KeyField, University
from registry.orgs.queries import references_to

CODE_RE = re.compile(r"^[A-Za-z0-9-]+$")


# ---- universities ------------------------------------------------------------------------

def find_university(name: str) -> University | None:
    return db.session.scalar(select(University).where(University.name == clean(name)))


def _university_kind(kind) -> str:
    if kind not in UNIVERSITY_KINDS:
        raise DomainError(_l("The university kind must be ministry or co_built, not %(kind)s."), field="kind", kind=kind)
    return kind


def _university_fields(name, kind, province, uni: University | None = None) -> dict:
    """Every broken field of a university at once."""
    check = Checks()
    fields = {"name": check(v.text_value, name, "name", _l("University name"), 200, required=True),
              "kind": check(_university_kind, kind),
              "province": check(v.text_value, province, "province", _l("Province"), 50)}
    other = find_university(fields["name"]) if fields["name"] else None
    if other is not None and (uni is None or other.id != uni.id):
        check.add(DomainError(_l("A university named %(name)s already exists."), field="name", name=fields["name"]))
    check.done()
    return fields


def create_university(name: str, kind: str, province: str = "", *, actor) -> University:
    uni = University(**_university_fields(name, kind, province))
    db.session.add(uni)
    db.session.flush()
    return uni


def update_university(uni: University, *, name: str, kind: str, province: str = "", actor) -> University:
    """Only an administrator may change the kind (it sets the quota, R6); `actor` None is the system."""
    if kind != uni.kind and actor is not None and not authz.can_manage_system(actor):
        raise Forbidden(_l("Only an administrator can change a university's kind."), field="kind")
    for key, value in _university_fields(name, kind, province, uni).items():
        setattr(uni, key, value)
    db.session.flush()
    return uni


# ---- enterprises -------------------------------------------------------------------------

def find_enterprise(name: str) -> Enterprise | None:
    return db.session.scalar(select(Enterprise).where(Enterprise.name == clean(name)))


def _sector(sector):
    if sector and sector not in SECTORS:
        raise DomainError(_l("Unknown sector: %(sector)s"), field="sector", sector=sector)
    return sector or None


def _enterprise_fields(name, sector, scale, rd_focus, practice_conditions, ent: Enterprise | None = None) -> dict:
    """Every broken field of an enterprise at once."""
    check = Checks()
    fields = {
        "name": check(v.text_value, name, "name", _l("Enterprise name"), 200, required=True),
        "sector": check(_sector, sector),
        "scale": check(v.text_value, scale, "scale", _l("Scale"), 200),
        "rd_focus": check(v.text_value, rd_focus, "rd_focus", _l("R&D focus"), 4000),
        "practice_conditions": check(v.text_value, practice_conditions, "practice_conditions",
                                     _l("Practice conditions"), 4000),
    }
    other = find_enterprise(fields["name"]) if fields["name"] else None
    if other is not None and (ent is None or other.id != ent.id):
        check.add(DomainError(_l("An enterprise named %(name)s already exists."), field="name", name=fields["name"]))
    check.done()
    return fields


def create_enterprise(name: str, sector: str | None = None, scale: str = "", rd_focus: str = "",
                      practice_conditions: str = "", *, actor) -> Enterprise:
    ent = Enterprise(**_enterprise_fields(name, sector, scale, rd_focus, practice_conditions))
    db.session.add(ent)
    db.session.flush()
    return ent


def update_enterprise(ent: Enterprise, *, name: str, sector=None, scale="", rd_focus="",
                      practice_conditions="", actor) -> Enterprise:
    for key, value in _enterprise_fields(name, sector, scale, rd_focus, practice_conditions, ent).items():
        setattr(ent, key, value)
    db.session.flush()
    return ent


def _refuse_if_used(obj, message, **params):
    used = references_to(obj)
    if used:
        raise DomainError(message, count=sum(used.values()), tables=", ".join(sorted(used)), **params)


def delete_university(uni: University, *, actor) -> None:
    """Delete a university that nothing refers to (no base, no account, no other record)."""
    _refuse_if_used(uni, _l("The university %(name)s is still used by %(count)s records (%(tables)s) "
                            "and cannot be deleted."), name=uni.name)
    db.session.delete(uni)
    db.session.flush()


def delete_enterprise(ent: Enterprise, *, actor) -> None:
    """Delete an enterprise that no base has as partner and no other record refers to."""
    _refuse_if_used(ent, _l("The enterprise %(name)s is still used by %(count)s records (%(tables)s) "
                            "and cannot be deleted."), name=ent.name)
    db.session.delete(ent)
    db.session.flush()


# ---- bases -------------------------------------------------------------------------------

def find_base(code: str) -> Base | None:
    return db.session.scalar(select(Base).where(Base.code == clean(code)))


def get_base(code: str) -> Base:
    base = find_base(code)
    if base is None:
        raise NotFound(_l("No base with code %(code)s."), code=code)
    return base


def _code_taken(code: str) -> bool:
    # Codes differing only in case would be confused by people and scripts alike.
    return bool(db.session.scalar(select(func.count()).select_from(Base).where(func.lower(Base.code) == code.lower())))


def _check_code(code: str) -> str:
    code = clean(code)
    if not code:
        raise DomainError(_l("The base code is required."), field="code")
    if len(code) > 40 or not CODE_RE.match(code):
        raise DomainError(_l("The base code may use only letters, digits and '-', at most 40: %(code)s"),
                          field="code", code=code)
    return code


def _key_field(field) -> str:
    if field not in FIELDS:
        raise DomainError(_l("Unknown key field: %(value)s. Use one of: %(fields)s"), field="field",
                          value=field, fields=", ".join(FIELDS))
    return field


def _cooperation_since(day) -> dt.date:
    if not isinstance(day, dt.date):
        raise DomainError(_l("The cooperation start date is required."), field="cooperation_since")
    if day > dt.date.today():
        raise DomainError(_l("The cooperation start date cannot be in the future."), field="cooperation_since")
    return day


def _partners(enterprises) -> list:
    if not enterprises:
        raise DomainError(_l("A base needs at least one partner enterprise."), field="enterprise_ids")
    return list(enterprises)


def _max_students(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if not (1 <= value <= 100):
        raise DomainError(_l("The maximum number of students per mentor must be between 1 and 100."),
                          field="max_students_per_mentor")
    return value


def _base_fields(check: Checks, name, field, cooperation_since, enterprises, max_students_per_mentor,
                 description) -> dict:
    """A base's fields, each broken one reported to `check` (the caller raises them all together)."""
    return {"name": check(v.text_value, name, "name", _l("Base name"), 200, required=True),
            "field": check(_key_field, field), "cooperation_since": check(_cooperation_since, cooperation_since),
            "enterprises": check(_partners, enterprises),
            "max_students_per_mentor": check(_max_students, max_students_per_mentor),
            "description": check(v.text_value, description, "description", _l("Description"), 4000)}


def _new_code(code) -> str:
    code = _check_code(code)
    if _code_taken(code):
        raise DomainError(_l("A base with code %(code)s already exists."), field="code", code=code)
    return code


def create_base(code: str, *, name: str, university: University, enterprises: list[Enterprise], field: str,
                cooperation_since: dt.date, max_students_per_mentor: int = 5, description: str = "",
                excellent_engineer_programme: bool = False, actor) -> Base:
    check = Checks()
    code = check(_new_code, code)
    fields = _base_fields(check, name, field, cooperation_since, enterprises, max_students_per_mentor, description)
    if university is None:
        check.add(DomainError(_l("A base needs a university."), field="university_id"))
    check.done()
    base = Base(code=code, university=university, **fields,
                excellent_engineer_programme=bool(excellent_engineer_programme))
    db.session.add(base)
    db.session.flush()
    return base


def update_base(base: Base, *, name: str, enterprises: list[Enterprise], field: str, cooperation_since: dt.date,
                max_students_per_mentor: int = 5, description: str = "",
                excellent_engineer_programme: bool | None = None, actor) -> Base:
    check = Checks()
    fields = _base_fields(check, name, field, cooperation_since, enterprises, max_students_per_mentor, description)
    check.done()
    for key, value in fields.items():
        setattr(base, key, value)
    if excellent_engineer_programme is not None:
        base.excellent_engineer_programme = bool(excellent_engineer_programme)
    db.session.flush()
    return base


def create_base_with_parties(code: str, *, name: str, university_name: str, university_kind: str,
                             enterprise_names: list[str], field: str, cooperation_since: dt.date, actor) -> Base:
    """The command line's `base create`: make the university and enterprises when missing."""
    check = Checks()
    code = check(_new_code, code)
    check(_university_kind, university_kind)
    check.done()
    uni = find_university(university_name)
    if uni is None:
        uni = create_university(university_name, university_kind, actor=actor)
    elif uni.kind != university_kind:
        raise DomainError(_l("The university %(name)s is recorded as %(kind)s, not %(given)s."),
                          name=uni.name, kind=uni.kind, given=university_kind)
    enterprises = []
    for ent_name in enterprise_names:
        ent = find_enterprise(ent_name) or create_enterprise(ent_name, actor=actor)
        if ent not in enterprises:
            enterprises.append(ent)
    return create_base(code, name=name, university=uni, enterprises=enterprises, field=field,
                       cooperation_since=cooperation_since, actor=actor)


# ---- key fields (a managed list: the ten seeded, the ministry adds more) ------------------------

FIELD_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def _require_admin(actor) -> None:
    if not authz.can_manage_key_fields(actor):
        raise Forbidden(_l("You do not have permission to do this."))


def _field_name(column, value, field: str, label, max_len: int, exclude_id=None) -> str:
    value = v.text_value(value, field, label, max_len, required=True)
    stmt = select(KeyField.code).where(func.lower(column) == value.lower())
    if exclude_id is not None:
        stmt = stmt.where(KeyField.id != exclude_id)
    clash = db.session.scalar(stmt)
    if clash is not None:
        raise DomainError(_l("The key field %(code)s already has the name %(name)s."), field=field, code=clash,
                          name=value)
    return value


def _field_names(name_zh, name_en, exclude_id=None, check: Checks | None = None) -> tuple[str, str]:
    own = check is None
    check = check or Checks()
    zh = check(_field_name, KeyField.name_zh, name_zh, "name_zh", _l("Chinese name"), 100, exclude_id)
    en = check(_field_name, KeyField.name_en, name_en, "name_en", _l("English name"), 200, exclude_id)
    if own:
        check.done()
    return zh, en


def _new_field_code(code) -> str:
    code = clean(code)
    if not FIELD_CODE_RE.match(code):
        raise DomainError(_l("A key field's code is 2 to 32 lower-case letters, digits or '_', starting with a "
                             "letter: %(code)s"), field="code", code=code)
    if code in FIELDS:
        raise DomainError(_l("The key field %(code)s exists already."), field="code", code=code)
    return code


def add_key_field(code: str, *, name_zh: str, name_en: str, actor):
    """Add a key field beyond the seeded ones; `base create --field` and every form accept it from then on."""
    _require_admin(actor)
    check = Checks()
    code = check(_new_field_code, code)
    zh, en = _field_names(name_zh, name_en, check=check)
    check.done()
    position = (db.session.scalar(select(func.max(KeyField.position))) or 0) + 1
    kf = KeyField(code=code, name_zh=zh, name_en=en, position=position)
    db.session.add(kf)
    db.session.flush()
    FIELDS.refresh()
    return kf


def rename_key_field(kf, *, name_zh: str, name_en: str, actor):
    """Rename a key field; its code (what bases record) stays."""
    _require_admin(actor)
    kf.name_zh, kf.name_en = _field_names(name_zh, name_en, exclude_id=kf.id)
    db.session.flush()
    FIELDS.refresh()
    return kf
