"""Every chart names itself inside the SVG: a <title> and a <desc> (saying the page has the same
figures as a table), referenced by role="img" and aria-labelledby, in the reader's language."""
import re

import pytest

from tests.conftest import login

CHARTS = ["/bases/SF-AP-01/mentors/ratio-history.svg", "/dashboard/chart/status.svg", "/dashboard/chart/rules.svg",
          "/dashboard/chart/ratio.svg", "/dashboard/chart/quota.svg", "/reports/statistics/chart/mentors.svg",
          "/reports/statistics/chart/share.svg"]


@pytest.mark.parametrize("url", CHARTS)
def test_a_chart_has_a_title_and_a_description(app, client, demo_data, url):
    login(client, "demo-admin", "demo-pass-2026")
    svg = client.get(url).get_data(as_text=True)
    opening = re.search(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in opening and 'aria-labelledby="chart-title chart-desc"' in opening
    title = re.search(r'<title id="chart-title">([^<]+)</title>', svg).group(1)
    desc = re.search(r'<desc id="chart-desc">([^<]+)</desc>', svg).group(1)
    assert title.strip() and re.search(r"[\u4e00-\u9fff]", desc)  # Chinese first
    client.get("/lang/en")
    svg = client.get(url).get_data(as_text=True)
    assert "table" in re.search(r'<desc id="chart-desc">([^<]+)</desc>', svg).group(1)
