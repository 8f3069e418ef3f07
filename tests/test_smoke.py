from tests.conftest import text_of


def test_login_and_base_list(client, world, login_as):
    login_as("coord")
    response = client.get("/bases")
    assert response.status_code == 200
    assert "SF-AP-01" in text_of(response)
    assert "SL-SO-01" not in text_of(response)
