from tests.conftest import text_of


def test_login_and_base_list(client, world, login_as):
    login_as("coord")
    response = client.get("/bases")
    assert response.status_code == 200
    assert "SF-AP-01" in text_of(response)
    assert "SL-SO-01" not in text_of(response)


def test_demo_data_loads_once_and_its_accounts_work(runner, client):
    from tests.conftest import login

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    assert "demo-coordinator" in result.output and "demo-pass-2026" in result.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "already loaded" in again.output
    login(client, "demo-coordinator", "demo-pass-2026")
    page = text_of(client.get("/bases"))
    assert "SF-AP-01" in page and "星海航天动力研究所" in page and "SL-SO-01" not in page


def test_every_area_has_its_tests_folder():
    """tests/<area>/ mirrors registry/<area>/: a new engineer finds an area's tests where its code is."""
    from registry import AREAS
    from registry.config import PROJECT_ROOT

    missing = [area for area in AREAS if not list((PROJECT_ROOT / "tests" / area).glob("test_*.py"))]
    assert not missing, f"areas without tests/<area>/test_*.py: {missing}"
