"""NIK and phone rules, with the test vectors in nik_examples.csv and property tests."""
import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.identity import (
    NikError,
    age_on,
    display_phone,
    mask_nik,
    normalize_phone,
    parse_nik,
)

TODAY = dt.date(2026, 11, 25)
EXAMPLES = list(csv.DictReader(open(Path(__file__).parent / "nik_examples.csv", encoding="utf-8")))


@pytest.mark.parametrize("row", [r for r in EXAMPLES if r["valid"] == "yes"], ids=lambda r: r["why"])
def test_valid_nik_is_read_as_documented(row):
    nik = parse_nik(row["nik"], TODAY)
    assert nik.birth_date.isoformat() == row["birth_date"]
    assert nik.sex == row["sex"]
    assert nik.region == row["region"]


@pytest.mark.parametrize("row", [r for r in EXAMPLES if r["valid"] == "no"], ids=lambda r: r["why"])
def test_invalid_nik_is_refused(row):
    with pytest.raises(NikError):
        parse_nik(row["nik"], TODAY)


@pytest.mark.parametrize("text,code", [
    ("", "nik_required"), ("   ", "nik_required"), ("abc", "nik_format"),
    ("6471011203850000", "nik_serial"), ("6471013102900004", "nik_date"),
    ("٦٤٧١٠١١٢٠٣٨٥٠٠٠١", "nik_format"),
])
def test_each_nik_problem_has_its_own_message_key(text, code):
    with pytest.raises(NikError) as err:
        parse_nik(text, TODAY)
    assert err.value.code == code


def test_spaces_and_dashes_between_digit_groups_are_ignored():
    assert parse_nik("6471 0112 0385 0001", TODAY).value == "6471011203850001"
    assert parse_nik("647101-120385-0001", TODAY).value == "6471011203850001"
    assert parse_nik("６４７１０１１２０３８５０００１", TODAY).value == "6471011203850001"


def test_two_digit_year_is_the_latest_year_not_in_the_future():
    assert parse_nik("6471011211260001", TODAY).birth_date == dt.date(2026, 11, 12)
    assert parse_nik("6471012611260001", TODAY).birth_date == dt.date(1926, 11, 26)


@settings(deadline=None)  # a stalled example on a loaded machine is not a fault
@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY), st.booleans(),
       st.integers(min_value=1, max_value=9999))
def test_any_real_birth_date_round_trips(birth, female, serial):
    day = birth.day + (40 if female else 0)
    text = f"647101{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
    nik = parse_nik(text, TODAY)
    assert nik.birth_date == birth
    assert nik.sex == ("F" if female else "M")


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_either_a_nik_or_a_nik_error(text):
    try:
        nik = parse_nik(text, TODAY)
    except NikError as e:
        assert e.code in ("nik_required", "nik_format", "nik_date", "nik_serial")
    else:
        assert len(nik.value) == 16 and nik.birth_date <= TODAY


@pytest.mark.parametrize("text,e164", [
    ("081234567890", "+6281234567890"), ("0812-3456-7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"), ("6281234567890", "+6281234567890"),
    ("0857 1234 5678", "+6285712345678"),
])
def test_indonesian_mobiles_are_stored_in_e164(text, e164):
    assert normalize_phone(text) == e164


@pytest.mark.parametrize("text", ["", "12345", "0212345678", "+14155550100", "0812", "x" * 500,
                                  "08123456789012345"])
def test_other_numbers_are_not_accepted(text):
    assert normalize_phone(text) is None


def test_phone_and_nik_are_shown_masked_or_local():
    assert display_phone("+6281234567890") == "0812-3456-7890"
    assert mask_nik("6471011203850123") == "6471 •••• •••• 0123"


def test_age_counts_whole_years():
    assert age_on(dt.date(1962, 11, 26), TODAY) == 63
    assert age_on(dt.date(1962, 11, 25), TODAY) == 64
