"""/api/v1/bases/CODE/mentors and /api/v1/ratio: the contract's JSON, scoped like the web."""
import pytest

from tests.mentors.conftest import D, add_people, token_for


@pytest.fixture
def api(client):
    def get(url, user=None, token=None):
        headers = {}
        if user is not None or token is not None:
            headers["Authorization"] = f"Bearer {token or token_for(user)}"
        return client.get(url, headers=headers)

    return get


def test_ratio_contract(api, team, empty_base):
    add_people(team.base, "enterprise", 9)  # 10 with 李工
    add_people(team.base, "university", 20)
    add_people(team.base2, "university", 2)
    response = api("/api/v1/ratio?as_of=2024-09-01", team.admin)
    assert response.status_code == 200
    assert response.get_json() == {"as_of": "2024-09-01", "bases": [
        {"base": "EM-PT-01", "name": "空基地", "enterprise_mentors": 0, "university_mentors": 0, "total_mentors": 0,
         "enterprise_share": 0.0, "meets_requirement": False},
        {"base": "SF-AP-01", "name": "航天动力示范基地", "enterprise_mentors": 10, "university_mentors": 20,
         "total_mentors": 30, "enterprise_share": 0.3333, "meets_requirement": True},
        {"base": "SL-SO-01", "name": "船舶海洋示范基地", "enterprise_mentors": 0, "university_mentors": 2,
         "total_mentors": 2, "enterprise_share": 0.0, "meets_requirement": False}]}
    one = api("/api/v1/ratio?as_of=2024-09-01&base=SL-SO-01", team.admin).get_json()
    assert [b["base"] for b in one["bases"]] == ["SL-SO-01"]


def test_ratio_is_scoped(api, team):
    token = token_for(team.coord)
    assert [b["base"] for b in api("/api/v1/ratio?as_of=2024-09-01", token=token).get_json()["bases"]] == ["SF-AP-01"]
    response = api("/api/v1/ratio?as_of=2024-09-01&base=SL-SO-01", token=token)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert api("/api/v1/ratio?as_of=2024-09-01&base=NOPE", token=token).status_code == 404
    mentor = api("/api/v1/ratio?as_of=2024-09-01", team.mentor).get_json()
    assert [b["base"] for b in mentor["bases"]] == ["SF-AP-01"]
    uni = api("/api/v1/ratio?as_of=2024-09-01", team.unicoord).get_json()
    assert [b["base"] for b in uni["bases"]] == ["SF-AP-01"]


@pytest.mark.parametrize("query", ["", "?as_of=", "?as_of=2024-13-01", "?as_of=yesterday", "?base=SF-AP-01"])
def test_ratio_bad_or_missing_date_is_400(api, team, query):
    response = api(f"/api/v1/ratio{query}", team.admin)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["code"] == "bad_request" and body["error"]["message"]


def test_ratio_needs_a_token(api, team):
    response = api("/api/v1/ratio?as_of=2024-09-01")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert api("/api/v1/ratio?as_of=2024-09-01", token="nonsense").status_code == 401


def test_base_mentors(api, team):
    team.mentor_record.phone = "13812345678"
    (gone,) = add_people(team.base, "university", 1, starts_on=D(2020, 1, 1), ends_on=D(2021, 1, 1))
    body = api("/api/v1/bases/SF-AP-01/mentors?as_of=2024-09-01", team.coord).get_json()
    assert body["base"] == "SF-AP-01" and body["phone_masked"] is False
    by_staff = {m["staff_no"]: m for m in body["mentors"]}
    li = by_staff["E001"]
    assert li["phone"] == "13812345678" and li["side"] == "enterprise" and li["state_on_date"] == "active"
    assert li["appointments"] == [{"starts_on": "2020-01-01", "ends_on": None, "state": "active", "reason": "",
                                   "counts_on_date": True, "suspensions": []}]
    assert by_staff[gone.staff_no]["state_on_date"] == "former"
    masked = api("/api/v1/bases/SF-AP-01/mentors", team.reviewer).get_json()
    assert masked["phone_masked"] is True
    assert {m["staff_no"]: m["phone"] for m in masked["mentors"]}["E001"] == "138****5678"


def test_base_mentors_scope(api, team):
    assert api("/api/v1/bases/SF-AP-01/mentors", team.coord2).status_code == 404
    assert api("/api/v1/bases/NOPE/mentors", team.admin).status_code == 404
    assert api("/api/v1/bases/SF-AP-01/mentors", team.mentor).status_code == 403
    assert api("/api/v1/bases/SF-AP-01/mentors").status_code == 401
    assert api("/api/v1/bases/SF-AP-01/mentors?as_of=bad", team.admin).status_code == 400


def test_openapi_documents_both(client, team):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "get" in doc["paths"]["/ratio"] and "get" in doc["paths"]["/bases/{code}/mentors"]
    assert "Ratio" in doc["components"]["schemas"]
    assert "400" in doc["paths"]["/ratio"]["get"]["responses"]
