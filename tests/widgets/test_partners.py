"""The partner finder and the network view without a browser: a real SQLite store and its access rules.

The cluster: Fjellguidene (Oppdal) and Gardsbutikken a few km away, Stugbyn i Åre without
coordinates. Gardsbutikken keeps a note naming Fjellguidene and its SDG entries private at first.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from klynge.model import Money, Note, Offer, SdgEntry
from klynge.widgets.network_page import NetworkPage
from klynge.widgets.partners_page import PartnersPage
from klynge.widgets.partners_service import PartnersService

SECRET_NOTE = "Fjellguidene er hemmelig drømmepartner"


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the service reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _offer(org: int, kind: str, months: list[int], municipality: str, currency: str = "NOK") -> Offer:
    return Offer(organisation_id=org, title=f"{kind} {org}", kind=kind, municipality=municipality, months=months,
                 capacity_per_day=10, price=Money(amount=Decimal("100"), currency=currency))


def _place(store, system, org_id: int, lat: float | None, lon: float | None) -> None:
    current = store.organisation(system, org_id)
    store.update_organisation(system, current.value.model_copy(update={"lat": lat, "lon": lon}), current.version)


@pytest.fixture
def members(store, system, cluster):
    orgs, who = cluster["orgs"], cluster["who"]
    _place(store, system, orgs["fjell"], 62.5946, 9.6911)
    _place(store, system, orgs["gard"], 62.62, 9.75)
    store.add_offer(system, _offer(orgs["fjell"], "activity", [1, 2, 3, 12], "5021"))
    store.add_offer(system, _offer(orgs["gard"], "meal", [1, 2, 3, 11, 12], "5014"))
    store.add_offer(system, _offer(orgs["gard"], "accommodation", [1, 2, 3], "5014"))
    store.save_sdg(who["fjell"], orgs["fjell"], [SdgEntry(target="8.9", relevance=3, impact=2)], None)
    store.save_sdg(who["gard"], orgs["gard"], [SdgEntry(target="8.9", relevance=3, impact=2, visibility="private")],
                   None)
    store.save_canvas(who["gard"], orgs["gard"], "business_model",
                      [Note(id="p", block="key_partners", text=SECRET_NOTE, visibility="private"),
                       Note(id="s", block="value_propositions", text="Lokal mat fra gården")], None)
    return cluster


def _by_name(suggestions):
    return {s.name: s for s in suggestions}


def test_private_notes_and_sdg_entries_never_shape_or_show_in_a_ranking(store, system, members):
    orgs, who = members["orgs"], members["who"]
    # The system identity sees the private items in the store: the service must leave them out itself.
    for reader in (who["fjell"], system.__class__(person_id=None, role="system", cluster_id=members["id"])):
        service = PartnersService(store, reader, orgs["fjell"])
        gard = _by_name(service.suggestions(lang="en"))["Gardsbutikken"]
        assert gard.parts["sdg"] == 0.0
        profile = service.profile(orgs["gard"])
        assert SECRET_NOTE not in repr(profile) and profile.goals == ()
        assert [text for _block, text in profile.notes] == ["Lokal mat fra gården"]
        mine = PartnersService(store, reader, orgs["gard"])
        assert not _by_name(mine.suggestions(lang="en"))["Fjellguidene"].named
    # Shared with the cluster, the same entries and note count.
    store.save_sdg(who["gard"], orgs["gard"], [SdgEntry(target="8.9", relevance=3, impact=2)],
                   store.sdg(who["gard"], orgs["gard"])[1].number)
    doc, rev = store.canvas(who["gard"], orgs["gard"], "business_model")
    store.save_canvas(who["gard"], orgs["gard"], "business_model",
                      [n.model_copy(update={"visibility": "cluster"}) for n in doc.notes], rev.number)
    service = PartnersService(store, who["fjell"], orgs["fjell"])
    assert _by_name(service.suggestions(lang="en"))["Gardsbutikken"].parts["sdg"] == pytest.approx(1.0)
    assert service.profile(orgs["gard"]).goals == (8,)
    page = PartnersPage(service)
    page.lang = "en"
    page._list.children[0].children[1].click()
    assert "<p><b>Sustainable Development Goals</b>: 8 Decent work" in page._list.children[0].children[2].value
    assert _by_name(PartnersService(store, who["gard"], orgs["gard"]).suggestions(lang="en"))["Fjellguidene"].named


def test_a_member_without_coordinates_is_ranked_with_what_exists_and_told(store, members):
    orgs, who = members["orgs"], members["who"]
    stuga = PartnersService(store, who["stuga"], orgs["stuga"])
    assert any("no coordinates" in m for m in stuga.missing("en"))
    assert any("no offers" in m for m in stuga.missing("en"))
    ranked = stuga.suggestions(lang="en")
    assert {s.name for s in ranked} == {"Fjellguidene", "Gardsbutikken"}
    assert all(s.minutes is None and s.parts["nearness"] == 0 for s in ranked)
    assert stuga.suggestions(within_hour=True, lang="en") == []
    fjell = PartnersService(store, who["fjell"], orgs["fjell"])
    near = fjell.suggestions(within_hour=True, lang="en")
    assert [s.name for s in near] == ["Gardsbutikken"] and near[0].minutes < 15
    assert [s.name for s in fjell.suggestions(countries=["SE"], lang="en")] == ["Stugbyn i Åre"]
    assert "coordinates" in _by_name(fjell.suggestions(lang="en"))["Stugbyn i Åre"].missing


def test_the_page_filters_to_within_the_hour_and_opens_a_suggestions_reasons_and_profile(store, members):
    orgs, who = members["orgs"], members["who"]
    page = PartnersPage(PartnersService(store, who["fjell"], orgs["fjell"]))
    page.lang = "en"
    names = [c.children[0].value for c in page._list.children]
    assert len(names) == 2 and "Partners for you" in page._head.value
    page._within.value = True
    cards = page._list.children
    assert len(cards) == 1 and "Gardsbutikken" in cards[0].children[0].value
    cards[0].children[1].click()
    detail = page._list.children[0].children[2].value
    for words in ("They fill your gaps", "Nearness", "within the hour", "What Gardsbutikken shares with the cluster",
                  "Lokal mat fra gården", "Offers"):
        assert words in detail
    assert SECRET_NOTE not in detail
    assert "<p><b>Sustainable Development Goals</b>" not in detail  # its goals are private
    page.lang = "sv"
    assert "De fyller era luckor" in page._list.children[0].children[2].value
    page._country.value = "SE"
    assert page._list.children == () and "inom en timmes bilresa" in page._status.value


def test_names_are_escaped_on_the_page(store, system, members):
    orgs, who = members["orgs"], members["who"]
    current = store.organisation(system, orgs["gard"])
    store.update_organisation(system, current.value.model_copy(update={"name": "Gard <script>x</script>"}),
                              current.version)
    page = PartnersPage(PartnersService(store, who["fjell"], orgs["fjell"]))
    html = "".join(c.children[0].value for c in page._list.children)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_facilitator_sees_the_network_with_the_isolated_and_the_links_that_close_gaps(store, members):
    page = NetworkPage(PartnersService(store, members["who"]["facilitator"]))
    page.lang = "en"
    net = page.picture
    assert len(net.members) == 3 and net.png.startswith(b"\x89PNG")
    assert set(net.isolated) <= {"Fjellguidene", "Gardsbutikken", "Stugbyn i Åre"}
    body = page._body.value
    assert "The partner network" in page._head.value and "data:image/png;base64," in body
    assert "Links that would close gaps" in body and "Members: 3." in body
