"""Reading Mentimeter, Miro, QiqoChat and Zoom files into ideas, on the samples shipped in data/samples/workshop."""

from __future__ import annotations

import codecs

import pytest

from klynge import resources
from klynge.errors import DataError
from klynge.workshop_import import FORMATS, Member, detect_format, fold_name, match_people, parse_workshop_file

HOSTILE = "<script>alert(1)</script>"
SAMPLES = {"mentimeter": "mentimeter.csv", "miro": "miro.csv", "qiqochat": "qiqochat.csv", "zoom": "zoom.txt"}
#: People of the demo cluster whom the samples name (the demo has them with these addresses).
PEOPLE = [("Kari Nergård", "kari@fjellglott.example"), ("Sverre Bjørkmo", "sverre@fjordgapet.example"),
          ("Malin Åkerström", "malin@storsjoporten.example"), ("Åsa Nyberg", "asa@almi-jamtland.example"),
          ("Berit Flønes", "berit@dnt-selbu-tydal.example"),
          ("Øystein Kjelstad", "oystein@innovasjon-trondelag.example")]
DEMO = [Member(k, name, email, 10 + k) for k, (name, email) in enumerate(PEOPLE, 1)]


def sample(fmt: str) -> bytes:
    return resources.path("data", "samples", "workshop", SAMPLES[fmt]).read_bytes()


def _who(parsed):
    return [(idea.author, person.person_id if person else None) for idea, person in match_people(parsed.ideas, DEMO)]


def test_every_sample_is_found_in_the_package_resources_and_has_nordic_letters_and_hostile_markup():
    for fmt in FORMATS:
        text = sample(fmt).decode("utf-8-sig")
        assert HOSTILE in text and any(letter in text for letter in "æøåäö"), fmt
        parsed = parse_workshop_file(sample(fmt), SAMPLES[fmt])
        assert parsed.format == fmt and detect_format(text.replace("\r\n", "\n")) == fmt
        assert HOSTILE in [idea.text for idea in parsed.ideas], "markup is kept as the text it is"


def test_mentimeter_skips_the_header_block_reads_the_upvotes_and_drops_empty_and_repeated_answers():
    parsed = parse_workshop_file(sample("mentimeter"), "mentimeter.csv")
    assert len(parsed.ideas) == 6 and parsed.skipped["empty"] == 1 and parsed.skipped["duplicates"] == 1
    assert parsed.ideas[0].text == "Matløype med gårdsbutikkene – fra seter til sjø" and parsed.ideas[0].votes == 7
    assert parsed.ideas[4].text == "Pilgrimsvandring Åre–Trondheim, med matpakke från hotellet"
    # by e-mail (in capitals for Malin), by name (Sverre gave none), anonymous answers, and a guest
    assert _who(parsed) == [("Kari Nergård", 1), ("", None), ("Sverre Bjørkmo", 2), ("", None),
                            ("Malin Åkerström", 3), ("Gunnar Gjest", None)]


def test_miro_reads_columns_in_its_own_order_with_frames_as_themes_and_names_without_case_or_diacritics():
    parsed = parse_workshop_file(sample("miro"), "miro.csv")
    assert [(idea.theme, idea.author) for idea in parsed.ideas] == [
        ("Mat", "Åsa Nyberg"), ("Mat", "berit flønes"), ("Overnatting", "Malin Åkerström"),
        ("Overnatting", "Lars Utenfor"), ("", "Øystein Kjelstad")]
    assert parsed.ideas[1].text == 'Rakfisk, røye og "lokalt øl" – en kveld på Stølen'
    assert parsed.ideas[2].text == "Pakkepris: to netter i Fjällbrasa stugby\nmed guidet tur på lørdagen"
    assert parsed.skipped["duplicates"] == 1
    assert [pid for _a, pid in _who(parsed)] == [4, 5, 3, None, 6]


def test_qiqochat_skips_system_messages_reactions_empty_and_repeated_messages():
    parsed = parse_workshop_file(sample("qiqochat"), "qiqochat.csv")
    assert parsed.skipped == {"empty": 1, "system": 2, "reactions": 1, "private": 0, "duplicates": 1}
    assert [pid for _a, pid in _who(parsed)] == [1, 3, None, 2, 5]
    assert parsed.ideas[2].author == "Gæst Gjestesen" and parsed.ideas[2].email == "gjest@example.org"
    # "... joined the room" is the room's notice when it names the sender; a person's own sentence is an idea
    chat = ("Name,Email,Message\nKari Nergård,k@x.no,Kari Nergård joined the room\n"
            "Kari Nergård,k@x.no,Guests who left the meeting early want a recording\n").encode()
    parsed = parse_workshop_file(chat, "q.csv")
    assert parsed.skipped["system"] == 1 and parsed.ideas[0].text.startswith("Guests who left")


def test_zoom_reads_messages_on_their_own_lines_and_skips_reactions_private_messages_and_reply_quotes():
    parsed = parse_workshop_file(sample("zoom"), "zoom.txt")
    assert [idea.text for idea in parsed.ideas] == [
        "Hva med en vinterpakke med truger, bålkaffe og overnatting på Stølen?",
        "Vi på Storsjöporten kan ta emot grupper på vardagar i januari.\nOch vi har bastu!",
        "Båttransport over fjorden kan være en del av pakken",
        "Kan man få dette som gavekort til jul?",
        HOSTILE]
    assert parsed.skipped == {"empty": 1, "system": 0, "reactions": 1, "private": 1, "duplicates": 1}
    assert [pid for _a, pid in _who(parsed)] == [1, 3, 2, None, 1]


def test_zoom_older_one_line_formats_are_read_too():
    old = ("10:02:11\t From  Kari Nergård : Vinterpakke med truger: ja takk\r\n"
           "10:03:00\t From  Sverre Bjørkmo to Kari Nergård(Privately) : ringer deg\r\n"
           "10:04:00 From Malin Åkerström to Everyone : Bastu på kvällen\r\n"
           "10:05:00\tBerit Flønes:\tMerka løyper\r\n").encode()
    parsed = parse_workshop_file(old, "chat.txt")
    assert parsed.format == "zoom" and parsed.skipped["private"] == 1
    assert [(i.author, i.text) for i in parsed.ideas] == [
        ("Kari Nergård", "Vinterpakke med truger: ja takk"), ("Malin Åkerström", "Bastu på kvällen"),
        ("Berit Flønes", "Merka løyper")]


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-8", codecs.BOM_UTF8), ("utf-8", b""), ("cp1252", b"")])
def test_the_encodings_windows_tools_write_are_read(encoding, bom):
    for fmt in ("miro", "qiqochat"):
        text = sample(fmt).decode("utf-8-sig")
        if encoding == "cp1252":  # Excel's "CSV" in the ANSI code page: no emoji, no ø in "Gæst" problems
            text = text.encode("cp1252", "replace").decode("cp1252")
        parsed = parse_workshop_file(bom + text.encode(encoding, "replace"), SAMPLES[fmt])
        assert parsed.format == fmt
        assert any("Stølen" in i.text or "bålkaffe" in i.text for i in parsed.ideas)
    # a Windows tool writing UTF-16 with tabs: Excel's "Unicode text"
    tabbed = sample("mentimeter").decode("utf-8-sig").replace(",", "\t")
    parsed = parse_workshop_file(codecs.BOM_UTF16_LE + tabbed.encode("utf-16-le"), "menti.txt")
    assert parsed.format == "mentimeter" and parsed.ideas[0].author == "Kari Nergård"


def test_other_column_orders_and_separators_give_the_same_ideas():
    plain = parse_workshop_file(sample("qiqochat"), "qiqochat.csv")
    reordered = ("Message;Email;Name;Timestamp\r\n"
                 "Vi kan lage en vinterpakke med truger og bålkaffe;kari@fjellglott.example;Kari Nergård;13:01\r\n"
                 "Vi kan lage en vinterpakke med truger og bålkaffe;kari@fjellglott.example;Kari Nergård;13:01\r\n"
                 "\"Julbord på båten; från Åre\";malin@storsjoporten.example;Malin Åkerström;13:02\r\n")
    parsed = parse_workshop_file(reordered.encode(), "chat.csv")
    assert parsed.format == "qiqochat" and parsed.skipped["duplicates"] == 1
    assert [(i.text, i.email) for i in parsed.ideas] == [
        (plain.ideas[0].text, "kari@fjellglott.example"), ("Julbord på båten; från Åre", "malin@storsjoporten.example")]


@pytest.mark.parametrize("data,lang,says", [
    (b"", "en", "is empty"),
    (b"PK\x03\x04rest of a zip", "nb", "er en Excel-fil"),
    (b"Navn,Telefon\nKari,99\n", "en", "Expected one of: Mentimeter: a CSV with a Response column"),
    (b"Navn,Telefon\nKari,99\n", "sv", "är inte en fil vi kan importera"),
    (b"Navn,Telefon\nKari,99\n", "nb", "Første linje er «Navn,Telefon»"),
    (b"Response\n\n\"\"\n   \n", "en", "holds no idea to import"),
])
def test_a_file_of_no_known_format_says_what_was_expected_in_the_readers_language(data, lang, says):
    with pytest.raises(DataError) as caught:
        parse_workshop_file(data, "eksport.csv", lang=lang)
    assert says in str(caught.value) and "eksport.csv" in str(caught.value)


def test_a_file_not_of_the_format_named_says_which_format_was_expected():
    with pytest.raises(DataError) as caught:
        parse_workshop_file(sample("miro"), "miro.csv", "zoom", "nb")
    assert "miro.csv er ikke en Zoom-fil som forventet: Zooms lagrede chat (.txt)" in str(caught.value)
    with pytest.raises(DataError, match="pick one of mentimeter, miro, qiqochat, zoom"):
        parse_workshop_file(sample("miro"), "miro.csv", "teams")
    assert parse_workshop_file(sample("qiqochat"), "q.csv", "qiqochat").format == "qiqochat"


def test_long_text_is_cut_to_what_the_board_takes():
    parsed = parse_workshop_file(("Response\n" + "å" * 1500 + "\nkort\n").encode(), "m.csv")
    assert len(parsed.ideas[0].text) == 1000 and parsed.ideas[0].text.endswith("…") and parsed.shortened == 1


def test_names_match_without_case_or_diacritics_but_a_shared_name_matches_nobody():
    assert fold_name("  KARI  Nergard ") == fold_name("Kari Nergård") == "kari nergard"
    assert fold_name("Øystein Sæther") == "oystein saether"
    twins = [Member(1, "Ola Nordmann", "ola1@x.no"), Member(2, "Ola Nordmann", "ola2@x.no")]
    ideas = parse_workshop_file("Name,Email,Response\nola nordmann,,Idé\nOla Nordmann,OLA2@x.no,Annen\n".encode(),
                                "m.csv").ideas
    assert [p.person_id if p else None for _i, p in match_people(ideas, twins)] == [None, 2]
