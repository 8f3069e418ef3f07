"""Every record kind the framework registers (`registry.records.pages.KINDS`) works end to end, on
the demo data and as the base's coordinator: list, delete, add, change on the web; export as .xlsx
and .csv; and its export imported back after its records were deleted."""
from __future__ import annotations

import re

import datetime as dt
import decimal

import pytest
from sqlalchemy import func, select

from registry import create_app
from registry.demo import DEMO_PASSWORD
from registry.extensions import db
from registry.orgs.models import Base
from registry.records.pages import KINDS
from tests.conftest import text_of


def _kinds() -> list[str]:
    if not KINDS:  # the areas register their kinds while the app is made
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(KINDS)


LABEL_FIELDS = ("title", "name", "person_name", "assessor")  # the field a person reads a record by


def form_values(form) -> dict:
    """What a browser posts for `form` as filled from a record."""
    values = {}
    for field in form:
        if field.type in ("SubmitField", "CSRFTokenField", "FileField"):
            continue
        data = field.data
        if field.type == "BooleanField":
            if data:
                values[field.name] = "y"
        elif field.type == "SelectMultipleField":
            values[field.name] = [str(v) for v in data or []]
        elif isinstance(data, (dt.date, dt.datetime)):
            values[field.name] = data.isoformat()
        elif isinstance(data, decimal.Decimal):
            values[field.name] = format(data, "f")
        else:
            values[field.name] = "" if data is None else str(data)
    return values


@pytest.fixture
def coordinator(app, demo_data):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "demo-coordinator", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("key", _kinds())
def test_every_record_kind_lists_deletes_adds_changes_exports_and_imports(app, coordinator, runner, tmp_path, key):
    kind = KINDS[key]
    base = db.session.scalar(select(Base).where(Base.code == "SF-AP-01"))

    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(kind.model).where(kind.model.base_id == base.id))

    existing = db.session.scalar(select(kind.model).where(kind.model.base_id == base.id).order_by(kind.model.id))
    assert existing is not None, f"the demo data has no {key} at SF-AP-01"
    with app.test_request_context():
        form = kind.form(obj=existing)
        if kind.prepare_form:
            kind.prepare_form(form, base)
        label = next(f.name for f in form if f.name in LABEL_FIELDS)
        values = form_values(form)
        member_values = None
        if kind.members is not None:  # the record's members go with it; one of them is added back
            model = kind.members.model
            member = db.session.scalar(select(model).where(getattr(model, kind.members.parent_attr) == existing)
                                       .order_by(model.id))
            assert member is not None, f"the demo {key} has no members"
            member_form = kind.members.form(obj=member)
            if kind.members.prepare_form:
                kind.members.prepare_form(member_form, base)
            member_values = form_values(member_form)
        urls = {action: kind.url(action, base) for action in ("list", "new")}
        if kind.sheet:
            urls.update(xlsx=kind.url("export", base, fmt="xlsx"), csv=kind.url("export", base, fmt="csv"))
    shown = getattr(existing, label)
    before = count()

    # list
    response = coordinator.get(urls["list"])
    assert response.status_code == 200 and shown in text_of(response)

    # delete (first: a kind may allow one record per base, or one per number)
    old = f"{urls['list']}/{existing.id}"
    response = coordinator.post(f"{old}/delete")
    assert response.status_code == 302 and count() == before - 1
    assert coordinator.get(old).status_code == 404

    # add it again through the form
    response = coordinator.post(urls["new"], data=values)
    assert response.status_code == 302, text_of(response)[-1500:]
    assert count() == before
    detail = response.headers["Location"]
    assert shown in text_of(coordinator.get(detail))

    if member_values is not None:
        response = coordinator.post(f"{detail}/members", data=member_values)
        assert response.status_code == 302, text_of(response)[-1500:]

    # change, from the edit form as it is now (it carries the record's current version)
    shown = f"{shown}（修订）"
    version = re.search(r'name="row_version"[^>]*value="(\d+)"', coordinator.get(f"{detail}/edit").get_data(as_text=True))
    edit = {**values, label: shown, **({"row_version": version.group(1)} if version else {})}
    response = coordinator.post(f"{detail}/edit", data=edit)
    assert response.status_code == 302, text_of(response)[-1500:]
    assert shown in text_of(coordinator.get(detail))

    if not kind.sheet:
        return
    # export
    exported = coordinator.get(urls["xlsx"])
    assert exported.status_code == 200 and exported.data[:2] == b"PK"  # an .xlsx is a zip file
    csv = coordinator.get(urls["csv"])
    assert csv.status_code == 200 and shown in csv.get_data(as_text=True)

    # import: the records deleted, the export brings them back
    path = tmp_path / f"{kind.sheet}.xlsx"
    path.write_bytes(exported.data)
    for obj in db.session.scalars(select(kind.model).where(kind.model.base_id == base.id)).all():
        assert coordinator.post(f"{urls['list']}/{obj.id}/delete").status_code == 302
    assert count() == 0
    result = runner.invoke(args=["records", "import", kind.sheet, str(path), "--base", base.code])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    assert count() == before
    assert shown in text_of(coordinator.get(urls["list"]))
