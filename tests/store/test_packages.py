"""Suppliers' answers to packages, agreement, the parts' offers, and packages merging like canvases."""

import pydantic
import pytest

from klynge.errors import AccessDenied, Conflict, NotFound, ValidationError
from klynge.model import Money, Offer, Package, PackageAnswer, PackageComponent
from klynge.store.packages import agreement


def _offer(title, kind, months=(10, 11, 1)):
    return Offer(title=title, kind=kind, municipality="5021", months=list(months), capacity_per_day=12,
                 price=Money(amount=450, currency="NOK"))


@pytest.fixture
def package(store, cluster):
    """A package of fjell with parts of fjell, gard and stuga; returns (name, revision number, offer ids)."""
    who, orgs = cluster["who"], cluster["orgs"]
    ids = {k: store.add_offer(who[k], _offer(f"Offer of {k}", kind))
           for k, kind in (("fjell", "activity"), ("gard", "meal"), ("stuga", "accommodation"))}
    pkg = Package(title="Høst på fjellet", months=[10, 11], components=[
        PackageComponent(offer_id=ids[k], organisation_id=orgs[k], day=d)
        for d, k in enumerate(("fjell", "gard", "stuga"), start=1)])
    rev = store.save_package(who["fjell"], orgs["fjell"], pkg, None)
    return rev.document, rev.number, ids


def _answer(cluster, name, state="accepted", reason="", revision=1):
    return PackageAnswer(owner_id=cluster["orgs"]["fjell"], package=name, state=state, reason=reason,
                         revision=revision)


def test_suppliers_accept_and_the_package_is_agreed_when_all_have(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, number, _ids = package
    pkg, _ = store.package(who["fjell"], orgs["fjell"], name)
    state = agreement(pkg, orgs["fjell"], store.package_answers(who["fjell"], orgs["fjell"], name))
    assert state.pending == (orgs["gard"], orgs["stuga"]) and not state.agreed

    store.answer_package(who["gard"], orgs["gard"], _answer(cluster, name))
    answers = store.package_answers(who["stuga"], orgs["fjell"], name)
    assert set(answers) == {orgs["gard"]} and answers[orgs["gard"]].state == "accepted"
    assert not agreement(pkg, orgs["fjell"], answers).agreed

    store.answer_package(who["stuga"], orgs["stuga"], _answer(cluster, name))
    state = agreement(pkg, orgs["fjell"], store.package_answers(who["fjell"], orgs["fjell"], name))
    assert state.agreed and state.pending == () and set(state.accepted) == {orgs["gard"], orgs["stuga"]}
    # The answer is a document of the supplier's own, with a history.
    history = store.history(who["gard"], "answer", orgs["gard"], f"{orgs['fjell']}-{name}")
    assert [h.author for h in history] == ["Gard Person"]


def test_a_withdrawal_says_why_and_a_later_accept_may_follow(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, _number, _ids = package
    store.answer_package(who["stuga"], orgs["stuga"], _answer(cluster, name))
    store.answer_package(who["gard"], orgs["gard"], _answer(cluster, name, "withdrawn", "Stengt i november"))
    pkg, _ = store.package(who["fjell"], orgs["fjell"], name)
    state = agreement(pkg, orgs["fjell"], store.package_answers(who["fjell"], orgs["fjell"], name))
    assert not state.agreed and state.withdrawn[orgs["gard"]].reason == "Stengt i november"
    store.answer_package(who["gard"], orgs["gard"], _answer(cluster, name))
    assert agreement(pkg, orgs["fjell"], store.package_answers(who["fjell"], orgs["fjell"], name)).agreed
    assert len(store.history(who["gard"], "answer", orgs["gard"], f"{orgs['fjell']}-{name}")) == 2


def test_a_withdrawal_without_a_reason_is_refused(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, _number, _ids = package
    with pytest.raises(pydantic.ValidationError):
        _answer(cluster, name, "withdrawn", "   ")
    sneaked = PackageAnswer.model_construct(owner_id=orgs["fjell"], package=name, state="withdrawn", reason="",
                                            revision=1)
    with pytest.raises(ValidationError, match="why"):
        store.answer_package(who["gard"], orgs["gard"], sneaked)
    assert store.package_answers(who["fjell"], orgs["fjell"], name) == {}


def test_only_a_supplier_answers_and_only_for_its_own_organisation(store, cluster, package, system):
    who, orgs = cluster["who"], cluster["orgs"]
    name, _number, _ids = package
    # The owner agrees by saving; it does not answer its own package.
    with pytest.raises(AccessDenied, match="own organisation does not answer"):
        store.answer_package(who["fjell"], orgs["fjell"], _answer(cluster, name))
    # A supplier writes only its own answer, never another supplier's.
    with pytest.raises(AccessDenied):
        store.answer_package(who["gard"], orgs["stuga"], _answer(cluster, name))
    # Facilitators and researchers write no member's documents.
    for role in ("facilitator", "researcher"):
        with pytest.raises(AccessDenied):
            store.answer_package(who[role], orgs["gard"], _answer(cluster, name))
    # An organisation with no part in the package is refused.
    pkg, rev = store.package(who["fjell"], orgs["fjell"], name)
    store.save_package(who["fjell"], orgs["fjell"], pkg.model_copy(update={"components": pkg.components[:2]}),
                       rev.number, name=name)
    with pytest.raises(AccessDenied, match="no part"):
        store.answer_package(who["stuga"], orgs["stuga"], _answer(cluster, name))
    # An answer to a revision the package does not have, or to a package that does not exist.
    with pytest.raises(ValidationError, match="no revision 9"):
        store.answer_package(who["gard"], orgs["gard"], _answer(cluster, name, revision=9))
    with pytest.raises(NotFound):
        store.answer_package(who["gard"], orgs["gard"], _answer(cluster, "nosuchpackage"))


def test_a_supplier_dropped_from_the_package_no_longer_counts(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, _number, _ids = package
    store.answer_package(who["stuga"], orgs["stuga"], _answer(cluster, name, "withdrawn", "Fullt"))
    store.answer_package(who["gard"], orgs["gard"], _answer(cluster, name))
    pkg, rev = store.package(who["fjell"], orgs["fjell"], name)
    smaller = pkg.model_copy(update={"components": pkg.components[:2]})
    store.save_package(who["fjell"], orgs["fjell"], smaller, rev.number, name=name)
    answers = store.package_answers(who["fjell"], orgs["fjell"], name)
    assert set(answers) == {orgs["gard"]}
    assert agreement(smaller, orgs["fjell"], answers).agreed


def test_private_packages_and_their_answers_are_seen_by_owner_and_suppliers_only(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, _number, _ids = package
    pkg, rev = store.package(who["fjell"], orgs["fjell"], name)
    two = pkg.model_copy(update={"components": pkg.components[:2], "visibility": "private"})
    store.save_package(who["fjell"], orgs["fjell"], two, rev.number, name=name)
    store.answer_package(who["gard"], orgs["gard"], _answer(cluster, name, "withdrawn", "Hemmelig grunn"))
    assert [p.title for p, _ in store.packages_for(who["gard"], orgs["gard"])] == [pkg.title]
    assert store.package_answers(who["gard"], orgs["fjell"], name)[orgs["gard"]].reason == "Hemmelig grunn"
    for outsider in ("stuga", "facilitator"):
        assert store.packages_for(who[outsider], orgs["fjell"]) == []
        with pytest.raises(NotFound):
            store.package_answers(who[outsider], orgs["fjell"], name)
        with pytest.raises(NotFound):
            store.package_offers(who[outsider], orgs["fjell"], name)
    # Nor does the answer leak through the generic listing of documents.
    assert all(not r.items for r in store.current_documents(who["stuga"], "answer"))
    with pytest.raises(AccessDenied):
        store.package_answers(who["researcher"], orgs["fjell"], name)


def test_packages_for_lists_what_an_organisation_owns_or_supplies(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, _number, _ids = package
    store.save_package(who["gard"], orgs["gard"], Package(title="Gardens egen", components=[
        PackageComponent(offer_id=1, organisation_id=orgs["gard"])]), None)
    assert sorted(p.title for p, _ in store.packages_for(who["gard"], orgs["gard"])) == ["Gardens egen",
                                                                                         "Høst på fjellet"]
    assert [r.document for _, r in store.packages_for(who["stuga"], orgs["stuga"])] == [name]
    assert [p.title for p, _ in store.packages_for(who["facilitator"], orgs["fjell"])] == ["Høst på fjellet"]


def test_a_deleted_offer_shows_as_gone_not_dropped(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, _number, ids = package
    version = next(o.version for o in store.offers(who["gard"], orgs["gard"]) if o.value.id == ids["gard"])
    store.remove_offer(who["gard"], ids["gard"], version)
    parts = store.package_offers(who["stuga"], orgs["fjell"], name)
    assert set(parts.offers) == set(ids.values())
    assert parts.offers[ids["gard"]] is None and parts.removed[ids["gard"]].title == "Offer of gard"
    assert parts.offers[ids["fjell"]].title == "Offer of fjell"
    pkg, _ = store.package(who["fjell"], orgs["fjell"], name)
    assert len(pkg.components) == 3  # the package keeps the part


def test_package_edits_merge_field_by_field_and_clash_on_the_same_field(store, cluster, package):
    who, orgs = cluster["who"], cluster["orgs"]
    name, base, _ids = package
    pkg, _ = store.package(who["fjell"], orgs["fjell"], name)
    store.save_package(who["fjell"], orgs["fjell"], pkg.model_copy(update={"title": "Høst i fjellet"}), base,
                       name=name)
    merged = store.save_package(who["fjell"], orgs["fjell"], pkg.model_copy(update={"months": [9, 10]}), base,
                                name=name)
    assert merged.merged and merged.number == 3
    now, _ = store.package(who["fjell"], orgs["fjell"], name)
    assert (now.title, now.months) == ("Høst i fjellet", [9, 10])
    with pytest.raises(Conflict) as info:
        store.save_package(who["fjell"], orgs["fjell"], pkg.model_copy(update={"title": "Vinter"}), base, name=name)
    assert [c.item_id for c in info.value.clashes] == ["title"] and info.value.head == 3
    restored = store.restore(who["fjell"], "package", orgs["fjell"], name, 1)
    old, _ = store.package(who["fjell"], orgs["fjell"], name)
    assert restored.number == 4 and old.title == "Høst på fjellet"
    # A supplier reads the package but does not save it.
    with pytest.raises(AccessDenied):
        store.save_package(who["gard"], orgs["fjell"], pkg, 4, name=name)
