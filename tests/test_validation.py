"""Mainland phone numbers and resident ID numbers: each rule with good and bad examples."""

from __future__ import annotations

from datetime import date

import pytest

from services.core.validation import (
    id_check_character,
    normal_id_number,
    normal_phone,
    validate_id_number,
    validate_landline,
    validate_mobile,
    validate_phone,
)
from ui.core.i18n import catalogue


def _id(first17: str) -> str:
    return first17 + id_check_character(first17)


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "166 1234 5678",
                                   "+86 138-1234-5678", "0086 15012345678"])
def test_good_mobiles(value: str) -> None:
    assert validate_mobile(value) is None and validate_phone(value) is None


@pytest.mark.parametrize(("value", "key"), [
    ("1381234567", "roster.v.mobile"),      # ten digits
    ("138123456789", "roster.v.mobile"),    # twelve digits
    ("12812345678", "roster.v.mobile"),     # 12x is no mobile prefix
    ("1381234567a", "roster.v.mobile"),
    ("", "roster.v.required"),
])
def test_bad_mobiles(value: str, key: str) -> None:
    assert validate_mobile(value) == key


@pytest.mark.parametrize(("value", "stored"), [
    ("023-68812345", "023-68812345"), ("(023) 6881 2345", "023-68812345"),
    ("010-62345678", "010-62345678"), ("0371-6881234", "0371-6881234"),
    ("0755－86012345", "0755-86012345"), ("+86 23 6881 2345", "023-68812345"),
])
def test_good_landlines_are_stored_as_area_code_hyphen_number(value: str, stored: str) -> None:
    assert validate_landline(value) is None and validate_phone(value) is None
    assert normal_phone(value) == stored


@pytest.mark.parametrize(("value", "key"), [
    ("68812345", "roster.v.landline_area"),  # the area code is missing
    ("023-1881234", "roster.v.landline"),    # local numbers never start with 1
    ("023-688123", "roster.v.landline"),     # too short
    ("010-6234567", "roster.v.landline"),    # Beijing numbers have eight digits
    ("0123-6881234", "roster.v.landline"),   # no area code starts 01x but 010
    ("023-688123456", "roster.v.landline"),  # too long
])
def test_bad_landlines(value: str, key: str) -> None:
    assert validate_landline(value) == key
    assert validate_phone(value) == key


def test_neither_mobile_nor_landline() -> None:
    assert validate_phone("abc") == "roster.v.phone"
    assert validate_phone("   ") == "roster.v.required"


GOOD_ID = _id("11010519491231002")  # the standard's own example: 11010519491231002X


def test_the_standards_example_and_lower_case_x() -> None:
    assert GOOD_ID == "11010519491231002X"
    assert validate_id_number(GOOD_ID) is None
    assert validate_id_number("11010519491231002x") is None
    assert normal_id_number(" 110105 19491231002x ") == GOOD_ID


@pytest.mark.parametrize("first17", ["50010419900307123", "50010420000229123",
                                     "44030419010101001", "91000020200101001"])
def test_good_id_numbers(first17: str) -> None:
    assert validate_id_number(_id(first17), today=date(2026, 1, 1)) is None


def _wrong_check(first17: str) -> str:
    right = id_check_character(first17)
    return first17 + ("0" if right != "0" else "1")


@pytest.mark.parametrize(("value", "key"), [
    (_wrong_check("50010419900307123"), "roster.v.id_check_digit"),
    ("11010519491231002Y", "roster.v.id_format"),
    ("1101051949123100", "roster.v.id_format"),           # 16 characters
    ("110105194912310021X", "roster.v.id_format"),        # 19 characters
    ("11010519491231X021", "roster.v.id_format"),         # X in the middle
    (_id("50010419900230123"), "roster.v.id_birth_date"),  # 30 February
    (_id("50010420010229123"), "roster.v.id_birth_date"),  # 29 February of a common year
    (_id("50010419901301123"), "roster.v.id_birth_date"),  # month 13
    (_id("50010418991231123"), "roster.v.id_birth_date"),  # before 1900
    (_id("50010420300101123"), "roster.v.id_birth_date"),  # not born yet
    (_id("00010419900307123"), "roster.v.id_area"),        # no province 00
    ("", "roster.v.required"),
])
def test_bad_id_numbers(value: str, key: str) -> None:
    assert validate_id_number(value, today=date(2026, 1, 1)) == key


def test_every_message_exists_in_both_languages_and_says_what_to_do() -> None:
    keys = [k for k in catalogue("zh") if k.startswith("roster.v.")]
    assert len(keys) >= 10
    for key in keys:
        assert catalogue("en")[key] and catalogue("zh")[key]
