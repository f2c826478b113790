"""What the home page counts as done in the profile and canvas steps."""

from klynge.model import CanvasDocument, Money, Note, Offer, Organisation
from klynge.progress import canvas_progress, profile_progress

ORG = dict(name="Fjellgløtt", country="NO", orgnr="977347211", municipality="5021")


def _offer() -> Offer:
    return Offer(title="Snowshoe walk", kind="activity", municipality="5021", months=[1, 2], capacity_per_day=8,
                 price=Money(amount=450, currency="NOK"))


def test_an_empty_profile_misses_every_part():
    progress = profile_progress(Organisation(**ORG), [])
    assert (progress.done, progress.total, progress.complete) == (0, 4, False)
    assert [key for key, _ in progress.missing] == ["home.missing.description", "home.missing.needs",
                                                    "home.missing.place", "home.missing.offers"]


def test_a_full_profile_is_complete():
    org = Organisation(**ORG, description="A mountain lodge", needs="Guides in November", lat=62.6, lon=9.7)
    progress = profile_progress(org, [_offer()])
    assert progress.complete and progress.missing == []


def test_blank_text_does_not_count_and_one_coordinate_is_not_a_place():
    org = Organisation(**ORG, description="   ", needs="Guides", lat=62.6)
    progress = profile_progress(org, [_offer()])
    assert progress.done == 2
    assert {key for key, _ in progress.missing} == {"home.missing.description", "home.missing.place"}


def test_a_canvas_counts_blocks_with_a_note_that_has_text():
    doc = CanvasDocument(template="business_model", notes=[
        Note(id="a", block="key_partners", text="DNT"), Note(id="b", block="channels", text="  ")])
    progress = canvas_progress("business_model", ["key_partners", "channels", "revenue"], doc)
    assert (progress.done, progress.total) == (1, 3)
    assert progress.missing == [("home.missing.blocks", {"n": 2})]
