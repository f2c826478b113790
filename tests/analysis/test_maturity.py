"""The members' figures a maturity snapshot keeps: offers, low-season share, SDG actions."""

from __future__ import annotations

from decimal import Decimal

from klynge.analysis.maturity import sdg_actions, snapshot_figures
from klynge.analysis.member import by_month, low_season, offers_frame
from klynge.batch.data import MemberData
from klynge.model import Money, Offer, Organisation, SdgAssessment, SdgEntry

from ..factories import fictional_orgnr

LOW = (1, 2, 3, 4, 9, 10, 11, 12)


def _org(i: int, name: str) -> Organisation:
    return Organisation(id=i, name=name, country="NO", orgnr=fictional_orgnr("NO", i, start=94_000_000, step=19),
                        municipality="5021", sector="activity")


def _offer(i: int, org: int, months: list[int], kind: str = "activity") -> Offer:
    return Offer(id=i, organisation_id=org, title=f"Offer {i}", kind=kind, municipality="5021", months=months,
                 capacity_per_day=10, price=Money(amount=Decimal("500"), currency="NOK"))


SDG = SdgAssessment(entries=[
    SdgEntry(target="8.9", relevance=3, impact=0, action="Hire locally all year"),  # an action: counts
    SdgEntry(target="12.5", relevance=2, impact=1),  # a positive impact: counts
    SdgEntry(target="13.1", relevance=2, impact=-2),  # harm alone: not an action
    SdgEntry(target="14.1", relevance=1, impact=0, action="   "),  # blank words: nothing
    SdgEntry(target="15.1", relevance=2, impact=2, action="Restore paths", confirmed=False),  # a suggestion
    SdgEntry(target="11.4", relevance=2, impact=2, action="Keep the old barns", visibility="private"),
    SdgEntry(target="4.7", relevance=1, impact=1, visibility="public"),  # public is shared too
])


def test_sdg_actions_are_confirmed_shared_entries_with_an_action_or_a_good_impact():
    assert sdg_actions(SDG) == 3
    assert sdg_actions(None) == 0
    assert sdg_actions(SdgAssessment()) == 0


def test_every_member_gets_offers_low_season_share_and_sdg_actions_by_name():
    winter = MemberData(_org(1, "Fjellguidene"), (_offer(11, 1, [1, 2, 7]), _offer(12, 1, [7, 8])), sdg=SDG,
                        area="oppdal", seasonality=tuple([1 / 12] * 12))
    empty = MemberData(_org(2, "Gardsbutikken"))
    twin = MemberData(_org(3, "Fjellguidene"), (_offer(31, 3, [10]),))
    calls = []

    def low_months(area):
        calls.append(area)
        return LOW

    figures = snapshot_figures([twin, empty, winter], low_months)
    assert list(figures) == ["Fjellguidene", "Fjellguidene (3)", "Gardsbutikken"]
    fjell = figures["Fjellguidene"]
    expected = low_season(by_month(offers_frame(winter.offers)), winter.seasonality, LOW)["member_share"]
    assert fjell.offers == 2 and fjell.sdg_actions == 3
    assert fjell.low_season_share == round(expected, 3) and 0 < fjell.low_season_share < 1
    assert figures["Fjellguidene (3)"].low_season_share == 1.0  # all its capacity is in October
    gard = figures["Gardsbutikken"]
    assert (gard.offers, gard.low_season_share, gard.sdg_actions) == (0, None, 0)  # no offers: unknown, not 0
    assert calls == ["oppdal", None]  # by name, then id; a member without offers needs no low months


def test_the_default_low_season_comes_from_the_reference_data():
    summer = MemberData(_org(1, "Sommerfjøset"), (_offer(11, 1, [6, 7, 8]),))  # no area: September to April
    assert snapshot_figures([summer])["Sommerfjøset"].low_season_share == 0.0
    assert snapshot_figures([]) == {}
