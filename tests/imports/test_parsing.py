import datetime as dt

import pytest

from registry.imports import parsing
from registry.imports.parsing import CellError


@pytest.mark.parametrize("value", ["2023-09-01", "2023/9/1", "2023.9.1", "2023年9月1日", "2023年09月01日",
                                   " 2023-09-01\u3000", "2023-9-1", "2023/09/01 00:00:00",
                                   dt.date(2023, 9, 1), dt.datetime(2023, 9, 1)])
def test_every_date_form_of_the_contract(value):
    assert parsing.date(value) == dt.date(2023, 9, 1)


@pytest.mark.parametrize("value", ["2023-13-01", "2023-02-30", "2023-9", "01/09/2023", "2023-09/01", "明天",
                                   "20230901", 45170, "2023-09-01 12:30"])
def test_not_a_date(value, app):
    with pytest.raises(CellError) as info:
        parsing.date(value)
    with app.test_request_context():
        assert info.value.en == f'"{parsing.display(value)}" is not a date'
        assert "2023" in info.value.zh or str(value) in info.value.zh


def test_text_keeps_digits_of_number_cells_and_trims_full_width_spaces():
    parse = parsing.text(10)
    assert parse(1001.0) == "1001"
    assert parse(1001) == "1001"
    assert parse("\u3000 张明\u3000") == "张明"
    with pytest.raises(CellError):
        parse("x" * 11)


def test_integer_and_bounds():
    parse = parsing.integer(1950, 2100)
    assert parse(2023) == 2023
    assert parse("2023") == 2023
    assert parse(2023.0) == 2023
    for bad in ("2023.5", "二〇二三", True, 1900):
        with pytest.raises(CellError):
            parse(bad)


def test_date_between():
    parse = parsing.date_between(1950, 2100)
    assert parse("2100-12-31") == dt.date(2100, 12, 31)
    with pytest.raises(CellError):
        parse("1949-12-31")
