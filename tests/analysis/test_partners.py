"""The partner finder: each part of the score, filters, what is missing, privacy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from klynge.analysis.network import network
from klynge.analysis.partners import (
    CONCEPTS,
    FILL_SHARE,
    PARTS,
    WEIGHTS,
    PartnerFeatures,
    _top,
    concepts_in,
    missing,
    nearness,
    pair_parts,
    partner_features,
    rank_partners,
)
from klynge.model import CanvasDocument, Note, Offer, Organisation, SdgAssessment, SdgEntry
from klynge.model.base import ORGANISATION_KINDS, PHASES
from klynge.model.offer import OFFER_KINDS
from tests.factories import fictional_orgnr

LOW = range(1, 5)  # January to April, for every member of these clusters


def org(i: int, name: str, kind: str = "company", phase: str = "idea", country: str = "NO", located: bool = True):
    return Organisation(id=i, name=name, kind=kind, phase=phase, country=country,
                        orgnr=fictional_orgnr(country, i, start=93_000_000 if country == "NO" else 560_000_000,
                                              step=11),
                        municipality="5001" if country == "NO" else "2321",
                        lat=63.4 if located else None, lon=10.4 if located else None)


def offer(i: int, kind: str, months) -> Offer:
    return Offer(organisation_id=i, title=f"{kind} {i}", kind=kind, municipality="5001", months=list(months),
                 capacity_per_day=10, price={"amount": 100, "currency": "NOK"})


def canvas(*notes: tuple[str, str] | tuple[str, str, str]) -> dict:
    made = [Note(id=f"n{k}", block=n[0], text=n[1], visibility=n[2] if len(n) > 2 else "cluster")
            for k, n in enumerate(notes)]
    return {"business_model": CanvasDocument(template="business_model", notes=made)}


def sdg(*entries: dict) -> SdgAssessment:
    return SdgAssessment(entries=[SdgEntry(**e) for e in entries])


def build(orgs, offers=None, canvases=None, assessments=None) -> PartnerFeatures:
    return partner_features(orgs, offers or {}, canvases or {}, assessments or {}, {o.id: LOW for o in orgs})


def pairs(ranking: pd.DataFrame) -> pd.DataFrame:
    return ranking.set_index(["member", "partner"])


# --- each part of the score -------------------------------------------------------------------


def test_fill_counts_what_my_offers_lack_more_in_my_open_months():
    orgs = [org(1, "Padling"), org(2, "Hotell"), org(3, "Sommerhotell"), org(4, "Annen padling")]
    offers = {1: [offer(1, "activity", [1, 2, 3])], 2: [offer(2, "accommodation", [1, 2, 3])],
              3: [offer(3, "accommodation", [7])], 4: [offer(4, "activity", [1, 2, 3])]}
    f = build(orgs, offers)
    table = pairs(rank_partners(f, k=None))
    lacking = 3 * 5 * 1.0 + 9 * 6 * 0.5  # open months: 5 kinds missing each; closed months: all 6, at half
    assert table.loc[(1, 2), "fill"] == pytest.approx(3 / lacking)  # a bed for my activity
    assert table.loc[(1, 3), "fill"] == pytest.approx(0.5 / lacking)  # a bed in a month I am closed
    assert table.loc[(1, 4), "fill"] == 0  # the same as mine fills nothing
    assert table.loc[(1, 2), "complementarity"] == pytest.approx(FILL_SHARE * 3 / lacking)


def test_canvas_match_reads_key_partners_and_key_resources_and_names():
    assert concepts_in("Vi trenger overnatting og en bank") == {"accommodation", "bank"}
    assert concepts_in("Samarbeid med universitetet om forskning") == {"academia"}
    assert concepts_in("Guidade turer och boende") == {"activity", "accommodation"}
    orgs = [org(1, "Fjellguiden"), org(2, "Sparebanken Midt", kind="bank"), org(3, "Gjestehus"),
            org(4, "Bakeriet Øst"), org(5, "Museet", kind="museum")]
    offers = {3: [offer(3, "accommodation", [6])]}
    canvases = {1: canvas(("key_partners", "En bank og overnatting til gjestene"),
                          ("key_resources", "Brød fra Bakeriet Øst"))}
    table = pairs(rank_partners(build(orgs, offers, canvases), k=None))
    # Two concepts named (bank, accommodation: "gjestene" also names customers, so three in all).
    named = {"bank", "accommodation", "customer"}
    assert concepts_in("En bank og overnatting til gjestene") == named
    assert table.loc[(1, 2), "canvas"] == pytest.approx(1 / 3)
    assert table.loc[(1, 3), "canvas"] == pytest.approx(1 / 3)
    assert table.loc[(1, 4), "canvas"] == 1.0 and table.loc[(1, 4), "named"]  # named by name
    assert table.loc[(1, 5), "canvas"] == 0
    assert table.loc[(2, 1), "canvas"] == 0  # the bank's canvas names nobody


def test_nearness_counts_inside_the_hour_most():
    assert nearness(np.array([0, 30, 60, 90, 120, np.nan, np.inf])).tolist() == pytest.approx(
        [1, 0.75, 0.5, 1 / 3, 0.25, 0, 0])
    orgs = [org(1, "A"), org(2, "B"), org(3, "C")]
    minutes = np.array([[0, 45, np.nan], [45, 0, 200], [np.nan, 200, 0]])
    table = pairs(rank_partners(build(orgs), minutes, k=None))
    assert table.loc[(1, 2), "nearness"] == pytest.approx(1 - 45 / 120)
    assert table.loc[(1, 3), "nearness"] == 0 and np.isnan(table.loc[(1, 3), "minutes"])
    assert table.loc[(2, 3), "nearness"] == pytest.approx(30 / 200)
    assert np.isnan(minutes[0, 2])  # the caller's matrix is left as it was
    view = minutes.astype(np.float32)
    rank_partners(build(orgs), lambda rows: view[rows[0]:rows[-1] + 1], k=None)
    assert np.isnan(view[0, 2]) and not np.isinf(view).any()


def test_low_season_counts_my_low_months_we_are_both_open():
    orgs = [org(1, "A"), org(2, "B"), org(3, "C")]
    offers = {1: [offer(1, "activity", [1, 2, 7])], 2: [offer(2, "meal", [2, 3, 7])], 3: [offer(3, "meal", [7])]}
    table = pairs(rank_partners(build(orgs, offers), k=None))
    assert table.loc[(1, 2), "low_season"] == pytest.approx(1 / 4)  # February of January to April
    assert table.loc[(1, 3), "low_season"] == 0  # July is high season
    assert table.loc[(3, 1), "low_season"] == 0  # C is closed in every low month


def test_sdg_alignment_uses_confirmed_shared_entries_that_do_no_harm():
    orgs = [org(1, "A"), org(2, "B"), org(3, "C"), org(4, "D")]
    assessments = {
        1: sdg({"target": "8.9", "relevance": 3, "impact": 1}, {"target": "13.1", "relevance": 1, "impact": 2}),
        2: sdg({"target": "8.9", "relevance": 2, "impact": 2}, {"target": "13.1", "relevance": 3, "impact": -2}),
        3: sdg({"target": "12.b", "relevance": 3, "impact": 1, "confirmed": False}),
        4: sdg({"target": "8.9", "relevance": 3, "impact": 1}, {"target": "13.1", "relevance": 1, "impact": 0}),
    }
    table = pairs(rank_partners(build(orgs, assessments=assessments), k=None))
    assert table.loc[(1, 2), "sdg"] == pytest.approx(3 / np.sqrt(10))  # B's harm to goal 13 is no alignment
    assert table.loc[(1, 4), "sdg"] == pytest.approx(1.0)
    assert table.loc[(1, 3), "sdg"] == 0  # unconfirmed counts nothing


def test_phase_decides_who_matters():
    orgs = [org(1, "Idé", phase="idea"), org(2, "Lansering", phase="launch"), org(3, "Innovasjon", "public_support"),
            org(4, "Nabo AS"), org(5, "Reisebyrå", "tour_operator"), org(6, "Kunde", "customer")]
    table = pairs(rank_partners(build(orgs), k=None))
    assert table.loc[(1, 3), "phase"] == 1.0 > table.loc[(1, 4), "phase"]  # mentor over the company next door
    assert table.loc[(2, 5), "phase"] == table.loc[(2, 6), "phase"] == 1.0  # channels and customers at launch
    assert table.loc[(2, 3), "phase"] < 1.0
    assert list(table.loc[1].sort_values("total", ascending=False).index[:1]) == [3]


def test_total_is_the_weighted_sum_and_ranks_are_ordered():
    orgs = [org(i, f"Org {i}", kind=ORGANISATION_KINDS[i % 15], phase=PHASES[i % 5]) for i in range(1, 9)]
    offers = {i: [offer(i, OFFER_KINDS[i % 6], range(1 + i % 4, 5 + i % 6))] for i in range(1, 9)}
    ranking = rank_partners(build(orgs, offers), np.full((8, 8), 30.0), k=3)
    weighted = sum(WEIGHTS[p] * ranking[p] for p in PARTS)
    assert np.allclose(ranking["total"], weighted, atol=1e-5)
    assert (ranking.groupby("member")["rank"].agg(list) == pd.Series({i: [1, 2, 3] for i in range(1, 9)})).all()
    assert (ranking.groupby("member")["total"].agg(lambda s: s.is_monotonic_decreasing)).all()
    assert not (ranking["member"] == ranking["partner"]).any()


def random_features(n: int, seed: int) -> PartnerFeatures:
    rng = np.random.default_rng(seed)
    mentions = np.unique(rng.integers(0, n, (n // 3, 2)), axis=0)
    return PartnerFeatures(
        ids=np.arange(100, 100 + n), names=tuple(f"m{i}" for i in range(n)),
        kind=rng.integers(0, len(ORGANISATION_KINDS), n), phase=rng.integers(0, len(PHASES), n),
        country=rng.integers(0, 2, n), offers=rng.random((n, 12, len(OFFER_KINDS))) < 0.15,
        low=rng.random((n, 12)) < 0.6, needs=rng.random((n, len(CONCEPTS))) < 0.1,
        sdg=(rng.random((n, 17)) < 0.2) * rng.integers(1, 4, (n, 17)).astype(np.float32),
        mentions=mentions[mentions[:, 0] != mentions[:, 1]], located=np.ones(n, dtype=bool),
        has_canvas=np.ones(n, dtype=bool))


@pytest.mark.parametrize("seed", range(3))
def test_vectorised_ranking_equals_the_plain_pair_loop(seed):
    n = 40
    f = random_features(n, seed)
    rng = np.random.default_rng(seed)
    minutes = rng.uniform(0, 180, (n, n))
    minutes[rng.random((n, n)) < 0.1] = np.nan
    table = pairs(rank_partners(f, minutes, k=None, block=7))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            plain = pair_parts(f, i, j, minutes[i, j])
            row = table.loc[(f.ids[i], f.ids[j])]
            for part in (*PARTS, "total", "fill", "canvas"):
                assert row[part] == pytest.approx(plain[part], abs=1e-5), (i, j, part)


def test_top_k_by_group_maxima_is_exact():
    rng = np.random.default_rng(3)
    total = rng.random((50, 2000)).astype(np.float32)
    total[rng.random(total.shape) < 0.3] = -np.inf
    total[5, :] = -np.inf
    total[6, :] = -np.inf
    total[6, [7, 9]] = [0.5, 0.5]  # fewer finite values than k, and a tie
    total[7, ::3] = 0.25  # many ties
    top, values = _top(total, 10)
    for row in range(50):
        finite = np.flatnonzero(np.isfinite(total[row]))
        expected = sorted(finite, key=lambda c: (-total[row, c], c))[:10]
        got = [c for c, v in zip(top[row], values[row]) if np.isfinite(v)]
        assert got == expected, row


# --- filters, members to rank, missing data ---------------------------------------------------


def test_filters_by_kind_phase_country_and_within_the_hour():
    orgs = [org(1, "Meg"), org(2, "Bank", "bank", "scale"), org(3, "Forsk", "academia", "launch", "SE"),
            org(4, "Bedrift", "company", "scale"), org(5, "Langt unna", "bank", "scale")]
    minutes = np.array([[0, 20, 50, 10, 90]] * 5, dtype=float)
    f = build(orgs)
    only = rank_partners(f, minutes, members=[1], kinds=["bank"], k=None)
    assert set(only["partner"]) == {2, 5}
    assert set(rank_partners(f, minutes, members=[1], phases=["scale"], k=None)["partner"]) == {2, 4, 5}
    assert set(rank_partners(f, minutes, members=[1], countries=["SE"], k=None)["partner"]) == {3}
    near = rank_partners(f, minutes, members=[1], within_hour=True, kinds=["bank", "academia"], k=None)
    assert set(near["partner"]) == {2, 3}
    assert rank_partners(f, minutes, members=[1], kinds=["insurer"], k=5).empty
    with pytest.raises(ValueError, match="known: company"):
        rank_partners(f, minutes, kinds=["bakery"])
    with pytest.raises(ValueError, match="needs travel minutes"):
        rank_partners(f, within_hour=True)
    with pytest.raises(ValueError, match=r"no such members: \[99\]"):
        rank_partners(f, members=[99])
    with pytest.raises(ValueError, match="at least 1"):
        rank_partners(f, k=0)


def test_ranking_for_some_members_in_their_order_matches_the_whole():
    f = random_features(30, 9)
    minutes = np.random.default_rng(9).uniform(0, 100, (30, 30))
    whole = rank_partners(f, minutes, k=4)
    some = rank_partners(f, minutes, k=4, members=[f.ids[20], f.ids[3]], workers=1)
    assert list(some["member"].unique()) == [f.ids[20], f.ids[3]]
    expected = whole[whole["member"].isin(some["member"])].set_index(["member", "rank"]).sort_index()
    pd.testing.assert_frame_equal(some.set_index(["member", "rank"]).sort_index(), expected)


def test_a_member_without_coordinates_or_offers_is_ranked_and_told_what_is_missing():
    orgs = [org(1, "Uten alt", located=False), org(2, "Hotell"), org(3, "Bank", "bank")]
    offers = {2: [offer(2, "accommodation", [1, 2])]}
    assessments = {2: sdg({"target": "8.9", "relevance": 2, "impact": 1, "visibility": "private"})}
    canvases = {3: canvas(("key_partners", "overnatting"))}
    f = build(orgs, offers, canvases, assessments)
    ranking = rank_partners(f, np.where(np.eye(3), 0, 30.0), k=None)
    assert set(ranking.loc[ranking["member"] == 1, "partner"]) == {2, 3}
    # Without coordinates no travel time is known, whatever the matrix holds: nearness 0, not in the hour.
    table = pairs(ranking)
    assert table.loc[(1, 2), "nearness"] == table.loc[(2, 1), "nearness"] == 0
    assert table.loc[(2, 3), "nearness"] == pytest.approx(0.75)
    assert set(rank_partners(f, np.full((3, 3), 30.0), within_hour=True, k=None)["member"]) == {2, 3}
    with pytest.raises(ValueError, match="must be 3 x 3"):
        rank_partners(f, np.ones((3, 2)))
    gaps = missing(f, "nb").set_index("member")
    assert gaps.loc[1, "missing"] == ("coordinates", "offers", "canvas", "sdg")
    assert gaps.loc[2, "missing"] == ("canvas", "sdg")  # its only SDG entry is private
    assert gaps.loc[3, "missing"] == ("offers", "sdg")
    assert gaps.loc[1, "texts"][0].startswith("ingen koordinater")
    assert missing(f, "sv").set_index("member").loc[3, "texts"][0].startswith("inga erbjudanden")


# --- privacy ----------------------------------------------------------------------------------


def _privacy_cluster(private: bool):
    orgs = [org(1, "Fjellguiden"), org(2, "Sparebanken Midt", "bank"), org(3, "Elvehotellet"),
            org(4, "Forskerne", "academia")]
    offers = {1: [offer(1, "activity", [1, 2])], 3: [offer(3, "accommodation", [1, 2, 3])]}
    notes = [("key_partners", "Overnatting i nærheten")]
    entries = [{"target": "8.9", "relevance": 2, "impact": 1}]
    theirs = [{"target": "12.b", "relevance": 1, "impact": 1}]
    if private:
        # Private notes naming a kind of partner and a partner by name; private SDG entries on both sides.
        notes += [("key_partners", "En bank og Elvehotellet", "private"),
                  ("key_resources", "forskning og investorer", "private")]
        entries += [{"target": "13.1", "relevance": 3, "impact": 2, "visibility": "private"}]
        theirs += [{"target": "8.9", "relevance": 3, "impact": 2, "visibility": "private"}]
    canvases = {1: canvas(*notes)}
    assessments = {1: sdg(*entries), 3: sdg(*theirs), 4: sdg(*theirs)}
    return build(orgs, offers, canvases, assessments)


def test_private_notes_and_sdg_entries_never_shape_or_show_in_a_ranking():
    minutes = np.array([[0, 20, 40, 70], [20, 0, 30, 50], [40, 30, 0, 10], [70, 50, 10, 0]], dtype=float)
    plain, private = _privacy_cluster(False), _privacy_cluster(True)
    for field in ("needs", "sdg", "mentions", "has_canvas", "offers"):
        assert np.array_equal(getattr(plain, field), getattr(private, field)), field
    pd.testing.assert_frame_equal(rank_partners(plain, minutes, k=None), rank_partners(private, minutes, k=None))
    pd.testing.assert_frame_equal(missing(plain), missing(private))
    net_plain = network(plain, rank_partners(plain, minutes, k=None), strong=0.3)
    net_private = network(private, rank_partners(private, minutes, k=None), strong=0.3)
    pd.testing.assert_frame_equal(net_plain.members, net_private.members)


def test_the_same_notes_shared_do_count():
    # The control for the privacy test: shared, the same words change the ranking.
    orgs = [org(1, "Fjellguiden"), org(2, "Sparebanken Midt", "bank"), org(3, "Elvehotellet")]
    shared = build(orgs, canvases={1: canvas(("key_partners", "En bank og Elvehotellet"))})
    hidden = build(orgs, canvases={1: canvas(("key_partners", "En bank og Elvehotellet", "private"))})
    assert pairs(rank_partners(shared, k=None)).loc[(1, 3), "named"]
    assert pairs(rank_partners(shared, k=None)).loc[(1, 2), "canvas"] == 1.0
    assert pairs(rank_partners(hidden, k=None)).loc[(1, 2), "canvas"] == 0.0


def test_the_demo_cluster_is_ranked_and_names_in_key_partners_are_found():
    from klynge.demo import read_demo

    demo = read_demo()
    orgs, offers, canvases, assessments = [], {}, {}, {}
    for i, member in enumerate(demo.organisations.values(), start=1):
        orgs.append(member.organisation.model_copy(update={"id": i}))
        offers[i] = member.offers
        canvases[i] = {template: member.canvas(template) for template in member.canvases}
        assessments[i] = SdgAssessment(entries=member.sdg)
    f = partner_features(orgs, offers, canvases, assessments)  # low months from the reference data
    ids = {o.name: o.id for o in orgs}
    named = {(int(f.ids[i]), int(f.ids[j])) for i, j in f.mentions}
    # "Tegefjällets Fjällkök, Frösö Matsalong och Tråante Matverksted i Trondheim köper ost."
    assert {(ids["Aspåsnäsets Getmejeri"], ids[n]) for n in
            ("Tegefjällets Fjällkök", "Frösö Matsalong", "Tråante Matverksted")} <= named
    ranking = rank_partners(f, k=5)
    assert ranking.groupby("member").size().eq(5).all() and ranking["member"].nunique() == len(orgs)
    cheese = ranking[ranking["member"] == ids["Aspåsnäsets Getmejeri"]]
    assert cheese["named"].sum() >= 2
