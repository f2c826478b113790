"""Private notes and SDG entries stay with their organisation: facilitators, others and research never see them."""

from klynge.model import Note, Package, PackageComponent, SdgEntry

BMC = "business_model"
MARK = "PRIVATMERKE-7731"


def _fill(store, cluster):
    who, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(who, org, BMC, [Note(id="open", block="channels", text="Nettside"),
                                      Note(id="secret", block="cost_structure", text=MARK, visibility="private")],
                      None)
    store.save_sdg(who, org, [SdgEntry(target="8.9", relevance=3, evidence="Miljøfyrtårn"),
                              SdgEntry(target="12.b", relevance=2, impact=-2, evidence=MARK, visibility="private")],
                   None)
    store.save_package(who, org, Package(title=MARK, visibility="private", components=[
        PackageComponent(offer_id=1, organisation_id=org)]), None)
    return org


def _everything_read_by(store, who, org) -> str:
    canvas, _ = store.canvas(who, org, BMC)
    old, _ = store.canvas(who, org, BMC, number=1)
    sdg, _ = store.sdg(who, org)
    return repr((canvas, old, sdg, store.current_documents(who, "canvas"), store.current_documents(who, "sdg"),
                 store.current_documents(who, "package"), store.packages(who)))


def test_facilitators_and_other_members_never_read_private_items(store, cluster):
    org = _fill(store, cluster)
    for reader in ("facilitator", "gard"):
        seen = _everything_read_by(store, cluster["who"][reader], org)
        assert MARK not in seen and "12.b" not in seen, reader
        assert "Nettside" in seen and "8.9" in seen, reader


def test_the_organisation_itself_and_the_system_read_its_private_items(store, cluster, system):
    org = _fill(store, cluster)
    assert MARK in _everything_read_by(store, cluster["who"]["fjell"], org)
    assert MARK in _everything_read_by(store, system, org)


def test_research_tables_never_hold_private_entries(store, cluster, system):
    _fill(store, cluster)
    for who in (cluster["who"]["researcher"], cluster["who"]["facilitator"], system):
        tables = store.research_tables(who)
        assert [row["target"] for row in tables["sdg"]] == ["8.9"]
        assert MARK not in repr(tables)
