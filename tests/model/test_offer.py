from decimal import Decimal

import pytest

from klynge.errors import ValidationError
from klynge.model import Offer
from klynge.validation import validate

OFFER = {"title": "Guidet topptur", "kind": "activity", "municipality": "5021", "months": [2, 3, 1, 3],
         "capacity_per_day": 8, "price": {"amount": "1450", "currency": "NOK", "vat_included": True}}


def problems(data, lang="en"):
    with pytest.raises(ValidationError) as info:
        validate(Offer, data, lang)
    return info.value.problems


def test_a_good_offer():
    offer = validate(Offer, OFFER)
    assert offer.months == [1, 2, 3]
    assert offer.price.amount == Decimal("1450")


def test_price_must_be_a_positive_number():
    assert problems({**OFFER, "price": {"amount": "-1", "currency": "NOK"}}) == [
        ("Price › Amount", "must be at least 0")]
    assert problems({**OFFER, "price": {"amount": "ti kroner", "currency": "NOK"}}) == [
        ("Price › Amount", "must be a number")]
    assert problems({**OFFER, "price": {"amount": "1.005", "currency": "NOK"}})[0][1] == "at most 2 decimals"


def test_currency_is_nok_or_sek():
    assert problems({**OFFER, "price": {"amount": "10", "currency": "EUR"}}) == [
        ("Price › Currency", "pick one of: NOK, SEK")]


def test_capacity_of_zero_is_refused():
    assert problems({**OFFER, "capacity_per_day": 0}, "nb") == [("Kapasitet per dag", "må være minst 1")]


def test_an_offer_needs_months():
    assert problems({**OFFER, "months": []}, "sv") == [("Månader", "välj minst en månad")]
    assert problems({**OFFER, "months": [13]})[0][0] == "Months › item 1"


def test_unknown_fields_and_kinds():
    assert problems({**OFFER, "kind": "spa"})[0][0] == "Kind"
    assert problems({**OFFER, "colour": "red"}) == [("colour", "is not a field we know")]
