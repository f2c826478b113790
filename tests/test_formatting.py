"""Numbers, shares, money and dates as each of Klynge's languages writes them."""

from datetime import date
from decimal import Decimal

import pytest

from klynge.formatting import day, money, number, percent

NB = "\u00a0"


@pytest.mark.parametrize("lang,big,small,share,gap,price,when", [
    ("nb", f"12{NB}500", "0,125", f"38{NB}%", f"+1,2{NB}%", f"1{NB}250,50{NB}NOK", "3. des. 2026"),
    ("sv", f"12{NB}500", "0,125", f"38{NB}%", f"+1,2{NB}%", f"1{NB}250,50{NB}NOK", "3 dec. 2026"),
    ("en", "12,500", "0.125", "38%", "+1.2%", f"1,250.50{NB}NOK", "Dec 3, 2026"),
])
def test_each_language_writes_numbers_its_own_way(lang, big, small, share, gap, price, when):
    assert number(12500, lang) == big
    assert number(0.1254, lang, digits=3) == small
    assert percent(0.375, lang) == share
    assert percent(0.0123, lang, 1, sign=True) == gap
    assert money(Decimal("1250.5"), "NOK", lang) == price
    assert day(date(2026, 12, 3), lang) == when


def test_whole_amounts_have_no_decimals_and_both_crowns_keep_their_code():
    assert money(650, "SEK", "sv") == f"650{NB}SEK"
    assert money(650, "NOK", "sv") == f"650{NB}NOK"
    assert percent(-0.02, "en", 1) == "-2.0%" and percent(0, "en", 1, sign=True) == "0.0%"
    assert day(None, "nb") == ""
