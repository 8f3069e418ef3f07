import pytest

from registry.extensions import db
from tests.conftest import add_team


@pytest.fixture
def ratio_world(world):
    """SF-AP-01: 10 enterprise (the world's own mentor + 9) of 30 → meets; SL-SO-01: 1 of 4 → fails."""
    add_team(world.base, 9, 20, "A")
    add_team(world.base2, 1, 3, "B")
    db.session.commit()
    return world
