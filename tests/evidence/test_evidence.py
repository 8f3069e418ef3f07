"""Evidence files: type by content, size limit, storage, who may download, how it is served,
deletion (audited), and the clean-up of files whose transaction did not commit."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.errors import DomainError
from registry.evidence import services
from registry.evidence.models import Attachment
from registry.evidence.sniff import sniff
from registry.evidence.storage import storage
from registry.exchanges import services as exchanges
from registry.extensions import db
from registry.mentors.models import Appointment
from tests.conftest import error_summary_links, shown_beside, text_of
from tests.evidence import files

D = dt.date

# Every test here runs on both kinds of evidence storage.
pytestmark = pytest.mark.usefixtures("evidence_store")


@pytest.mark.parametrize("data,extension", [
    (files.pdf(), "pdf"), (files.png(), "png"), (files.jpeg(), "jpg"), (files.docx(), "docx"),
    (files.xlsx(), "xlsx"), (files.doc(), "doc"), (files.xls(), "xls"),
])
def test_accepted_types_are_recognised_by_content(data, extension):
    assert sniff(data).extension == extension


@pytest.mark.parametrize("data", [
    files.ELF, files.SCRIPT, files.HTML, b"", b"%PD", files.plain_zip(), files.docm(),
    files.compound_file("Foo"), files.compound_file("WordDocument", "Macros"), b"PK\x03\x04broken zip",
    files.compound_file("Workbook")[:600],
])
def test_anything_else_is_refused(data):
    assert sniff(data) is None


@pytest.fixture
def exchange(world):
    record = exchanges.create_exchange(world.base, {
        "kind": "secondment", "direction": "university_to_enterprise", "person_name": "王青",
        "person_organisation": "示范工业大学", "host_organisation": "星海", "starts_on": D(2023, 3, 1)}, actor=None)
    db.session.commit()
    return record


def upload(client, exchange, data: bytes, name: str, description: str = ""):
    return client.post(f"/evidence/exchange/{exchange.id}/upload",
                       data={"file": (io.BytesIO(data), name), "description": description},
                       content_type="multipart/form-data")


def attachments():
    return list(db.session.scalars(select(Attachment).order_by(Attachment.id)))


def stored_files(app) -> set[str]:
    return set(storage().keys())


def is_stored(key: str) -> bool:
    return storage().get(key) is not None


def test_a_pdf_is_stored_under_a_random_name_with_its_hash(app, world, exchange, client, login_as,
                                                              evidence_store):
    login_as("coord")
    data = files.pdf("任命书")
    response = upload(client, exchange, data, "聘任书.pdf", "聘任书")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/bases/SF-AP-01/exchanges/{exchange.id}")
    [attachment] = attachments()
    assert (attachment.base_id, attachment.record_type, attachment.record_id) == (world.base.id, "exchange",
                                                                                 exchange.id)
    assert attachment.original_name == "聘任书.pdf" and attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(data).hexdigest() and attachment.size == len(data)
    key = services.key_of(attachment)
    assert services.read(attachment) == data and stored_files(app) >= {key}
    assert "聘任书" not in key and len(attachment.stored_name) == 32
    if evidence_store == "local":
        path = services.path_of(attachment)
        assert Path(app.config["EVIDENCE_DIR"]) in path.parents and path.read_bytes() == data
        assert not str(path).startswith(str(Path(app.root_path) / "static"))
    assert services.verify(attachment)
    page = client.get(f"/bases/SF-AP-01/exchanges/{exchange.id}")
    assert "聘任书.pdf" in text_of(page)
    assert f'href="/evidence/{attachment.id}/download"' in page.get_data(as_text=True)
    # The list says how many files each record has.
    assert '<td>1</td>' in client.get("/bases/SF-AP-01/exchanges").get_data(as_text=True)


@pytest.mark.parametrize("data,name", [
    (files.ELF, "report.pdf"),  # an executable renamed
    (files.SCRIPT, "agreement.pdf"),  # a shell script renamed
    (files.HTML, "photo.png"),  # a page that would run script if served inline
    (files.docm(), "plan.docx"),  # a macro-enabled document
])
def test_a_renamed_file_is_refused_and_nothing_is_kept(app, world, exchange, client, login_as, data, name):
    before = stored_files(app)
    login_as("coord")
    client.get("/lang/en")
    response = upload(client, exchange, data, name)
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert (f"{name} is not a PDF, Word, Excel, JPEG or PNG file (judged by its content, not its name)."
            in page)
    assert attachments() == []
    assert stored_files(app) == before


def test_an_oversized_file_is_refused(app, world, exchange, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 1024 * 1024)
    before = stored_files(app)
    login_as("coord")
    client.get("/lang/en")
    big = files.pdf() + b"%" + b"x" * (1024 * 1024)
    response = upload(client, exchange, big, "big.pdf")
    assert "The file is larger than 1 MB." in text_of(client.get(response.headers["Location"]))
    assert attachments() == [] and stored_files(app) == before
    # Exactly at the limit is fine.
    exact = files.pdf()
    exact += b"%" * (1024 * 1024 - len(exact))
    assert upload(client, exchange, exact, "exact.pdf").status_code == 303
    assert len(attachments()) == 1


def test_every_problem_of_an_upload_shows_at_once_and_nothing_is_stored(app, world, exchange, client, login_as):
    """A description that is too long and a file that is not what it is named: both messages in one
    answer, each beside its field and linked from the summary; no file stored, no row."""
    before = stored_files(app)
    login_as("coord")
    client.get("/lang/en")
    response = upload(client, exchange, files.ELF, "report.pdf", "说明" * 101)
    assert response.status_code == 303 and response.headers["Location"].endswith("#evidence-upload-errors")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert error_summary_links(html) == ["evidence-description", "evidence-file"]
    assert shown_beside(html, "evidence-file") == [
        "report.pdf is not a PDF, Word, Excel, JPEG or PNG file (judged by its content, not its name)."]
    assert shown_beside(html, "evidence-description") == ["Field cannot be longer than 200 characters."]
    assert 'value="' + "说明" * 101 + '"' in html  # what was typed is kept, to shorten
    assert attachments() == [] and stored_files(app) == before
    # Shown once: the record's page is clean again afterwards.
    again = client.get(f"/bases/SF-AP-01/exchanges/{exchange.id}").get_data(as_text=True)
    assert "error-summary" not in again and "is not a PDF" not in again


def test_a_missing_file_and_a_long_description_show_together(app, world, exchange, client, login_as):
    login_as("coord")
    client.get("/lang/en")
    response = client.post(f"/evidence/exchange/{exchange.id}/upload", data={"description": "x" * 201},
                           content_type="multipart/form-data")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert shown_beside(html, "evidence-file") == ["Choose a file to upload."]
    assert shown_beside(html, "evidence-description") == ["Field cannot be longer than 200 characters."]
    assert attachments() == []


def test_an_empty_file_with_a_fine_description_is_refused_beside_the_file(app, world, exchange, client, login_as):
    before = stored_files(app)
    login_as("coord")
    client.get("/lang/en")
    response = upload(client, exchange, b"", "empty.pdf", "扫描件")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert shown_beside(html, "evidence-file") == ["The file is empty."]
    assert shown_beside(html, "evidence-description") == [] and 'value="扫描件"' in html
    assert attachments() == [] and stored_files(app) == before


def test_the_check_alone_reports_every_problem_and_stores_nothing(app, world):
    before = stored_files(app)
    with pytest.raises(DomainError) as refused:
        services.check_upload("a.pdf", io.BytesIO(files.SCRIPT), "x" * 201)
    assert sorted(e.field for e in refused.value.errors) == ["description", "file"]
    assert services.check_upload("a.pdf", io.BytesIO(files.pdf()), " 扫描件 ").description == "扫描件"
    assert attachments() == [] and stored_files(app) == before


def test_the_default_limit_is_20_megabytes(app):
    from registry.config import Config

    assert Config.EVIDENCE_MAX_BYTES == 20 * 1024 * 1024


def test_empty_upload_and_missing_file_are_refused(world, exchange, client, login_as):
    login_as("coord")
    assert upload(client, exchange, b"", "empty.pdf").status_code == 303
    assert client.post(f"/evidence/exchange/{exchange.id}/upload", data={}).status_code == 303
    assert attachments() == []


def test_download_only_by_those_who_may_see_the_base(app, world, exchange, client, login_as):
    data = files.pdf()
    attachment = services.attach("exchange", exchange, "协议.pdf", io.BytesIO(data), actor=None)
    db.session.commit()
    url = f"/evidence/{attachment.id}/download"
    for who in ("coord", "unicoord", "reviewer", "admin", "mentor"):
        login_as(who)
        response = client.get(url)
        assert response.status_code == 200, who
        assert response.data == data
    headers = response.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%8D%8F%E8%AE%AE.pdf" in headers["Content-Disposition"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    # Base B's coordinator: as if it did not exist; so is a guessed id.
    login_as("coord2")
    assert client.get(url).status_code == 404
    assert client.post(f"/evidence/{attachment.id}/delete").status_code == 404
    assert client.get(f"/evidence/{attachment.id + 1}/download").status_code == 404
    assert client.get("/evidence/0/download").status_code == 404
    # Nor can they attach files to base A's record.
    assert upload(client, exchange, files.pdf(), "x.pdf").status_code == 404
    # Anonymous: to the login page.
    client.post("/auth/logout")
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_file_is_served_as_what_it_is_not_as_what_it_is_named(world, exchange, client, login_as):
    attachment = services.attach("exchange", exchange, "page.html", io.BytesIO(files.png()), actor=None)
    db.session.commit()
    login_as("coord")
    response = client.get(f"/evidence/{attachment.id}/download")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=page.png"


def test_delete_is_audited_and_removes_the_file(world, exchange, client, login_as):
    attachment = services.attach("exchange", exchange, "协议.pdf", io.BytesIO(files.pdf()), actor=None)
    db.session.commit()
    key, attachment_id = services.key_of(attachment), attachment.id
    login_as("reviewer")
    assert client.post(f"/evidence/{attachment_id}/delete").status_code == 403
    assert is_stored(key)
    login_as("coord")
    response = client.post(f"/evidence/{attachment_id}/delete")
    assert response.status_code == 303
    assert db.session.get(Attachment, attachment_id) is None
    assert not is_stored(key)
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.actor_label, AuditEntry.base_id,
                                        AuditEntry.record_label)
                                 .where(AuditEntry.table == "evidence_attachment",
                                        AuditEntry.record_id == attachment_id).order_by(AuditEntry.id)).all()
    assert [e[0] for e in entries] == ["create", "delete"]
    assert entries[-1][1:] == ("coord", world.base.id, f"exchange#{exchange.id}: 协议.pdf")


def test_deleting_a_record_deletes_its_files(world, exchange, client, login_as):
    attachment = services.attach("exchange", exchange, "a.pdf", io.BytesIO(files.pdf()), actor=None)
    db.session.commit()
    key = services.key_of(attachment)
    login_as("coord")
    assert client.post(f"/bases/SF-AP-01/exchanges/{exchange.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert not is_stored(key)


def test_a_file_whose_transaction_rolls_back_is_removed(world, exchange):
    attachment = services.attach("exchange", exchange, "a.pdf", io.BytesIO(files.pdf()), actor=None)
    key = services.key_of(attachment)
    assert is_stored(key)
    db.session.rollback()
    assert not is_stored(key)


def test_a_failed_delete_keeps_the_file(world, exchange):
    attachment = services.attach("exchange", exchange, "a.pdf", io.BytesIO(files.pdf()), actor=None)
    db.session.commit()
    key = services.key_of(attachment)
    services.delete(attachment, actor=None)
    db.session.rollback()
    assert is_stored(key)


def test_appointment_letters(world, client, login_as):
    appointment = db.session.scalar(select(Appointment).where(Appointment.base_id == world.base.id))
    login_as("coord")
    response = client.post(f"/evidence/appointment/{appointment.id}/upload",
                           data={"file": (io.BytesIO(files.docx()), "聘书.docx")}, content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(f"/evidence/appointment/{appointment.id}")
    assert "聘书.docx" in text_of(page)
    login_as("coord2")
    assert client.get(f"/evidence/appointment/{appointment.id}").status_code == 404


def test_unknown_record_types_and_ids(world, client, login_as):
    login_as("coord")
    assert client.post("/evidence/nothing/1/upload").status_code == 404
    assert client.post("/evidence/exchange/999999/upload").status_code == 404
    assert client.get("/evidence/appointment/999999").status_code == 404


def test_service_refuses_directly(world, exchange, app):
    with pytest.raises(DomainError) as exc:
        services.attach("exchange", exchange, "x.exe", io.BytesIO(files.ELF), actor=None)
    assert exc.value.field == "file"


def test_appointment_letters_are_the_mentors_own(world, client, login_as):
    from registry.mentors.models import Mentor

    own = db.session.scalar(select(Appointment).where(Appointment.mentor_id == world.mentor_record.id))
    colleague = Mentor(name="赵工", side="enterprise", organisation="星海航天动力研究所", staff_no="E777")
    db.session.add(colleague)
    db.session.flush()
    other = Appointment(base_id=world.base.id, mentor_id=colleague.id, starts_on=dt.date(2021, 1, 1))
    db.session.add(other)
    db.session.flush()
    mine = services.attach("appointment", own, "聘书.pdf", io.BytesIO(files.pdf("mine")), actor=None)
    theirs = services.attach("appointment", other, "聘书.pdf", io.BytesIO(files.pdf("theirs")), actor=None)
    db.session.commit()
    login_as("mentor")  # the account of 李工, at the same base as 赵工
    assert client.get(f"/evidence/{mine.id}/download").status_code == 200
    assert client.get(f"/evidence/appointment/{own.id}").status_code == 200
    assert client.get(f"/evidence/{theirs.id}/download").status_code == 404
    assert client.get(f"/evidence/appointment/{other.id}").status_code == 404
    login_as("coord")  # the base's coordinator sees both
    assert client.get(f"/evidence/{theirs.id}/download").status_code == 200
