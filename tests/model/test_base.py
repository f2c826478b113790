"""Codes mean one thing however they are typed; names must show something and read as stored."""

import pytest

from klynge.errors import ValidationError
from klynge.i18n import t
from klynge.model import Cluster, Offer, Organisation, Package, Person, SdgEntry, SubCluster, normalise_code
from klynge.validation import validate

BASE = {"name": "Fjellguidene", "country": "NO", "orgnr": "974760673", "municipality": "5021"}
OFFER = {"title": "Guidet topptur", "kind": "activity", "municipality": "5021", "months": [2],
         "capacity_per_day": 8, "price": {"amount": "1450", "currency": "NOK"}}
FULL_WIDTH = "９７４７６０６７３"
ARABIC_INDIC = "٩٧٤٧٦٠٦٧٣"
EXTENDED_ARABIC_INDIC = "۹۷۴ ۷۶۰ ۶۷۳"
DEVANAGARI = "९७४७६०६७३"


@pytest.mark.parametrize("typed", [FULL_WIDTH, ARABIC_INDIC, EXTENDED_ARABIC_INDIC, DEVANAGARI, "974 760 673"])
def test_a_norwegian_number_in_any_digits_is_the_registered_number(typed):
    assert validate(Organisation, {**BASE, "orgnr": typed}).orgnr == "974760673"


@pytest.mark.parametrize("typed", ["５５６０１６－０６８０", "٥٥٦٠١٦-٠٦٨٠", "165560160680"])
def test_a_swedish_number_in_any_digits_is_the_registered_number(typed):
    org = validate(Organisation, {**BASE, "country": "SE", "orgnr": typed, "municipality": "2321"})
    assert org.orgnr == "556016-0680"


def test_a_number_that_still_is_not_ascii_digits_is_refused():
    # NFKC makes "９" a plain 9, but a Roman numeral becomes letters, not digits.
    for lang, phrase in (("nb", "bare sifre"), ("sv", "bara siffror"), ("en", "only digits")):
        with pytest.raises(ValidationError) as info:
            validate(Organisation, {**BASE, "orgnr": "Ⅸ74760673"}, lang)
        assert info.value.problems == [(t("field.orgnr", lang), t("error.klynge_orgnr_digits", lang))]
        assert phrase in info.value.problems[0][1]


@pytest.mark.parametrize("typed", ["５０２１", "٥٠٢١", " 5021 "])
def test_municipality_codes_are_stored_in_ascii(typed):
    assert validate(Organisation, {**BASE, "municipality": typed}).municipality == "5021"
    assert validate(Offer, {**OFFER, "municipality": typed}).municipality == "5021"


def test_sdg_target_codes_are_stored_in_ascii():
    assert validate(SdgEntry, {"target": "１２．ｂ", "relevance": 1, "impact": 0}).target == "12.b"
    assert validate(SdgEntry, {"target": "٨.٩", "relevance": 1, "impact": 0}).target == "8.9"


def test_normalise_code():
    assert normalise_code("  ９７٤-۷６० ") == "974-760"
    assert normalise_code("abc") == "abc"


INVISIBLE = ["\u200b", "\u200b\u200c\u200d\ufeff", "\u00a0\u2060", "\u3164", "\u2800\u2800", "\u034f",
             "\u00ad\u180e", "\U000e0041"]
BIDI = ["\u202eFjellguidene", "Fjell\u202aguidene\u202c", "\u202b\u202d", "Fjell\u2066guidene\u2069",
        "\u2067x", "\u2068x"]
LANGS = [("nb", "usynlige tegn"), ("sv", "osynliga tecken"), ("en", "invisible characters")]


@pytest.mark.parametrize("name", INVISIBLE)
@pytest.mark.parametrize("lang,phrase", LANGS)
def test_a_name_of_invisible_characters_is_refused(name, lang, phrase):
    with pytest.raises(ValidationError) as info:
        validate(Organisation, {**BASE, "name": name}, lang)
    assert info.value.problems == [(t("field.name", lang), t("error.klynge_name_invisible", lang))]
    assert phrase in info.value.problems[0][1]


@pytest.mark.parametrize("name", BIDI)
@pytest.mark.parametrize("lang,phrase", [("nb", "tekstretningen"), ("sv", "textens riktning"),
                                         ("en", "direction of the text")])
def test_a_name_with_direction_overrides_is_refused(name, lang, phrase):
    with pytest.raises(ValidationError) as info:
        validate(Organisation, {**BASE, "name": name}, lang)
    assert info.value.problems == [(t("field.name", lang), t("error.klynge_name_bidi", lang))]
    assert phrase in info.value.problems[0][1]


@pytest.mark.parametrize("model,data,field", [
    (Person, {"email": "kari@fjell.example", "organisation_id": 1}, "name"),
    (Offer, OFFER, "title"),
    (Package, {}, "title"),
    (Cluster, {}, "name"),
    (SubCluster, {"slug": "winter"}, "name"),
])
def test_every_typed_name_is_checked(model, data, field):
    for name, key in (("\u200b\u2060", "error.klynge_name_invisible"), ("Vinter\u202e", "error.klynge_name_bidi")):
        with pytest.raises(ValidationError) as info:
            validate(model, {**data, field: name}, "en")
        assert info.value.problems == [(t(f"field.{field}", "en"), t(key, "en"))]


@pytest.mark.parametrize("name", ["Åre Skisenter", "Sámi Siida", "مطعم الفجر", "שוק\u200f", "!!!", "x\u200dy", "Ø"])
def test_names_in_any_script_with_ordinary_marks_are_kept(name):
    assert validate(Organisation, {**BASE, "name": name}).name == name
