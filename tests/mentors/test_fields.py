"""The field rules the web forms and the spreadsheet import share."""
import pytest

from registry.mentors.fields import (SIDE_ALIASES, FieldError, clean_name, mask_phone, normalise_phone, parse_side,
                                     validate_email)


@pytest.mark.parametrize("text, side", [
    ("校内导师", "university"), ("校内", "university"), ("学校", "university"), ("university", "university"),
    ("企业导师", "enterprise"), ("企业", "enterprise"), ("行业", "enterprise"), ("enterprise", "enterprise"),
    ("\u3000企业导师 ", "enterprise"), ("Enterprise", "enterprise"), ("UNIVERSITY", "university"),
    ("导师", None), ("", None), (None, None),
])
def test_parse_side(text, side):
    assert parse_side(text) == side


def test_side_aliases_cover_the_contract():
    assert set(SIDE_ALIASES.values()) == {"university", "enterprise"}
    assert len(SIDE_ALIASES) == 8


@pytest.mark.parametrize("text, phone", [
    ("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678"), ("+8613812345678", "13812345678"),
    ("0086 13812345678", "13812345678"), ("8613812345678", "13812345678"), ("138-1234-5678", "13812345678"),
    ("\u3000138 1234 5678\u3000", "13812345678"), ("", ""), ("  ", ""), (None, ""),
])
def test_normalise_phone(text, phone):
    assert normalise_phone(text) == phone


@pytest.mark.parametrize("text", ["1381234567", "138123456789", "23812345678", "12812345678", "010-12345678",
                                  "+1 13812345678", "abc"])
def test_normalise_phone_refuses(text, app):
    with pytest.raises(ValueError) as exc:
        normalise_phone(text)
    assert "11" in exc.value.en and "11" in exc.value.zh and exc.value.zh != exc.value.en


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""


def test_validate_email(app):
    assert validate_email(" li@example.com ") == "li@example.com"
    assert validate_email("") == ""
    for bad in ("li@", "li at example.com", "li@@example.com", "@example.com"):
        with pytest.raises(FieldError) as exc:
            validate_email(bad)
        assert bad.strip() in exc.value.en


def test_clean_name():
    assert clean_name("\u3000 张三 \u3000") == "张三"
    assert clean_name("张 三") == "张 三"
    assert clean_name(None) == ""


def test_field_error_without_app_context():
    with pytest.raises(FieldError) as exc:
        normalise_phone("123")
    assert "mainland mobile" in str(exc.value)


@pytest.mark.parametrize("address", [
    "li.gong@example.com", "Li.Gong@Example.COM", "a+tag@sub.example.org", "x@xn--fiqs8s.cn", "user@mail.test",
    "o'brien@example.ie", "first.last@a-b.example.co.uk", "1234567890@qq.com", "a@b.c", "a@b.cc", ".a@example.com",
    "a..b@example.com", "a@-example.com", "a@example-.com", "a@example.123", "a" * 65 + "@example.com",
    "名字@例子.中国", "a@localhost", "a@example.local", "abc@" + "d" * 63 + "." + "e" * 63 + ".com",
])
def test_the_fast_path_for_plain_addresses_agrees_with_email_validator(address):
    from email_validator import EmailNotValidError
    from email_validator import validate_email as full_check

    from registry.mentors.fields import FieldError, validate_email

    try:
        expected = full_check(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    try:
        got = validate_email(address)
    except FieldError:
        got = None
    assert got == expected
