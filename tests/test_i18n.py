"""Messages: plurals, numbers and dates per language, a message that cannot be filled, the browser's language."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

import pytest

from klynge import i18n
from klynge.errors import DataError, KlyngeError
from klynge.formatting import Amount
from klynge.i18n import MessageError, negotiate, t
from klynge.model import Money

NB = "\u00a0"


@pytest.mark.parametrize("lang,none,one,two", [
    ("nb", "for 0 dager siden", "for 1 dag siden", "for 2 dager siden"),
    ("sv", "för 0 dagar sedan", "för 1 dag sedan", "för 2 dagar sedan"),
    ("en", "0 days ago", "1 day ago", "2 days ago"),
])
def test_a_count_picks_the_languages_plural_form(lang, none, one, two):
    assert [t("members.days_ago", lang, n=n) for n in (0, 1, 2)] == [none, one, two]
    assert t("members.days_ago", lang, n=Decimal(1)) == one


@pytest.mark.parametrize("lang,one,many", [
    ("nb", "1 medlem; 0 trenger kanskje en telefon.", f"1{NB}250 medlemmer, 3 av dem trenger kanskje en telefon."),
    ("sv", "1 medlem; 0 behöver kanske ett samtal.", f"1{NB}250 medlemmar, 3 av dem behöver kanske ett samtal."),
    ("en", "1 member; 0 may need a call.", "1,250 members, 3 of them may need a call."),
])
def test_a_plural_message_writes_its_count_the_languages_way(lang, one, many):
    assert t("members.count", lang, n=1, stuck=0) == one
    assert t("members.count", lang, n=1250, stuck=3) == many


def test_validation_messages_count_characters_in_the_plural_too():
    assert t("error.too_short", "en", n=1) == "must have at least 1 character"
    assert t("error.too_short", "en", n=3) == "must have at least 3 characters"
    assert t("error.too_many_decimals", "nb", n=1) == "høyst 1 desimal"
    assert t("error.too_many_decimals", "sv", n=2) == "högst 2 decimaler"


@pytest.mark.parametrize("lang,big,limit,made", [
    ("nb", f"12{NB}500", "0,5", "3. des. 2026"),
    ("sv", f"12{NB}500", "0,5", "3 dec. 2026"),
    ("en", "12,500", "0.5", "Dec 3, 2026"),
])
def test_numbers_and_dates_in_a_message_are_written_the_languages_way(lang, big, limit, made):
    assert t("batch.panel.phase.analysis", lang, done=12500, n=12500).count(big) == 2
    assert t("error.at_least", lang, limit=0.5).endswith(limit)
    assert t("summary.made", lang, date=date(2026, 12, 3)).endswith(made)
    assert t("summary.made", lang, date=datetime(2026, 12, 3, 23, 59)).endswith(made)


@pytest.mark.parametrize("lang,share,fixed,nok,sek,eur,long_day", [
    ("nb", f"37,5{NB}%", f"1{NB}234,50", f"1{NB}250,50{NB}NOK", f"650{NB}SEK", f"12{NB}000{NB}EUR", "3. desember 2026"),
    ("sv", f"37,5{NB}%", f"1{NB}234,50", f"1{NB}250,50{NB}NOK", f"650{NB}SEK", f"12{NB}000{NB}EUR", "3 december 2026"),
    ("en", "37.5%", "1,234.50", f"1,250.50{NB}NOK", f"650{NB}SEK", f"12,000{NB}EUR", "December 3, 2026"),
])
def test_a_format_after_the_name_says_how(lang, share, fixed, nok, sek, eur, long_day, monkeypatch):
    # The formats a message can use, tried on a message of our own.
    texts = {"x.share": "{v:.1%}", "x.fixed": "{v:.2f}", "x.money": "{v}", "x.year": "{v:d}", "x.day": "{v:long}"}
    for key, text in texts.items():
        monkeypatch.setitem(i18n.catalogue(lang), key, text)
    assert t("x.share", lang, v=0.375) == share
    assert t("x.fixed", lang, v=Decimal("1234.5")) == fixed
    assert t("x.money", lang, v=Money(amount=Decimal("1250.5"), currency="NOK")) == nok
    assert t("x.money", lang, v=Amount(650, "SEK")) == sek
    assert t("x.money", lang, v=Amount(12000, "EUR")) == eur
    assert t("x.year", lang, v=2026) == "2026"
    assert t("x.day", lang, v=date(2026, 12, 3)) == long_day


def test_a_message_without_values_is_left_for_the_browser_to_fill():
    assert "{lat}" in t("profile.position", "en")
    assert t("members.days_ago", "en") == "{n} days ago"


def test_a_missing_name_or_a_bad_format_is_an_error_naming_the_key_under_strict(monkeypatch):
    assert issubclass(MessageError, KlyngeError)
    with pytest.raises(MessageError, match=r"'members.count' in sv: .*\{stuck\}"):
        t("members.count", "sv", n=3)
    with pytest.raises(MessageError, match=r"'members.days_ago' in en: .*number n"):
        t("members.days_ago", "en", days=3)
    monkeypatch.setitem(i18n.catalogue("nb"), "x.bad", "{v:x}")
    with pytest.raises(MessageError, match=r"'x.bad' in nb: a number's format is one of"):
        t("x.bad", "nb", v=3)
    with pytest.raises(MessageError, match=r"'x.bad' in nb: a date's format"):
        t("x.bad", "nb", v=date(2026, 1, 1))


def test_in_production_a_broken_message_is_logged_and_shown_as_far_as_it_goes(caplog, monkeypatch):
    before = i18n.strict(False)
    try:
        monkeypatch.setitem(i18n.catalogue("en"), "x.bad", "{v:x} of {w}")
        with caplog.at_level(logging.ERROR, logger="klynge.i18n"):
            assert t("members.count", "en", n=3) == "3 members, {stuck} of them may need a call."
            assert t("members.days_ago", "en", days=3) == "{n} days ago"
            assert t("x.bad", "en", v=3, w=2) == "3 of 2"
        assert [r.getMessage().split(":")[0] for r in caplog.records] == [
            "message 'members.count' in en", "message 'members.days_ago' in en", "message 'x.bad' in en"]
    finally:
        i18n.strict(before)


def test_a_plural_message_needs_the_other_form(tmp_path, monkeypatch):
    (tmp_path / "data" / "i18n").mkdir(parents=True)
    (tmp_path / "data" / "i18n" / "sv.yaml").write_text('a.b:\n  one: "{n} sak"\n', encoding="utf-8")
    monkeypatch.setattr(i18n.resources, "path", lambda *parts: tmp_path.joinpath(*parts))
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(DataError, match=r"sv.yaml: a.b: plural forms .* 'other'"):
            i18n.catalogue("sv")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


@pytest.mark.parametrize("header,expected", [
    ("nb", "nb"), ("no", "nb"), ("nn", "nb"), ("nb-NO", "nb"), ("nn-NO,en;q=0.5", "nb"), ("nb_NO", "nb"),
    ("sv", "sv"), ("sv-SE", "sv"), ("sv-FI,fi;q=0.9", "sv"), ("SV-se", "sv"),
    ("en-GB", "en"), ("de-DE", "en"), ("fr, *;q=0.1", "en"), (None, "en"), ("", "en"),
    ("de-DE,sv;q=0.5,en;q=0.4", "sv"), ("en;q=0.4,sv;q=0.8", "sv"), ("sv;q=0,nb;q=0.1", "nb"), ("sv;q=x", "en"),
])
def test_the_browsers_language_is_negotiated(header, expected):
    assert negotiate(header) == expected


def test_negotiation_keeps_to_the_default_and_can_leave_english_out():
    assert negotiate("de-DE", "sv") == "sv"
    assert negotiate("en-US,en;q=0.9", "nb", english=False) == "nb"
    assert negotiate("en-US,sv;q=0.2", "nb", english=False) == "sv"
