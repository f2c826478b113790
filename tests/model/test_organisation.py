import pytest

from klynge.errors import ValidationError
from klynge.model import Organisation, Person, check_orgnr
from klynge.validation import validate

BASE = {"name": "Fjellguidene", "country": "NO", "orgnr": "974760673", "municipality": "5021"}


@pytest.mark.parametrize("number", ["974760673", "974 760 673", "923609016", "984851006"])
def test_valid_norwegian_numbers(number):
    assert check_orgnr("NO", number) == number.replace(" ", "")


@pytest.mark.parametrize("number,expected", [
    ("5560160680", "556016-0680"), ("556016-0680", "556016-0680"),
    ("202100-5489", "202100-5489"), ("165560160680", "556016-0680"),
])
def test_valid_swedish_numbers(number, expected):
    assert check_orgnr("SE", number) == expected


@pytest.mark.parametrize("country,number,phrase", [
    ("NO", "974760674", "check digit"),
    ("NO", "97476067", "9 digits"),
    ("NO", "5560160680", "9 digits"),
    ("SE", "5560160681", "check digit"),
    ("SE", "974760673", "10 digits"),
    ("NO", "97476067A", "only digits"),
])
def test_bad_numbers_are_explained(country, number, phrase):
    data = {**BASE, "country": country, "orgnr": number,
            "municipality": "5021" if country == "NO" else "2321"}
    with pytest.raises(ValidationError) as info:
        validate(Organisation, data, "en")
    (field, message), = info.value.problems
    assert field == "Organisation number"
    assert phrase in message


def test_norwegian_number_needs_check_digit_other_than_ten():
    # 8 digits whose mod-11 check digit would be 10: no valid number can end them.
    prefix = next(p for p in (f"{n:08d}" for n in range(10_000_000, 10_100_000))
                  if (11 - sum(int(d) * w for d, w in zip(p, (3, 2, 7, 6, 5, 4, 3, 2))) % 11) == 10)
    for last in "0123456789":
        with pytest.raises(ValidationError):
            validate(Organisation, {**BASE, "orgnr": prefix + last})


def test_municipality_must_belong_to_country():
    with pytest.raises(ValidationError) as info:
        validate(Organisation, {**BASE, "municipality": "2321"}, "nb")
    assert info.value.problems[0][0] == "Kommune"
    assert "2321" in info.value.problems[0][1]


def test_municipality_is_four_digits():
    with pytest.raises(ValidationError):
        validate(Organisation, {**BASE, "municipality": "50"})


def test_certifications_are_known_and_deduplicated():
    org = validate(Organisation, {**BASE, "certifications": ["svanen", "miljofyrtarn", "svanen"]})
    assert org.certifications == ["miljofyrtarn", "svanen"]
    with pytest.raises(ValidationError) as info:
        validate(Organisation, {**BASE, "certifications": ["iso9001"]}, "en")
    assert "Certifications" in info.value.problems[0][0]


def test_name_is_bounded_and_required():
    with pytest.raises(ValidationError) as info:
        validate(Organisation, {**BASE, "name": "x" * 121}, "en")
    assert info.value.problems == [("Name", "can have at most 120 characters (now 121)")]
    with pytest.raises(ValidationError):
        validate(Organisation, {**BASE, "name": "   "})


def test_coordinates_stay_in_the_nordics():
    with pytest.raises(ValidationError):
        validate(Organisation, {**BASE, "lat": 10.0, "lon": 10.0})


def test_control_characters_are_refused():
    with pytest.raises(ValidationError) as info:
        validate(Organisation, {**BASE, "needs": "bank\x00loan"}, "sv")
    assert "kontrolltecken" in info.value.problems[0][1]


def test_website_must_be_a_web_address():
    with pytest.raises(ValidationError):
        validate(Organisation, {**BASE, "website": "javascript:alert(1)"})
    assert validate(Organisation, {**BASE, "website": "https://fjell.example"}).website


def test_person_email_and_organisation():
    person = validate(Person, {"name": "Kari", "email": " Kari@Fjell.Example ", "organisation_id": 1})
    assert person.email == "kari@fjell.example"
    for bad in ("kari", "kari@", "<b>@x.no", "kari@fjell", "kari.fjell.no", "kari @fjell.no", "kari@fjell .no",
                "kari@fjell.no.", "kari@fjell..no", "kari@localhost", "kari@fjell.test"):
        with pytest.raises(ValidationError):
            validate(Person, {"name": "Kari", "email": bad, "organisation_id": 1})
    with pytest.raises(ValidationError) as info:
        validate(Person, {"name": "Kari", "email": "kari@fjell.example"}, "en")
    assert "organisation" in info.value.problems[0][1]
    assert validate(Person, {"name": "Fa", "email": "fa@k.example", "role": "facilitator"}).organisation_id is None


@pytest.mark.parametrize("typed,kept", [
    ("kari@bæreia.no", "kari@bæreia.no"),            # an IDN domain is an address like any other
    ("Åsa@Fjällgården.SE", "åsa@fjällgården.se"),
    ("Kari Nordmann <kari@fjell.no>", "kari@fjell.no"),  # pasted from a mail program: the address is kept
])
def test_person_email_takes_what_email_validator_takes(typed, kept):
    assert validate(Person, {"name": "Kari", "email": typed, "organisation_id": 1}).email == kept


@pytest.mark.parametrize("lang,said", [
    ("nb", "E-post: forventet en e-postadresse som navn@firma.no"),
    ("sv", "E-post: förväntade en e-postadress som namn@foretag.se"),
    ("en", "E-mail: expected an e-mail address like name@firm.no"),
])
def test_a_bad_email_is_explained_in_the_persons_language(lang, said):
    with pytest.raises(ValidationError) as info:
        validate(Person, {"name": "Kari", "email": "kari@fjell.no.", "organisation_id": 1}, lang)
    assert str(info.value) == said
