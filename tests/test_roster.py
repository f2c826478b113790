import zipfile
from pathlib import Path

import openpyxl
import pytest

from klynge.errors import AccessDenied, DataError, ValidationError
from klynge.roster import MAX_UNPACKED_BYTES, import_roster, read_roster

from .conftest import SECRET

FIXTURES = Path(__file__).parent / "fixtures" / "roster"


def counts(store, system):
    status = store.status(system)
    return status["organisations"], status["people"]


def xlsx(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_good_csv_with_semicolons_bom_and_norwegian_headers(store, cluster):
    rows = read_roster(FIXTURES / "good_nb.csv")
    assert [r.row for r in rows] == [2, 3, 4, 6, 7]  # row 5 is empty, the header is row 1
    roros, _, oppdal, are, froya = (r.organisation for r in rows)
    assert (roros.name, roros.orgnr, roros.municipality, roros.country, roros.kind) == (
        "Rørosmat AS", "912345602", "5025", "NO", "company")
    assert (oppdal.municipality, oppdal.country, oppdal.kind) == ("5021", "NO", "destination_company")
    assert (are.orgnr, are.country, are.municipality) == ("556677-8808", "SE", "2321")
    assert froya.name == 'Gården "Nord", Frøya' and rows[4].person is None
    assert rows[0].person.email == "ola@rorosmat.no" and rows[1].person.role == "participant"

    facilitator = cluster["who"]["facilitator"]
    result = import_roster(store, facilitator, rows, cluster["id"])
    assert len(result.organisations_added) == 4 and result.organisations_reused == []
    assert len(result.people_added) == 4
    assert result.rows[0][1] == result.rows[1][1]  # two contacts of one organisation
    org_id = result.rows[0][1]
    assert store.organisation(facilitator, org_id).value.name == "Rørosmat AS"
    assert {p.email for p in store.people(facilitator, org_id)} == {"ola@rorosmat.no", "kari@rorosmat.no"}
    key = store.issue_key(facilitator, result.people_added[0], SECRET)
    assert store.check_key(key, SECRET).organisation_id == org_id


def test_xlsx_with_swedish_headers_numbers_and_an_extra_column(store, cluster, tmp_path):
    path = xlsx(tmp_path / "medlemmar.xlsx", [
        ["Organisation", "Organisationsnummer", "Kommun", "Typ", "Bransch", "Namn", "E-post", "Roll", "Telefon"],
        ["Östersunds Turism", 5566778816, 2380, "destinationsbolag", "destination", "Lena Ek", "lena@ost.se",
         "deltagare", 46700000000],
        [None, None, None, None, None, None, None, None, None],
        ["Fjellguidene", 974760673, 5021, None, "activity", "Nils Fjell", "nils@fjell.no", None, None],
        [None, None, None, None, None, "Fia Ås", "fia@klynge.example", "processledare", None],
    ])
    rows = read_roster(path, "sv")
    assert [r.row for r in rows] == [2, 4, 5]
    assert rows[2].organisation is None and rows[2].person.role == "facilitator"
    assert (rows[0].organisation.orgnr, rows[0].organisation.country) == ("556677-8816", "SE")
    result = import_roster(store, cluster["who"]["facilitator"], rows, cluster["id"], lang="sv")
    assert result.organisations_reused == [cluster["orgs"]["fjell"]]  # already registered: reused
    assert len(result.organisations_added) == 1 and len(result.people_added) == 3
    assert result.rows[2] == (5, None, result.people_added[2])


def test_three_bad_rows_are_reported_together_in_norwegian_and_english(store, cluster, system):
    before = counts(store, system)
    with pytest.raises(ValidationError) as nb:
        read_roster(FIXTURES / "three_bad_rows.csv", "nb")
    fields = [f for f, _ in nb.value.problems]
    assert fields == ["rad 3, Organisasjonsnummer", "rad 4, Kommune", "rad 5, E-post"]
    messages = dict(nb.value.problems)
    assert "kontrollsifferet" in messages["rad 3, Organisasjonsnummer"]
    assert "Atlantis" in messages["rad 4, Kommune"]
    assert "e-postadresse" in messages["rad 5, E-post"]

    with pytest.raises(ValidationError) as en:
        read_roster(FIXTURES / "three_bad_rows.csv", "en")
    assert [f for f, _ in en.value.problems] == ["row 3, Organisasjonsnummer", "row 4, Kommune", "row 5, E-post"]
    assert "check digit" in en.value.problems[0][1] and "e-mail" in en.value.problems[2][1]
    assert counts(store, system) == before


def test_duplicates_within_the_file(tmp_path):
    with pytest.raises(ValidationError) as info:
        read_roster(FIXTURES / "duplicates_en.csv", "en")
    assert info.value.problems == [
        ("row 3, organisation number",
         "this organisation number is on row 2 for Fjellgården AS; one number cannot have two names"),
        ("row 3, email", "the same e-mail address as on row 2"),
    ]


def test_clashes_with_the_database_import_nothing(store, cluster, system, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Organisation,Organisation number,Municipality,Name,Email\n"
                    "Nytt AS,912345661,Trondheim,Ny Person,ny@nytt.no\n"
                    "Feil navn AS,974760673,Oppdal,Ole,ole@feil.no\n"
                    "Nytt AS,912345661,Trondheim,Kopi,fjell@example.no\n", encoding="utf-8")
    rows = read_roster(path, "en")
    before = counts(store, system)
    with pytest.raises(ValidationError) as info:
        import_roster(store, cluster["who"]["facilitator"], rows, cluster["id"], lang="en")
    assert info.value.problems == [
        ("row 3, Organisation number",
         "974760673 is registered for Fjellguidene; correct the number, or write the name as registered"),
        ("row 4, Email", "fjell@example.no is already registered"),
    ]
    assert counts(store, system) == before


def test_import_needs_a_facilitator(store, cluster):
    rows = read_roster(FIXTURES / "good_nb.csv")
    with pytest.raises(AccessDenied):
        import_roster(store, cluster["who"]["fjell"], rows, cluster["id"])


def test_file_problems_say_what_to_do(tmp_path):
    missing = tmp_path / "roster.csv"
    missing.write_text("Navn;Organisasjon\nOla;Gard\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_roster(missing)
    assert [m for _, m in info.value.problems] == [
        "fila mangler kolonnen «Organisasjonsnummer»", "fila mangler kolonnen «Kommune»",
        "fila mangler kolonnen «E-post»"]
    old_excel = tmp_path / "roster.xls"
    old_excel.write_bytes(b"x")
    with pytest.raises(DataError, match="xlsx"):
        read_roster(old_excel, "en")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="broken.xlsx"):
        read_roster(broken, "en")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Organisasjon;Organisasjonsnummer;Kommune\nRørosmat;912345602;Røros\n".encode("cp1252"))
    assert read_roster(latin)[0].organisation.name == "Rørosmat"


def test_wrong_country_and_missing_values_name_their_columns(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Organisation;Organisation number;Country;Municipality;Name;Email\n"
                    "Åre AB;5566778824;SE;Oppdal;Anna;anna@are.se\n"
                    "Ingen;;Danmark;Åre;;x@y.se\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_roster(path, "en")
    fields = [f for f, _ in info.value.problems]
    assert fields == ["row 2, Municipality", "row 3, Organisation number", "row 3, Country", "row 3, Name"]
    assert "not a municipality in the organisation's country" in info.value.problems[0][1]
    assert "Danmark is not a country we know" in info.value.problems[2][1]


def test_numbers_and_codes_in_other_digits_are_the_registered_ones(store, cluster, system, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Organisation,Organisation number,Municipality,Name,Email\n"
                    "Fjellguidene,９７４７６０６７３,٥٠٢١,Nils Fjell,nils@fjell.no\n"
                    "Nytt AS,٩١٢٣٤٥٦٦١,５００１,Ny Person,ny@nytt.no\n", encoding="utf-8")
    rows = read_roster(path, "en")
    assert [(r.organisation.orgnr, r.organisation.municipality) for r in rows] == [
        ("974760673", "5021"), ("912345661", "5001")]
    result = import_roster(store, cluster["who"]["facilitator"], rows, cluster["id"], lang="en")
    assert result.organisations_reused == [cluster["orgs"]["fjell"]] and len(result.organisations_added) == 1

    copy = tmp_path / "copy.csv"
    copy.write_text("Organisation,Organisation number,Municipality,Name,Email\n"
                    "Kopi AS,۹۷۴۷۶۰۶۷۳,Oppdal,Ole,ole@kopi.no\n", encoding="utf-8")
    before = counts(store, system)
    with pytest.raises(ValidationError) as info:
        import_roster(store, cluster["who"]["facilitator"], read_roster(copy, "en"), cluster["id"], lang="en")
    assert info.value.problems == [
        ("row 2, Organisation number",
         "974760673 is registered for Fjellguidene; correct the number, or write the name as registered")]
    assert counts(store, system) == before


@pytest.mark.parametrize("lang,lines,problems", [
    ("en", ["Organisation,Organisation number,Municipality,Name,Email",
            "Nytt AS,912345661,Trondheim,Ny Person,ny@nytt.no",
            "Annet AS,９１２３４５６６１,Trondheim,Kopi,kopi@annet.no"],
     [("row 3, Organisation number",
       "this organisation number is on row 2 for Nytt AS; one number cannot have two names")]),
    ("nb", ["Organisasjon,Organisasjonsnummer,Kommune,Navn,E-post",
            "\u200b\u200b,912345661,Trondheim,Ny Person,ny@nytt.no",
            "Gard AS,923609016,Frøya,\u202eOla,ola@gard.no"],
     [("rad 2, Organisasjon", "består bare av usynlige tegn; skriv navnet med bokstaver eller sifre"),
      ("rad 3, Navn", "inneholder skjulte tegn som snur tekstretningen; skriv navnet på nytt uten å lime det inn")]),
])
def test_copies_in_other_digits_and_unreadable_names_are_refused_on_their_rows(tmp_path, lang, lines, problems):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_roster(path, lang)
    assert info.value.problems == problems


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_opened(tmp_path):
    path = xlsx(tmp_path / "medlemmar.xlsx", [["Organisation", "Organisationsnummer", "Kommun"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        with book.open("xl/media/padding.bin", "w") as out:  # zeros: packs to about a thousandth
            for _ in range((MAX_UNPACKED_BYTES >> 20) + 1):
                out.write(bytes(1 << 20))
    assert path.stat().st_size < 2 << 20
    with pytest.raises(DataError) as info:
        read_roster(path, "sv")
    assert str(info.value) == (f"medlemmar.xlsx blir större än {MAX_UNPACKED_BYTES >> 20} MB när den packas upp, "
                               "långt mer än en medlemslista; spara bladet igen som .xlsx eller CSV UTF-8")
