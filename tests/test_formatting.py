"""Numbers, shares, money and dates as each of Klynge's languages writes them."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from klynge.formatting import Amount, day, localise, moment, money, number, percent

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


@pytest.mark.parametrize("lang,eur,sek,fixed,share,short", [
    ("nb", f"1{NB}200,50{NB}EUR", f"12{NB}000{NB}SEK", f"3{NB}141,59", f"12,5{NB}%", "03.12.2026"),
    ("sv", f"1{NB}200,50{NB}EUR", f"12{NB}000{NB}SEK", f"3{NB}141,59", f"12,5{NB}%", "2026-12-03"),
    ("en", f"1,200.50{NB}EUR", f"12,000{NB}SEK", "3,141.59", "12.5%", "12/3/26"),
])
def test_localise_reads_a_messages_format(lang, eur, sek, fixed, share, short):
    assert localise(Amount(Decimal("1200.50"), "EUR"), lang) == eur
    assert localise(Amount(12000, "SEK"), lang) == sek
    assert localise(3141.5926, lang, ".2f") == fixed
    assert localise(0.125, lang, ".1%") == share
    assert localise(date(2026, 12, 3), lang, "short") == short
    assert localise(2026, lang, "d") == "2026"
    assert localise("Fjellgarden", lang) == "Fjellgarden" and localise(True, lang) == "True"


@pytest.mark.parametrize("value,spec", [(3, "x"), (3, ".f"), (0.5, "a%"), (date(2026, 1, 1), ".1f"),
                                        (Amount(5, "NOK"), ".2f")])
def test_localise_refuses_a_format_that_means_nothing_for_the_value(value, spec):
    with pytest.raises(ValueError, match="format"):
        localise(value, "nb", spec)


@pytest.mark.parametrize("lang,shown", [("nb", "3. des. 2026 14:05"), ("sv", "3 dec. 2026 14:05"),
                                        ("en", "Dec 3, 2026 14:05")])
def test_a_moment_is_on_the_clock_of_the_cluster(lang, shown):
    assert moment(datetime(2026, 12, 3, 13, 5, tzinfo=UTC), lang) == shown
    assert moment(datetime(2026, 12, 3, 13, 5), lang) == shown  # the store's naive times are UTC
    assert moment(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), lang).endswith(" 14:00")  # summer time
    assert moment(None, lang) == ""


def test_without_time_zone_data_a_moment_says_utc():
    assert moment(datetime(2026, 12, 3, 13, 5, tzinfo=UTC), "en", zone="No/Such_Zone") == "Dec 3, 2026 13:05 UTC"
