from tests.checks.conftest import full, new_round  # noqa: F401  (fixtures shared with the checks area)
