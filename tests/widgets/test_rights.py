"""The personal data sections without a browser: a real SQLite store, real access rules, real files."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from klynge.attendance import read_attendance
from klynge.errors import AccessDenied
from klynge.i18n import LANGUAGES, t
from klynge.model import Event, Lesson, Note, Person
from klynge.model.concept import ConceptBody
from klynge.settings import load_settings
from klynge.store.schema import HISTORY_ENTITIES
from klynge.widgets.export_service import ExportService
from klynge.widgets.exports_page import ExportsPage
from klynge.widgets.members_page import MembersPage
from klynge.widgets.members_service import MembersService
from klynge.widgets.rights_page import AuditSection, ErasureSection, MyDataSection
from klynge.widgets.rights_service import RECORD_PARTS, RECORD_SHOWN, RightsService

SECRET = b"test-secret"
ATTENDANCE = Path(__file__).parent.parent / "fixtures" / "attendance"


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the sections read through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.fixture
def settings(db_url, tmp_path):
    return load_settings(home=str(tmp_path / "home"), db=db_url, outputs=str(tmp_path / "outputs"))


def test_a_participant_sees_and_downloads_everything_stored_about_them(store, cluster, system):
    fjell = cluster["who"]["fjell"]
    store.save_canvas(fjell, fjell.organisation_id, "business_model",
                      [Note(id="a", block="channels", text="Hemmelig plan", visibility="private")], None)
    page = ExportsPage(ExportService(store, fjell, fjell.organisation_id))
    page.lang = "en"
    section = page.my_data
    summary = section._summary.value
    assert "Fjell Person" in summary and "fjell@example.no" in summary and "Versions of documents you saved" in summary
    made = section.download()
    record = json.loads(made.data)
    assert made.mime == "application/json" and made.filename.endswith(".json")
    assert record["person"]["email"] == "fjell@example.no"
    assert record["revisions"][0]["body"]["a"]["text"] == "Hemmelig plan"
    assert "digest" not in made.data.decode()
    assert "klynge - Fjell Person" in made.filename and "ready" in section._status.value
    assert [e.action for e in store.audit_log(system)] == ["export_person"]
    page.lang = "nb"
    assert t("rights.mine.title", "nb") in section._head.value


def test_my_data_counts_the_concept_revisions_i_saved_as_the_download_holds_them(store, cluster):
    fjell, gard = cluster["who"]["fjell"], cluster["who"]["gard"]
    concept = store.start_concept(fjell, ConceptBody(title="Vinterens mattur"))
    store.save_concept(fjell, concept.id, ConceptBody(title="Vinterens mattur", customer="Par fra Trondheim"), 1)
    store.start_concept(gard, ConceptBody(title="Gardsmat i november"))  # someone else's: not counted
    section = MyDataSection(RightsService(store, fjell))
    counts = RightsService(store, fjell).my_summary().counts
    assert counts["concept_revisions"] == 2
    assert len(json.loads(section.download().data)["concept_revisions"]) == 2
    for lang in LANGUAGES:
        section.lang = lang
        assert f"<dt>{t('rights.part.concept_revisions', lang)}</dt><dd>2</dd>" in section._summary.value
    assert RightsService(store, gard).my_summary().counts["concept_revisions"] == 1


def _lists(record: dict, prefix: str = "") -> set[str]:
    """The name of every list in a record, a list inside a part named with a dot ("last_changed.offers")."""
    found = set()
    for name, value in record.items():
        if isinstance(value, list):
            found.add(prefix + name)
        elif isinstance(value, dict):
            found |= _lists(value, f"{prefix}{name}.")
    return found


def test_every_list_the_download_holds_is_counted_in_the_summary_and_labelled(store, cluster):
    """When the download gains a part, the summary must count it (RECORD_PARTS) and name it in each language."""
    fjell = cluster["who"]["fjell"]
    record = json.loads(RightsService(store, fjell).my_file().data)
    shown = {name for name in record if name in RECORD_SHOWN}
    assert shown == set(RECORD_SHOWN) and record["organisation"]["name"] == "Fjellguidene"
    assert _lists({k: v for k, v in record.items() if k not in RECORD_SHOWN}) == set(RECORD_PARTS)
    assert len(RECORD_PARTS) == len(set(RECORD_PARTS))
    for lang in LANGUAGES:
        for key in [f"rights.part.{p}" for p in RECORD_PARTS] + [f"rights.history.{e}" for e in HISTORY_ENTITIES]:
            assert t(key, lang) != key, f"{key} has no text in {lang}"
    assert _lists({"a": [], "b": {"c": [], "d": 1}, "e": "x"}) == {"a", "b.c"}  # the walk finds nested lists


def test_my_data_counts_my_lessons_the_attendance_rows_matched_to_me_and_what_i_changed(store, cluster):
    fac, fjell, gard = cluster["who"]["facilitator"], cluster["who"]["fjell"], cluster["who"]["gard"]
    base = {"assumed": "Gjestene kommer for skiene", "saw": "De spurte etter matstien",
            "change": "Vinterpakken leder med maten"}
    mine = store.add_lesson(fjell, Lesson.model_validate(base))
    store.revise_lesson(fjell, mine.id, Lesson.model_validate({**base, "saw": "De spurte etter matstien først"}), 1)
    store.revise_lesson(fac, mine.id, Lesson.model_validate({**base, "change": "Maten først"}), 2)
    store.add_lesson(gard, Lesson.model_validate(base))  # someone else's: not counted
    profile = store.organisation(fjell, fjell.organisation_id)
    for phase in ("concept", "prototype"):  # the first version is the system's; fjell's second replaces fjell's
        store.update_organisation(fjell, profile.value.model_copy(update={"phase": phase}),
                                  store.organisation(fjell, fjell.organisation_id).version)
    event = store.add_event(fac, Event.model_validate({
        "kind": "workshop", "title": "Workshop 2: Vinterpakker", "starts_at": datetime(2026, 12, 3, 9, 55),
        "ends_at": datetime(2026, 12, 3, 12, 5), "online_url": "https://zoom.example/j/81234567890"}))
    report = read_attendance(ATTENDANCE / "zoom_participants.csv", store.attendance_people(fac, event.id))
    unmatched = store.import_attendance(fac, event.id, report).unmatched
    store.resolve_unmatched(fac, unmatched[0].id, fjell.person_id)  # a second device of fjell's, say

    service = RightsService(store, fjell)
    summary, record = service.my_summary(), json.loads(service.my_file().data)
    assert summary.counts["lessons"] == 1 and summary.counts["attendance_rows_resolved_to_them"] == 1
    assert summary.counts["last_changed.organisations"] == 1 and summary.organisation == "Fjellguidene"
    for name in RECORD_PARTS:  # every count is the number of items the download holds
        held = record
        for step in name.split("."):
            held = held[step]
        assert summary.counts[name] == len(held), name
    # fjell saved the lesson's versions 1 and 2 and the profile's version 2, each replaced since
    assert summary.history == {"organisation": 1, "lesson": 2} and summary.counts["row_history"] == 3
    section = MyDataSection(service)
    for lang in LANGUAGES:
        section.lang = lang
        html = section._summary.value
        for part in ("lessons", "attendance_rows_resolved_to_them"):
            assert f"<dt>{t('rights.part.' + part, lang)}</dt><dd>1</dd>" in html
        assert (f"<dt>{t('rights.part.row_history', lang)}</dt><dd>3 <span class=\"klynge-rights-of\">("
                f"{t('rights.history.organisation', lang)}: 1, {t('rights.history.lesson', lang)}: 2)</span></dd>"
                in html)
        assert f"<dt>{t('rights.organisation', lang)}</dt><dd>Fjellguidene</dd>" in html
        empty = [name for name in RECORD_PARTS if not summary.counts[name]]  # listed folded, not as zeros
        assert f"<summary>{t('rights.mine.empty', lang, n=len(empty))}</summary>" in html
        assert all(f"<li>{t('rights.part.' + name, lang)}</li>" in html for name in empty)
        assert "<dd>0</dd>" not in html
    assert RightsService(store, fac).my_summary().history == {}  # the lesson's version 3 is current, not history


def test_nobody_reads_another_persons_record_not_even_a_facilitator(store, cluster):
    fac, fjell = cluster["who"]["facilitator"], cluster["who"]["fjell"]
    with pytest.raises(AccessDenied):
        store.person_record(fac, fjell.person_id)
    with pytest.raises(AccessDenied):
        store.person_record(fjell, cluster["who"]["gard"].person_id)
    assert store.person_record(fac, fac.person_id)["person"]["role"] == "facilitator"


def test_a_failed_download_is_one_friendly_line(store, cluster, caplog):
    class Broken(RightsService):
        def my_file(self):
            raise RuntimeError("disk full")

    section = MyDataSection(Broken(store, cluster["who"]["fjell"]))
    section.lang = "en"
    assert section.download() is None
    assert section._status.value.count("could not be downloaded") == 1 and "disk full" not in section._status.value


def test_erasing_asks_naming_the_person_and_warns_for_the_only_one_of_an_organisation(store, cluster, settings):
    fac = cluster["who"]["facilitator"]
    section = ErasureSection(RightsService(store, fac, settings))
    section.lang = "en"
    gard = cluster["who"]["gard"]
    section.choose(gard.person_id)
    section.ask()
    assert "Erase Gard Person (gard@example.no)?" in section.question
    assert "Gardsbutikken then has nobody who can sign in" in section.question
    section.cancel()
    assert store.person(fac, gard.person_id).name == "Gard Person" and "Nothing was erased" in section.status
    section.ask()
    section.confirm()
    assert "is erased" in section.status and gard.person_id not in [v for _, v in section._person.options]


def test_the_last_facilitator_is_refused_with_the_command_that_can(store, cluster, settings, system):
    fac = cluster["who"]["facilitator"]
    section = ErasureSection(RightsService(store, fac, settings))
    section.lang = "sv"
    section.choose(fac.person_id)
    section.ask()
    assert section.question == "" and "--last-facilitator" in section.status and "sista facilitator" in section.status
    other = store.add_person(system, Person(name="Anna", email="anna@klynge.example", role="facilitator"),
                             cluster["id"])
    store.issue_key(system, other, SECRET)
    section.refresh()
    section.choose(fac.person_id)
    section.ask()
    assert "Radera Facilitator" in section.question


def test_erasing_with_remove_text_takes_the_notes_out(store, cluster, settings):
    fac, gard = cluster["who"]["facilitator"], cluster["who"]["gard"]
    store.save_canvas(gard, gard.organisation_id, "business_model",
                      [Note(id="a", block="channels", text="Ring Gard")], None)
    section = ErasureSection(RightsService(store, fac, settings))
    section.lang = "en"
    section.choose(gard.person_id)
    section._remove.value = True
    section.ask()
    assert "1 saved versions are changed" in section.question
    section.confirm()
    assert store.canvas(fac, gard.organisation_id, "business_model")[0].notes == []


def test_the_audit_log_lists_and_filters_and_the_members_page_holds_the_sections(store, cluster, settings,
                                                                                 system):
    fac = cluster["who"]["facilitator"]
    key = store.issue_key(system, cluster["who"]["fjell"].person_id, SECRET)
    store.open_session(key, SECRET)
    store.revoke_key(fac, key.partition(".")[0])
    page = MembersPage(MembersService(store, fac, settings))
    page.lang = "en"
    audit = page.audit
    assert "Signed in" in audit.table and "Revoked a sign-in link" in audit.table and "Fjell Person" in audit.table
    assert "person_id: " in audit.table and "The latest 2 entries" in audit.table
    audit.filter(action="sign_in")
    assert "Signed in" in audit.table and "Revoked a sign-in link" not in audit.table
    audit.filter(since=date(2999, 1, 1))
    assert "Nothing is recorded" in audit.table
    page.erasure.choose(cluster["who"]["stuga"].person_id)
    page.erasure.ask()
    page.erasure.confirm()
    page.audit.filter()
    assert "Erased a person" in page.audit.table and "former participant (" in page.audit.table
    assert "Stuga Person" not in [p.name for p in page._people]
    for lang in LANGUAGES:
        page.lang = lang
        assert t("audit.title", lang) in page.audit._head.value and t("rights.erase.title", lang) in \
            page.erasure._head.value and t("rights.mine.title", lang) in page.my_data._head.value


def test_researchers_and_participants_never_read_the_audit_log(store, cluster):
    for role in ("fjell", "researcher"):
        section = AuditSection(RightsService(store, cluster["who"][role]))
        assert "klynge-message" in section.table and "Signed in" not in section.table
