import pytest

from klynge.errors import AccessDenied
from klynge.model import Money, Note, Offer, Organisation, Person
from klynge.store import Identity

BMC = "business_model"


@pytest.fixture
def canvas(store, cluster):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(kari, org, BMC, [
        Note(id="open", block="key_partners", text="Turistkontoret"),
        Note(id="secret", block="cost_structure", text="Netto 540 kr", visibility="private"),
        Note(id="pub", block="channels", text="Nettside", visibility="public")], None)
    return org


def texts(doc):
    return {n.id for n in doc.notes}


def test_owner_sees_all_notes(store, cluster, canvas):
    doc, _ = store.canvas(cluster["who"]["fjell"], canvas, BMC)
    assert texts(doc) == {"open", "secret", "pub"}


def test_other_participant_sees_only_shared_notes(store, cluster, canvas):
    other = cluster["who"]["gard"]
    doc, _ = store.canvas(other, canvas, BMC)
    assert texts(doc) == {"open", "pub"}
    old, _ = store.canvas(other, canvas, BMC, number=1)
    assert "secret" not in texts(old)
    assert all("secret" not in r.items for r in store.current_documents(other, "canvas"))


def test_participant_cannot_write_another_organisation(store, cluster, canvas):
    other = cluster["who"]["gard"]
    with pytest.raises(AccessDenied):
        store.save_canvas(other, canvas, BMC, [Note(id="x", block="channels", text="hijack")], 1)
    with pytest.raises(AccessDenied):
        store.restore(other, "canvas", canvas, BMC, 1)
    with pytest.raises(AccessDenied):
        store.add_offer(other, Offer(organisation_id=canvas, title="x", kind="meal", municipality="5021",
                                     months=[1], capacity_per_day=1, price=Money(amount=1, currency="NOK")))
    org = store.organisation(other, canvas)
    with pytest.raises(AccessDenied):
        store.update_organisation(other, org.value.model_copy(update={"name": "Mine now"}), org.version)


def test_forged_identity_of_another_cluster_is_refused(store, cluster, canvas):
    stranger = Identity(person_id=999, role="participant", organisation_id=999, cluster_id=cluster["id"] + 1)
    with pytest.raises(AccessDenied):
        store.canvas(stranger, canvas, BMC)


def test_facilitator_reads_all_but_private_notes_and_does_not_write_documents(store, cluster, canvas):
    fac = cluster["who"]["facilitator"]
    doc, _ = store.canvas(fac, canvas, BMC)
    assert texts(doc) == {"open", "pub"}
    assert len(store.people(fac)) == 5
    with pytest.raises(AccessDenied):
        store.save_canvas(fac, canvas, BMC, [], 1)
    new = store.add_organisation(fac, Organisation(name="Ny", country="NO", orgnr="984851006",
                                                   municipality="5001"), cluster["id"])
    store.add_person(fac, Person(name="Ny Person", email="ny@example.no", organisation_id=new), cluster["id"])


def test_researcher_reads_only_research_views(store, cluster, canvas):
    res = cluster["who"]["researcher"]
    for call in (lambda: store.canvas(res, canvas, BMC), lambda: store.organisations(res),
                 lambda: store.offers(res), lambda: store.people(res), lambda: store.packages(res),
                 lambda: store.person(res, 1), lambda: store.history(res, "canvas", canvas, BMC)):
        with pytest.raises(AccessDenied):
            call()
    tables = store.research_tables(res)
    flat = repr(tables)
    assert len(tables["organisations"]) == 3
    for secret in ("Fjellguidene", "974760673", "@", "Turistkontoret", "Person"):
        assert secret not in flat


def test_participants_may_not_see_people_of_other_organisations_or_research(store, cluster):
    kari = cluster["who"]["fjell"]
    assert {p.email for p in store.people(kari)} == {"fjell@example.no"}
    with pytest.raises(AccessDenied):
        store.research_tables(kari)
    with pytest.raises(AccessDenied):
        store.person(kari, cluster["who"]["gard"].person_id)
    with pytest.raises(AccessDenied):
        store.add_person(kari, Person(name="X", email="x@example.no", organisation_id=1), cluster["id"])
