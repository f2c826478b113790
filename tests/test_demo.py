"""The demo cluster: its own consistency, and loading it into a real SQLite database.

The files are read once per module, and loaded once into one database; tests that change a
database work on a copy of it.
"""

from __future__ import annotations

import math
import re
import shutil
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from klynge import reference
from klynge.archive import import_archive
from klynge.canvases import default_registry
from klynge.demo import format_links, load_demo, read_demo
from klynge.errors import DataError, NotEmpty
from klynge.model import CAPACITY_UNIT_OF, OFFER_KINDS, ORGANISATION_KINDS, PRICE_UNITS, Organisation, check_orgnr
from klynge.settings import load_settings
from klynge.store import Identity, open_store

SYSTEM = Identity.system()


@pytest.fixture(scope="module")
def demo():
    return read_demo()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The demo loaded once into a SQLite file: (settings, store, result)."""
    home = tmp_path_factory.mktemp("demo-home")
    settings = load_settings({}, home=str(home))
    store = open_store(settings.db)
    result = load_demo(store, settings, progress=False)
    yield settings, store, result
    store.close()


def _orgs(demo):
    return [f.organisation for f in demo.organisations.values()]


def _km(lat1, lon1, lat2, lon2):
    rad = math.pi / 180
    x = (lon2 - lon1) * rad * math.cos((lat1 + lat2) / 2 * rad)
    return 6371 * math.hypot(x, (lat2 - lat1) * rad)


# -- the files ---------------------------------------------------------------------------------


def test_every_organisation_validates(demo):
    for slug, f in demo.organisations.items():
        again = Organisation.model_validate(f.organisation.model_dump())
        assert again == f.organisation, slug


def test_organisation_mix(demo):
    orgs = _orgs(demo)
    kinds = Counter(o.kind for o in orgs)
    assert len(orgs) >= 60
    assert 0.68 <= kinds["company"] / len(orgs) <= 0.82
    assert set(kinds) == set(ORGANISATION_KINDS)
    assert 1 <= kinds["bank"] + kinds["insurer"] <= 2
    sizes = Counter(o.size for o in orgs if o.kind == "company")
    assert sizes["micro"] > kinds["company"] / 2
    assert sizes["small"] >= 5 and 1 <= sizes["medium"] <= 4
    assert {o.country for o in orgs} == {"NO", "SE"}


def test_organisation_numbers_are_valid_and_unique(demo):
    numbers = [(o.country, o.orgnr) for o in _orgs(demo)]
    for country, number in numbers:
        assert check_orgnr(country, number) == number
    assert len(set(numbers)) == len(numbers)


def test_places_are_real_municipalities_and_coordinates_fall_inside(demo):
    orgs = _orgs(demo)
    codes = {o.municipality for o in orgs}
    assert len({c for c in codes if reference.municipality(c).country == "NO"}) >= 8
    assert len({c for c in codes if reference.municipality(c).country == "SE"}) >= 4
    for o in orgs:
        m = reference.municipality(o.municipality)
        assert m.country == o.country, o.name
        # Swedish mountain municipalities are several times larger than Norwegian ones.
        limit = 60 if o.country == "NO" else 120
        near = min(_km(o.lat, o.lon, m.lat, m.lon), _km(o.lat, o.lon, m.centre_lat, m.centre_lon))
        assert near <= limit, f"{o.name}: {near:.0f} km from {m.name}"


def test_sami_place_names_are_used(demo):
    text = " ".join(f"{o.name} {o.description}" for o in _orgs(demo))
    for code in ("5001", "5007", "5025", "5041", "5043"):
        assert reference.municipality(code).sami_names[0] in text


def test_offers(demo):
    offers = list(demo.offers())
    assert len(offers) >= 150
    assert {o.kind for _, o in offers} == set(OFFER_KINDS)
    trends = Counter(o.trend for _, o in offers)
    assert trends["declining"] >= 5 and trends["growing"] >= 20
    for ref, offer in offers:
        org = demo.organisations[ref.split("/")[0]].organisation
        assert reference.municipality(offer.municipality).country == org.country, ref
        assert offer.price.currency == ("NOK" if org.country == "NO" else "SEK"), ref
        assert offer.months and all(1 <= m <= 12 for m in offer.months), ref
        assert offer.price.amount > 0 and offer.languages, ref


def test_offers_state_units_that_fit_what_they_sell(demo):
    offers = dict(demo.offers())
    assert {o.price_unit for o in offers.values()} == set(PRICE_UNITS)
    for ref, offer in offers.items():
        assert offer.capacity_unit == CAPACITY_UNIT_OF[offer.kind], ref
        if offer.price_unit in ("group", "unit"):
            assert offer.price_guests > 1 or offer.kind == "transport", ref  # a delivery is one unit
    # a cabin for six for a week, a double room a night, a boat for a group of eight, a bed for one
    assert offers["fjallbrasa-stugby/stuga-vecka"].model_dump(include={"price_unit", "price_guests", "price_nights"}) \
        == {"price_unit": "unit", "price_guests": 6, "price_nights": 7}
    assert (offers["hotell-storsjoporten/dubbelrum-frukost"].price_unit,
            offers["hotell-storsjoporten/dubbelrum-frukost"].price_guests) == ("night", 2)
    assert (offers["fosenkysten-sjohytter/havfiske-sjark"].price_unit,
            offers["fosenkysten-sjohytter/havfiske-sjark"].price_guests) == ("group", 8)
    assert (offers["vandreren-herberge/seng-herberge"].price_unit,
            offers["vandreren-herberge/seng-herberge"].price_guests) == ("night", 1)


def test_an_offer_without_its_units_names_the_file_and_the_field(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(read_demo().folder, folder)
    path = folder / "organisations" / "fjellglott-guiding.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["offers"][0]["price_unit"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"fjellglott-guiding\.yaml: field offers\[0\]\.price_unit"):
        read_demo(folder)
    data["offers"][0]["price_unit"] = "person"
    data["offers"][0]["capacity_unit"] = "beds"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"fjellglott-guiding\.yaml: field offers\[0\].*guests"):
        read_demo(folder)


def test_offer_months_follow_each_areas_curve(demo):
    def available(areas, months):
        """Seasonal offers (not open all year) of ``areas`` per month, averaged over ``months``."""
        return sum(m in o.months for _, o in demo.offers() for m in months
                   if len(o.months) <= 9 and reference.area_of(o.municipality) in areas) / len(months)

    # Jämtland, Oppdal and Røros: a ski peak (February, March) and July; lows in May and November.
    winter = {"jamtland", "oppdal", "roros"}
    assert available(winter, [2, 3]) > 1.5 * available(winter, [5, 11])
    assert available(winter, [7]) > 1.5 * available(winter, [5, 11])
    # Everywhere else the peak is the summer.
    summer = {"trondheim", "hitra_froya", "innherred", "namdalen", "fosen", "varnes", "orkdal"}
    assert available(summer, [6, 7, 8]) > 1.3 * available(summer, [12, 1, 2])
    only_low = [ref for ref, o in demo.offers()
                if set(o.months) <= set(reference.low_months(reference.area_of(o.municipality)))]
    assert len(only_low) >= 10


def test_every_company_has_a_business_model_canvas(demo):
    templates = {t: {b.id for b in default_registry().get(t).blocks} for t in
                 ("business_model", "value_proposition", "environmental_layer", "social_layer")}
    seen_templates = Counter()
    notes = []
    for slug, f in demo.organisations.items():
        for template, items in f.canvases.items():
            seen_templates[template] += 1
            assert {n.block for n in items} <= templates[template], slug
            notes += items
        if f.organisation.kind == "company":
            blocks = {n.block for n in f.canvases.get("business_model", [])}
            assert len(blocks) >= 7, f"{slug}: notes in {len(blocks)} blocks"
    assert all(seen_templates[t] >= 2 for t in templates)
    visibility = Counter(n.visibility for n in notes)
    assert visibility["private"] >= 40 and visibility["public"] >= 20
    assert visibility["cluster"] > visibility["private"] + visibility["public"]
    assert sum(bool(n.sdg_targets) for n in notes) >= 20
    assert sum(bool(n.months) for n in notes) >= 40
    for n in notes:
        for code in n.sdg_targets:
            reference.target(code)


def test_notes_are_in_the_members_language(demo):
    for slug, f in demo.organisations.items():
        words = set(re.findall(r"\w+", " ".join(n.text for ns in f.canvases.values() for n in ns).lower()))
        foreign = {"NO": {"och", "inte", "från"}, "SE": {"og", "ikke", "fra"}}[f.organisation.country]
        assert not words & foreign, f"{slug}: {words & foreign}"


def test_sdg_assessments(demo):
    assessed = {slug: f.sdg for slug, f in demo.organisations.items() if f.sdg}
    assert len(assessed) >= 40
    entries = [e for es in assessed.values() for e in es]
    for e in entries:
        reference.target(e.target)
    assert any(e.impact < 0 and e.target == "13.2" for e in entries)
    assert sum(e.impact < 0 for e in entries) >= 10
    assert all(e.evidence for e in entries)


def test_packages(demo):
    offers = dict(demo.offers())
    ready = [p for p in demo.packages if p.status == "ready"]
    assert len(ready) >= 8
    across = 0
    for p in ready:
        members = {c.organisation for c in p.components}
        assert len(members) >= 2 and p.target_segment, p.slug
        countries = {demo.organisations[m].organisation.country for m in members}
        across += countries == {"NO", "SE"}
        for month in p.months:
            areas = {reference.area_of(offers[c.offer].municipality) for c in p.components}
            assert any(month in reference.low_months(a) for a in areas), f"{p.slug}: {month} is high season"
            assert all(month in offers[c.offer].months for c in p.components), f"{p.slug}: {month}"
    assert across >= 2


def test_people(demo):
    emails = [p.email for p in demo.staff]
    for slug, f in demo.organisations.items():
        assert 1 <= len(f.people) <= 3, slug
        emails += [p.email for p in f.people]
    assert all(e.endswith(".example") for e in emails)
    assert len(set(emails)) == len(emails)
    assert Counter(p.role for p in demo.staff) == {"facilitator": 2, "researcher": 1}


def test_a_broken_file_names_the_file_and_the_field(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(read_demo().folder, folder)
    path = folder / "organisations" / "fjellglott-guiding.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["offers"][1]["price"]["currency"] = "EUR"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"fjellglott-guiding\.yaml: field offers\[1\]\.price\.currency"):
        read_demo(folder)
    data["offers"][1]["price"]["currency"] = "NOK"
    data["canvases"]["business_model"][0]["block"] = "partners"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"fjellglott-guiding\.yaml: field canvases\.business_model\[0\]\.block"):
        read_demo(folder)
    settings = load_settings({}, home=str(tmp_path / "home"))
    with open_store(settings.db) as store:
        with pytest.raises(DataError):
            load_demo(store, settings, folder=folder, progress=False)
        assert store.is_empty(SYSTEM)  # a broken demo writes nothing


# -- loading -----------------------------------------------------------------------------------


def test_status_after_loading(loaded):
    _, store, result = loaded
    status = store.status(SYSTEM)
    assert status == result.counts
    assert status["organisations"] >= 60 and status["municipalities"] >= 12 and status["countries"] == 2
    assert status["offers"] >= 150 and status["organisations_with_sdg_assessment"] >= 40
    assert status["packages"] >= 8


def test_documents_are_saved_by_the_first_person(loaded, demo):
    _, store, _ = loaded
    ids = {o.name: o.id for o in store.organisations(SYSTEM)}
    for f in list(demo.organisations.values())[:10]:
        first = store.person_by_email(SYSTEM, f.people[0].email)
        for template in f.canvases:
            _, rev = store.canvas(SYSTEM, ids[f.organisation.name], template)
            assert rev.author_id == first.id and rev.number == 1


def test_package_components_point_at_their_offers(loaded):
    _, store, _ = loaded
    owner = {v.value.id: v.value.organisation_id for v in store.offers(SYSTEM)}
    packages = store.packages(SYSTEM)
    assert len(packages) == len(read_demo().packages)
    for package, _ in packages:
        for c in package.components:
            assert owner[c.offer_id] == c.organisation_id


def test_the_demo_states_its_package_settings_and_which_packages_are_agreed(loaded, demo):
    from klynge.store.packages import agreement

    _, store, _ = loaded
    settings = store.package_settings(SYSTEM)
    assert settings.rates["SEK"] > 0 and settings == demo.package_settings
    states = {}
    for package, rev in store.packages(SYSTEM):
        answers = store.package_answers(SYSTEM, rev.organisation_id, rev.document)
        states[rev.document] = agreement(package, rev.organisation_id, answers)
    expected = {p.slug: set(p.accepted_by) for p in demo.packages}
    assert {slug: len(a.accepted) for slug, a in states.items()} == {s: len(e) for s, e in expected.items()}
    assert sum(a.agreed for a in states.values()) >= 8
    assert any(a.pending for a in states.values())  # one supplier of a ready package has not answered
    assert len(store.agreed_packages(SYSTEM)) == sum(a.agreed for a, p in zip(states.values(), demo.packages)
                                                     if p.status == "ready")


def test_a_supplier_who_supplies_nothing_cannot_have_accepted(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(read_demo().folder, folder)
    path = folder / "packages.yaml"
    path.write_text(path.read_text().replace("accepted_by: [kjerringa-gardsmat", "accepted_by: [ingen-her", 1))
    with pytest.raises(DataError, match="ingen-her.*supplies no part"):
        read_demo(folder)


def test_every_link_signs_in_as_the_role_it_names(loaded):
    settings, store, result = loaded
    lines = format_links(result).splitlines()
    assert len(lines) == len(result.links) >= 4
    seen = Counter()
    for (role, link), line in zip(result.links, lines):
        assert line == f"{role}: {link}"
        key = parse_qs(urlparse(link).query)["key"][0]
        who = store.check_key(key, settings.server_secret())
        assert role.startswith(f"{who.role} (")
        if who.role == "participant":
            org = store.organisation(SYSTEM, who.organisation_id).value
            assert role == f"participant ({org.name}, {reference.municipality(org.municipality).name})"
            seen[org.country] += 1
        else:
            assert who.organisation_id is None and who.name in role
        seen[who.role] += 1
    assert seen["NO"] and seen["SE"] and seen["facilitator"] and seen["researcher"]


def test_a_second_load_needs_replace_and_then_keeps_a_backup(loaded, tmp_path):
    _, store, result = loaded
    settings = load_settings({}, home=str(tmp_path / "home"), db=str(tmp_path / "copy.db"))
    with open_store(settings.db) as other:  # a copy, so the shared database stays put
        import_archive(other, store.backup(SYSTEM, tmp_path / "copy"))
        with pytest.raises(NotEmpty):
            load_demo(other, settings, progress=False)
        again = load_demo(other, settings, replace=True, progress=False)
        assert again.backup is not None and again.backup.parent == settings.home_path / "backups"
        assert again.backup.exists()
        assert again.counts == result.counts
    with open_store(f"sqlite:///{tmp_path / 'old.db'}") as old:  # the backup is an archive that restores
        import_archive(old, again.backup)
        assert old.status(SYSTEM) == result.counts
