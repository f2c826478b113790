"""Lessons of the learning log: what a lesson must say, its tags, its source and the references it may name."""

import pytest

from klynge.errors import ValidationError
from klynge.i18n import t
from klynge.model import Lesson, finding_ref, split_ref
from klynge.validation import validate

BASE = {"assumed": "Guests come for the skiing", "saw": "They asked for the food trail first",
        "change": "Lead the winter package with the food"}


def test_tags_are_tidied_goals_and_months_sorted_and_a_lesson_round_trips():
    lesson = Lesson.model_validate({**BASE, "themes": ["Winter  Food", "winter food", " Pilgrim paths "],
                                    "goals": [12, 8, 8], "months": [11, 1, 11], "source_kind": "round",
                                    "source_id": 4})
    assert lesson.themes == ["winter food", "pilgrim paths"]
    assert (lesson.goals, lesson.months) == ([8, 12], [1, 11])
    assert Lesson.model_validate(lesson.model_dump(mode="json")) == lesson
    assert Lesson.model_validate(BASE).source_kind == "none"


@pytest.mark.parametrize("change, field", [
    ({"assumed": "   "}, "assumed"),
    ({"saw": ""}, "saw"),
    ({"change": "x\x00"}, "change"),
    ({"goals": [18]}, "goals"),
    ({"goals": [0]}, "goals"),
    ({"months": [13]}, "months"),
    ({"themes": ["x" * 41]}, "themes"),
    ({"themes": ["\u200b"]}, "themes"),
    ({"themes": [f"t{k}" for k in range(9)]}, "themes"),
    ({"source_kind": "meeting", "source_id": 1}, "source_kind"),
    ({"source_kind": "round", "source_id": 0}, "source_id"),
])
def test_each_bad_field_is_named_in_the_readers_language(change, field):
    for lang in ("nb", "sv", "en"):
        with pytest.raises(ValidationError) as caught:
            validate(Lesson, {**BASE, **change}, lang)
        assert caught.value.problems[0][0].startswith(t(f"field.{field}", lang))


@pytest.mark.parametrize("lang, words", [("en", "which workshop round or concept"), ("nb", "hvilken workshoprunde"),
                                         ("sv", "vilken workshoprunda")])
def test_a_source_needs_its_id_and_none_takes_none(lang, words):
    with pytest.raises(ValidationError, match=words):
        validate(Lesson, {**BASE, "source_kind": "concept"}, lang)
    with pytest.raises(ValidationError) as caught:
        validate(Lesson, {**BASE, "source_kind": "none", "source_id": 3}, lang)
    assert caught.value.problems[0][1] == t("error.klynge_lesson_source_extra", lang)
    assert validate(Lesson, {**BASE, "source_kind": "concept", "source_id": 3}, lang).source_id == 3


def test_references_name_a_finding_or_one_of_its_options():
    assert finding_ref(" gap:5021:11 ") == "gap:5021:11"
    assert split_ref("low_season_gap:5021#winter_package") == ("low_season_gap:5021", "winter_package")
    assert split_ref("economics:deficit") == ("economics:deficit", "")
    for bad in ("", "two words", "a#b#c", "#option", "finding#", "x" * 129, "gap\x00:1"):
        with pytest.raises(ValueError):
            finding_ref(bad)
