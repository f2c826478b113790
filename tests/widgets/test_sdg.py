"""The SDG step without a browser: a real store, the service, the page's buttons and fields."""

from __future__ import annotations

import ipywidgets as w
import pytest

from klynge.i18n import t
from klynge.model import Note, SdgEntry
from klynge.store import Identity
from klynge.widgets.sdg_page import SdgPage
from klynge.widgets.sdg_service import SdgService, TargetClash
from klynge.widgets.sdg_target import target_html

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def gard(store, cluster):
    """`gard` (food) holds Miljøfyrtårn and has tagged a note of its business model with 8.9."""
    system = Identity.system()
    oid = cluster["orgs"]["gard"]
    current = store.organisation(system, oid)
    store.update_organisation(system, current.value.model_copy(update={"certifications": ["miljofyrtarn"]}),
                              current.version)
    tagged = Note(id="n1", block="value_propositions", text="Ost fra egne geiter", sdg_targets=["8.9"])
    store.save_canvas(system, oid, "business_model", [tagged], None)
    return cluster["who"]["gard"]


@pytest.fixture
def colleague(add_colleague):
    """A second participant of `gard`."""
    return add_colleague("gard", "Tore Gard", "tore@example.no")


def page_for(store, who, lang="nb"):
    return SdgPage(SdgService(store, who, who.organisation_id), lang=lang)


def stored(store, cluster, key="gard"):
    doc, rev = store.sdg(Identity.system(), cluster["orgs"][key])
    return {e.target: e for e in doc.entries}, rev.number


def html(widget) -> str:
    """Every HTML the widget tree shows, and every text a button or field carries."""
    out = []
    if isinstance(widget, w.HTML):
        out.append(widget.value)
    if isinstance(widget, (w.Button,)):
        out.append(widget.description)
    for child in getattr(widget, "children", ()):
        out.append(html(child))
    return "\n".join(out)


def rows(page, section):
    box = next(c for c in page.children if f"klynge-sdg-{section}" in c._dom_classes)
    return [c for c in box.children if "klynge-sdg-row" in c._dom_classes]


def test_suggestions_come_from_the_certification_and_the_canvas_tags_with_their_reasons(store, cluster, gard):
    page = page_for(store, gard, lang="en")
    assert list(page.suggestions) == ["7.3", "8.8", "8.9", "12.5", "12.6"]
    suggested = html(next(r for r in rows(page, "suggested") if "12.6" in html(r)))
    assert "Eco-Lighthouse (Miljøfyrtårn): The yearly climate and environment report" in suggested
    tagged = html(next(r for r in rows(page, "suggested") if ">8.9<" in html(r)))
    assert "Business Model Canvas" in tagged and "Ost fra egne geiter" in tagged
    assert stored(store, cluster) == ({}, 0)  # suggestions are not stored


def test_confirming_a_suggestion_saves_it_with_the_evidence_and_it_leaves_the_suggestions(store, cluster, gard):
    page = page_for(store, gard)
    before = page._progress
    editor = page.open_target("12.6", "suggested")
    assert editor.save_button.description == t("sdg.confirm", "nb")
    assert editor.relevance.value == 2  # a suggestion starts as relevant
    editor.impact.value = 1
    editor.evidence.value = "Klima- og miljørapport levert hvert år siden 2021."
    editor.save_button.click()
    entries, revision = stored(store, cluster)
    assert revision == 1
    assert entries["12.6"] == SdgEntry(target="12.6", relevance=2, impact=1, confirmed=True,
                                       evidence="Klima- og miljørapport levert hvert år siden 2021.")
    assert "12.6" not in page.suggestions and page.editor is None
    # said where the form was (the target's row), not in the page's header, off-screen on a phone
    saved = t("sdg.saved", "nb", code="12.6")
    assert saved not in page.children[0].value
    assert any(saved in html(r) and ">12.6<" in html(r) for s in ("shortlist", "mine") for r in rows(page, s))
    assert "Klima- og miljørapport levert hvert år siden 2021." in html(rows(page, "mine")[0])
    after = page._progress
    assert SdgService(store, gard, cluster["orgs"]["gard"]).step_progress() == after  # what home shows
    waiting = dict(before.missing)["home.missing.suggestions"]["n"]
    assert dict(after.missing)["home.missing.suggestions"]["n"] == waiting - 1


def test_evidence_is_recorded_on_a_short_list_target_and_counts_on_home(store, cluster, gard):
    page = page_for(store, gard)
    short = [r for r in rows(page, "shortlist")]
    code = page._shortlist[0].target
    assert len(short) == len(page._shortlist)
    editor = page.open_target(code, "shortlist")
    editor.relevance.value, editor.impact.value = 3, 2
    editor.evidence.value, editor.action.value = "Alt kjøpes lokalt.", "Flere lokale leverandører i 2026."
    editor.visibility.value = "private"
    editor.save_button.click()
    entry = stored(store, cluster)[0][code]
    assert (entry.relevance, entry.impact, entry.visibility, entry.action) == (3, 2, "private",
                                                                               "Flere lokale leverandører i 2026.")
    assert page._progress.done == 1


@pytest.mark.parametrize(("field", "value", "key"), [
    ("evidence", "x" * 2001, "error.too_long"),
    ("action", "Plan\x07 med bjelle", "error.klynge_control_chars"),
])
def test_a_typed_value_that_fails_is_explained_in_the_persons_language_and_kept(store, cluster, gard, field, value,
                                                                                  key):
    page = page_for(store, gard, lang="sv")
    editor = page.open_target("8.9", "suggested")
    getattr(editor, field).value = value
    editor.save_button.click()
    assert stored(store, cluster) == ({}, 0)
    assert t(f"field.{field}", "sv") in editor.message.value
    message = t(key, "sv", n=2000, actual_length=2001)
    assert message.split("{")[0][:20] in editor.message.value
    assert getattr(editor, field).value == value and page.editor is editor
    assert not editor.save_button.disabled


def test_a_stale_save_shows_the_conflict_and_keeps_the_persons_input(store, cluster, gard, colleague):
    mine, theirs = page_for(store, gard, lang="en"), page_for(store, colleague, lang="en")
    editor = mine.open_target("8.9", "suggested")
    editor.evidence.value = "Our evidence"
    other = theirs.open_target("8.9", "suggested")
    other.evidence.value = "Their evidence"
    other.save_button.click()
    editor.save_button.click()
    assert stored(store, cluster)[0]["8.9"].evidence == "Their evidence"
    shown = html(editor.clash)
    assert "Tore Gard saved target 8.9 while you were working on it" in shown and "Their evidence" in shown
    assert editor.evidence.value == "Our evidence" and mine.editor is editor
    editor.keep_button.click()
    assert stored(store, cluster)[0]["8.9"].evidence == "Our evidence"
    assert mine.editor is None


def test_taking_their_version_puts_it_in_the_form(store, cluster, gard, colleague):
    mine, theirs = page_for(store, gard), page_for(store, colleague)
    editor = mine.open_target("8.9", "suggested")
    editor.evidence.value = "Vårt"
    other = theirs.open_target("8.9", "suggested")
    other.relevance.value, other.evidence.value = 3, "Deres"
    other.save_button.click()
    editor.save_button.click()
    editor.take_button.click()
    assert (editor.relevance.value, editor.evidence.value) == (3, "Deres") and not editor.clash.children
    editor.action.value = "Videre herfra"
    editor.save_button.click()
    entry = stored(store, cluster)[0]["8.9"]
    assert (entry.evidence, entry.action) == ("Deres", "Videre herfra")


def test_saves_on_different_targets_merge_without_a_conflict(store, cluster, gard, colleague):
    mine, theirs = page_for(store, gard), page_for(store, colleague)
    editor = mine.open_target("12.5", "suggested")
    other = theirs.open_target("7.3", "suggested")
    other.save_button.click()
    editor.save_button.click()
    entries, revision = stored(store, cluster)
    assert set(entries) == {"7.3", "12.5"} and revision == 2


def test_the_service_refuses_a_clashing_save_and_writes_nothing(store, cluster, gard, colleague):
    oid = cluster["orgs"]["gard"]
    SdgService(store, colleague, oid).save(SdgEntry(target="8.9", relevance=1), None)
    with pytest.raises(TargetClash) as caught:
        SdgService(store, gard, oid).save(SdgEntry(target="8.9", relevance=3), None)
    assert caught.value.theirs.relevance == 1 and caught.value.head == 1
    assert stored(store, cluster)[1] == 1


def test_history_lists_the_versions_and_restore_brings_one_back(store, cluster, gard):
    page = page_for(store, gard, lang="en")
    for evidence in ("First", "Second"):
        editor = page.open_target("8.9", "suggested" if evidence == "First" else "mine")
        editor.evidence.value = evidence
        editor.save_button.click()
    page.show_history()
    history = next(c for c in page.children if "klynge-sdg-history" in c._dom_classes)
    shown = html(history)
    assert "Version 2 · Gard Person" in shown and "(current)" in shown and "Version 1 · Gard Person" in shown
    restore = [b for b in history.children if "klynge-sdg-revision" in b._dom_classes]
    assert len(restore) == 2 and len(restore[0].children) == 1  # the current one has no restore button
    restore[1].children[1].click()
    entries, revision = stored(store, cluster)
    assert revision == 3 and entries["8.9"].evidence == "First"
    history = html(next(c for c in page.children if "klynge-sdg-history" in c._dom_classes))
    assert "Version 1 is current again (saved as version 3)." in history  # beside the restore button
    assert "restored from version 1" in history


def test_hostile_evidence_shows_as_text_everywhere(store, cluster, gard, colleague):
    page = page_for(store, gard)
    editor = page.open_target("8.9", "suggested")
    editor.evidence.value = editor.action.value = HOSTILE
    editor.save_button.click()
    page.choose_goal(8)
    page.open_target("8.9", "goal")
    page.show_history()
    shown = html(page)
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "<img src=x" not in shown
    # and in the conflict panel, where another person's text is shown
    stale = page_for(store, colleague)
    clash = stale.open_target("12.6", "suggested")
    SdgService(store, gard, cluster["orgs"]["gard"]).save(SdgEntry(target="12.6", evidence=HOSTILE), None)
    clash.save_button.click()
    assert "&lt;img src=x" in html(clash.clash) and "<img src=x" not in html(stale)


def test_english_shows_only_the_official_text_and_other_languages_mark_the_translation(store, gard):
    def shown(page):
        row = next(r for r in rows(page, "suggested") if ">12.6<" in html(r))
        return html(row)

    page = page_for(store, gard, lang="en")
    page.open_target("12.6", "suggested")
    english = shown(page)
    assert t("sdg.unofficial", "en") not in english and english.count("Encourage companies") == 1
    page.lang = "nb"
    norwegian = shown(page)
    assert "Oppfordre selskaper" in norwegian and "uoffisiell oversettelse" in norwegian
    assert "Encourage companies" in html(page.editor.info)  # the form shows the official text unfolded
    page.lang = "sv"  # the Swedish translation, marked unofficial, with the official English folded beside it
    swedish = shown(page)
    assert "Uppmuntra företag" in swedish and "inofficiell översättning" in swedish
    assert t("sdg.english_only", "sv") not in swedish
    assert "Encourage companies" in html(page.editor.info) and "Uppmuntra" not in html(page.editor.info)
    text = target_html("12.6", "sv")  # the row itself: the English once, folded under "Officiell text (engelska)"
    assert text.count("Encourage companies") == 1 and "<details" in text and t("sdg.official_en", "sv") in text


def test_the_language_switch_keeps_what_was_typed(store, gard):
    page = page_for(store, gard)
    editor = page.open_target("8.8", "suggested")
    editor.relevance.value, editor.evidence.value = 3, "Skrevet på norsk"
    page.lang = "en"
    assert page.editor is editor and (editor.relevance.value, editor.evidence.value) == (3, "Skrevet på norsk")
    assert editor.relevance.label == "Very relevant: core of what we do"
    assert editor in [c for r in rows(page, "suggested") for c in r.children[1].children]


def test_all_goals_in_their_colours_and_a_goal_lists_its_targets(store, gard):
    page = page_for(store, gard, lang="en")
    goals = next(c for c in page.children if "klynge-sdg-goals" in c._dom_classes)
    buttons = [b for b in goals.children[1].children]
    assert len(buttons) == 17 and buttons[0].style.button_color == "#E5243B"
    assert buttons[6].style.text_color == "#000000" and buttons[0].style.text_color == "#ffffff"
    buttons[13].click()  # goal 14
    assert [r for r in rows(page, "goals")] and len(rows(page, "goals")) == 10
    assert "Goal 14: Life below water" in html(page)
    page.choose_goal(14)  # the open goal again closes it
    assert rows(page, "goals") == []


def test_the_profile_picture_has_a_caption_in_words(store, gard):
    page = page_for(store, gard, lang="en")
    assert "The picture fills in as you confirm targets" in html(page)
    editor = page.open_target("12.5", "suggested")
    editor.relevance.value, editor.impact.value = 3, -1
    editor.save_button.click()
    shown = html(page)
    assert "data:image/png;base64," in shown
    assert "1 confirmed target, under 1 of the 17 goals. You have recorded harm under goal 12 Responsible" in shown


def test_another_member_sees_the_shared_entries_read_only(store, cluster, gard):
    service = SdgService(store, gard, cluster["orgs"]["gard"])
    service.save(SdgEntry(target="8.9", relevance=3, evidence="Delt med klyngen"), None)
    service.save(SdgEntry(target="12.5", relevance=3, evidence="Bare for oss", visibility="private"), 1)
    page = SdgPage(SdgService(store, cluster["who"]["fjell"], cluster["orgs"]["gard"]))
    shown = html(page)
    assert "Delt med klyngen" in shown and "Bare for oss" not in shown
    editor = page.open_target("8.9", "mine")
    assert editor.save_button not in editor.children[-1].children and editor.evidence.disabled


def test_a_page_that_cannot_read_shows_a_friendly_notice(store, cluster):
    page = SdgPage(SdgService(store, cluster["who"]["fjell"], 999))
    assert t("page.error.title", "nb") in html(page)
