"""A person serving two bases: attaching them to one's own base does not hand them over."""
from registry.extensions import db
from registry.mentors.models import Mentor
from tests.conftest import text_of


def test_another_bases_coordinator_can_attach_but_not_take_over_a_person(client, world, login_as):
    person = world.mentor_record  # 李工, enterprise mentor of SF-AP-01 (coord's base)
    person.phone = "13812345678"
    db.session.commit()
    login_as("coord2")  # keeps SL-SO-01 only
    assert client.get(f"/mentors/{person.id}").status_code == 404

    # A wrong name is refused without saying whose staff number it is.
    form = {"name": "王五", "side": "enterprise", "organisation": person.organisation, "staff_no": person.staff_no,
            "starts_on": "2024-01-01"}
    page = text_of(client.post("/bases/SL-SO-01/mentors/new", data=form))
    assert "李工" not in page and "E001" in page

    # With the right name the person is attached to SL-SO-01 too ...
    assert client.post("/bases/SL-SO-01/mentors/new", data={**form, "name": "李工"}).status_code == 302
    # ... but who the person is stays with those who keep every base they serve.
    page = client.get(f"/mentors/{person.id}")
    assert page.status_code == 200 and "138****5678" in text_of(page) and "13812345678" not in text_of(page)
    assert client.get(f"/mentors/{person.id}/edit").status_code == 403
    edit = {"name": "改名", "side": "university", "organisation": person.organisation, "staff_no": person.staff_no}
    assert client.post(f"/mentors/{person.id}/edit", data=edit).status_code == 403
    db.session.expire_all()
    assert (db.session.get(Mentor, person.id).name, db.session.get(Mentor, person.id).side) == ("李工", "enterprise")

    # The administrator still may.
    client.post("/auth/logout")
    login_as("admin")
    assert client.get(f"/mentors/{person.id}/edit").status_code == 200
