import pytest

from registry.extensions import db


@pytest.fixture
def world(world):
    """The shared world, committed (to the test's savepoint): a view that rolls back after a refused
    form then keeps the accounts and bases. The outer transaction still undoes it all."""
    db.session.commit()
    return world
