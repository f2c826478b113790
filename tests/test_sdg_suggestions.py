"""The SDG suggestion rules: certifications and canvas tags in, targets with reasons out."""

from __future__ import annotations

import pytest

from klynge import reference
from klynge.model import Note, SdgAssessment, SdgEntry
from klynge.progress import sdg_progress
from klynge.sdg_suggestions import Reason, canvas_suggestions, certification_suggestions, shortlist, status, suggest


def note(id, block="key_partners", text="", tags=()):
    return Note(id=id, block=block, text=text, sdg_targets=list(tags))


def codes(suggestions):
    return [s.target for s in suggestions]


def test_a_certification_suggests_the_targets_it_gives_evidence_for_with_the_reason():
    found = certification_suggestions(["miljofyrtarn"])
    assert codes(found) == ["7.3", "8.8", "12.5", "12.6"]  # the UN's order, not the file's
    assert all(s.reasons == (Reason("certification", "miljofyrtarn"),) for s in found)
    reason = found[0].reasons[0]
    assert reason.certification_reason("7.3", "en").startswith("Energy use is measured and reported every year")
    assert reason.certification_reason("7.3", "nb").startswith("Energibruken måles")


def test_two_certifications_evidencing_one_target_give_one_suggestion_with_both_reasons():
    both = {e.target for e in reference.certification("miljofyrtarn").evidence} & {
        e.target for e in reference.certification("svanen").evidence}
    assert both, "the reference data has a target both certifications evidence"
    found = {s.target: s for s in certification_suggestions(["miljofyrtarn", "svanen"])}
    code = sorted(both)[0]
    assert [r.key for r in found[code].reasons] == ["miljofyrtarn", "svanen"]


def test_no_certification_suggests_nothing():
    assert certification_suggestions([]) == []


def test_canvas_tags_suggest_targets_naming_the_canvas_and_the_note():
    canvases = {"business_model": [note("a", text="Guides from the village", tags=["8.9", "4.4"]),
                                   note("b", text="no tags")],
                "environmental_layer": [note("c", block="distribution", text="Guests come by car", tags=["13.2"])]}
    found = {s.target: s for s in canvas_suggestions(canvases)}
    assert list(found) == ["4.4", "8.9", "13.2"]
    assert found["13.2"].reasons == (Reason("canvas", "environmental_layer", "Guests come by car"),)
    assert found["8.9"].reasons == (Reason("canvas", "business_model", "Guides from the village"),)


def test_reasons_from_certifications_and_canvases_gather_on_one_target():
    canvases = {"business_model": [note("a", text="Sorting", tags=["12.5"])]}
    found = {s.target: s for s in suggest(["miljofyrtarn"], canvases)}
    assert [r.source for r in found["12.5"].reasons] == ["certification", "canvas"]


def test_a_note_tagging_the_same_target_twice_in_two_canvases_gives_two_reasons():
    canvases = {"business_model": [note("a", text="One", tags=["8.9"])],
                "social_layer": [note("b", block="employees", text="Two", tags=["8.9"])]}
    (only,) = suggest([], canvases)
    assert [r.key for r in only.reasons] == ["business_model", "social_layer"]


def test_targets_already_assessed_are_not_suggested_again_whatever_their_relevance():
    assessment = SdgAssessment(entries=[SdgEntry(target="7.3", relevance=2, impact=1),
                                        SdgEntry(target="12.5", relevance=0)])  # "not relevant" is an answer
    found = suggest(["miljofyrtarn"], {"business_model": [note("a", tags=["7.3", "15.1"])]}, assessment)
    assert codes(found) == ["8.8", "12.6", "15.1"]


def test_unconfirmed_entries_stay_suggestions_until_confirmed():
    assessment = SdgAssessment(entries=[SdgEntry(target="6.4", relevance=2, confirmed=False),
                                        SdgEntry(target="12.6", confirmed=False)])
    found = {s.target: s for s in suggest(["miljofyrtarn"], {}, assessment)}
    assert found["6.4"].reasons == (Reason("stored"),)
    assert found["12.6"].reasons == (Reason("certification", "miljofyrtarn"),)  # its reason, not "stored"
    confirmed = SdgAssessment(entries=[SdgEntry(target="6.4", relevance=2, confirmed=True)])
    assert "6.4" not in codes(suggest(["miljofyrtarn"], {}, confirmed))


@pytest.mark.parametrize(("entry", "suggested", "expected"), [
    (None, False, "open"),
    (None, True, "suggested"),
    (SdgEntry(target="8.9", confirmed=False), False, "suggested"),
    (SdgEntry(target="8.9", relevance=3), True, "confirmed"),
    (SdgEntry(target="8.9", relevance=0), False, "confirmed"),
])
def test_a_target_is_confirmed_suggested_or_open(entry, suggested, expected):
    assert status(entry, suggested) == expected


def test_the_short_list_is_the_sectors_own_plus_the_general_rows():
    general = {i.target for i in shortlist("general")}
    food = shortlist("food")
    assert general < {i.target for i in food}
    assert {i.target for i in food if not i.general} == {i.target for i in reference.shortlist("food") if not i.general}
    assert {i.target for i in shortlist("accommodation")} != {i.target for i in food}
    assert all(i.reason("sv") and i.reason("en") != i.reason("nb") for i in food)


def test_progress_counts_confirmed_short_list_targets_and_waiting_suggestions_apart():
    short = [i.target for i in shortlist("accommodation")]
    assessment = SdgAssessment(entries=[SdgEntry(target=short[0], relevance=3),
                                        SdgEntry(target=short[1], relevance=0),
                                        SdgEntry(target=short[2], confirmed=False)])
    suggested = codes(suggest(["miljofyrtarn"], {}, assessment))
    progress = sdg_progress(assessment, short, suggested)
    assert (progress.done, progress.total) == (2, len(short))
    waiting = {short[2]} | set(suggested)
    assert ("home.missing.suggestions", {"n": len(waiting)}) in progress.missing
    assert ("home.missing.targets", {"n": len(short) - 2}) in progress.missing
