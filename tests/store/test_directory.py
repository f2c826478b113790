import pytest

from klynge.archive import import_archive
from klynge.errors import Conflict, NotEmpty, ValidationError
from klynge.model import Money, Offer, Organisation
from klynge.store import bulk


def offer(org, **kw):
    data = dict(organisation_id=org, title="Kajakktur", kind="activity", municipality="5014", months=[9, 10],
                capacity_per_day=12, price=Money(amount="790", currency="NOK"))
    return Offer(**{**data, **kw})


def test_organisation_update_keeps_history_and_refuses_stale_saves(store, cluster):
    kari, org_id = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    current = store.organisation(kari, org_id)
    v2 = store.update_organisation(kari, current.value.model_copy(update={"needs": "Bank"}), current.version)
    assert v2 == current.version + 1
    with pytest.raises(Conflict) as info:
        store.update_organisation(kari, current.value.model_copy(update={"needs": "Kunder"}), current.version)
    assert "Fjell Person" in str(info.value)
    assert store.organisation(kari, org_id).value.needs == "Bank"
    assert store.organisation(kari, org_id).value.subclusters == ["winter"]
    versions = store.row_versions(kari, "organisation", org_id)
    assert [v.version for v in versions] == [1] and versions[0].value["needs"] == ""


def test_duplicate_organisation_numbers_are_refused(store, cluster, system):
    with pytest.raises(ValidationError):
        store.add_organisation(system, Organisation(name="Kopi", country="NO", orgnr="974760673",
                                                    municipality="5001"), cluster["id"])
    with pytest.raises(ValidationError):
        store.add_organisation(system, Organisation(name="Ukjent", country="NO", orgnr="984851006",
                                                    municipality="5001", subclusters=["nope"]), cluster["id"])


@pytest.mark.parametrize("copy", ["９７４７６０６７３", "٩٧٤٧٦٠٦٧٣", "۹۷۴۷۶۰۶۷۳", "９７４ ７６０ ６７３"])
def test_a_copy_of_a_registered_number_in_other_digits_is_refused(store, cluster, system, copy):
    kari, gard = cluster["who"]["gard"], cluster["orgs"]["gard"]
    with pytest.raises(ValidationError, match="974760673 is already registered for Fjellguidene"):
        store.add_organisation(system, Organisation(name="Kopi", country="NO", orgnr=copy, municipality="５００１"),
                               cluster["id"])
    current = store.organisation(kari, gard)
    with pytest.raises(ValidationError, match="974760673 is already registered for Fjellguidene"):
        store.update_organisation(kari, Organisation.model_validate(
            {**current.value.model_dump(), "orgnr": copy}), current.version)
    assert [o.orgnr for o in store.organisations(system)] == ["974760673", "923609016", "556016-0680"]


def test_offers_add_edit_remove_with_versions(store, cluster):
    kari, org_id = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    oid = store.add_offer(kari, offer(org_id))
    (live,) = store.offers(kari, org_id)
    assert live.value.id == oid and live.value.price.amount == 790
    v2 = store.update_offer(kari, live.value.model_copy(update={"capacity_per_day": 20}), live.version)
    with pytest.raises(Conflict):
        store.update_offer(kari, live.value.model_copy(update={"capacity_per_day": 30}), live.version)
    store.remove_offer(kari, oid, v2)
    assert store.offers(kari, org_id) == []
    history = store.row_versions(kari, "offer", oid)
    assert [h.value["capacity_per_day"] for h in history] == [12, 20]


def test_cluster_and_status(store, cluster, system):
    assert [s.slug for s in store.cluster(cluster["who"]["gard"]).subclusters] == ["food", "winter"]
    store.add_offer(cluster["who"]["stuga"], offer(cluster["orgs"]["stuga"], municipality="2321",
                                                  price=Money(amount="1200", currency="SEK")))
    status = store.status(system)
    assert status["organisations"] == 3 and status["countries"] == 2 and status["municipalities"] == 3
    assert status["offers"] == 1 and status["people"] == 5 and status["schema_version"] == "0015"


def test_a_full_database_is_not_cleared_without_replace(store, cluster, system, tmp_path):
    with pytest.raises(NotEmpty):
        store.clear(system, replace=False)
    before = bulk.dump(store, system)
    backup = store.clear(system, replace=True, backup_folder=tmp_path / "backups")
    assert store.is_empty(system)
    # The backup is an archive that gives back exactly what was cleared.
    import_archive(store, backup)
    assert bulk.dump(store, system) == before
