"""The package studio without a browser: a real SQLite store, its access rules, and the page's buttons.

Fjellguidene (Oppdal) puts a package together from its own activity, Gardsbutikken's meal and
Stugbyn i Åre's cabins; the cabins are closed in November. Gardsbutikken and Stugbyn answer.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from klynge.errors import FormProblems
from klynge.i18n import t
from klynge.model import Money, Offer, Package, PackageComponent
from klynge.widgets.packages_page import PackagesPage
from klynge.widgets.packages_service import PackagesService


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the service reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _offer(title: str, kind: str, months: list[int], municipality: str, capacity: int = 10) -> Offer:
    return Offer(title=title, kind=kind, municipality=municipality, months=months, capacity_per_day=capacity,
                 price=Money(amount=Decimal("100"), currency="NOK"))


@pytest.fixture
def offers(store, cluster):
    who = cluster["who"]
    return {"tour": store.add_offer(who["fjell"], _offer("Høsttur", "activity", [9, 10, 11], "5021", 12)),
            "meal": store.add_offer(who["gard"], _offer("Gardsmiddag", "meal", [9, 10, 11, 12], "5014", 30)),
            "cabin": store.add_offer(who["stuga"], _offer("Fjällstuga", "accommodation", [9, 10, 12], "2321", 8))}


def _service(store, cluster, org):
    return PackagesService(store, cluster["who"][org], cluster["orgs"][org])


def _parts(cluster, offers):
    orgs = cluster["orgs"]
    return [{"offer_id": offers["tour"], "organisation_id": orgs["fjell"], "day": 1, "mode": "car",
             "margin_kind": "commission", "margin_percent": "10"},
            {"offer_id": offers["meal"], "organisation_id": orgs["gard"], "day": 1, "mode": "bus",
             "margin_kind": "net", "margin_percent": "15,5"},
            {"offer_id": offers["cabin"], "organisation_id": orgs["stuga"], "day": 2, "mode": "car",
             "margin_kind": "commission", "margin_percent": "0"}]


def _texts(found):
    return [(c.severity, c.text) for c in found]


def test_the_checks_explain_a_closed_month_the_capacity_and_a_lone_supplier(store, cluster, offers):
    svc = _service(store, cluster, "fjell")
    package = svc.build({"title": "Høst", "months": [10, 11], "guests": 10}, _parts(cluster, offers), "en")
    assert package.components[1].margin_percent == Decimal("15.5")
    parts = {p.id: p for p in svc.offers()}
    found = _texts(svc.check(package, parts, "en"))
    assert found[0] == ("error", t("package_check.closed", "en", part="Fjällstuga", number=3,
                                   month=t("board.month.11", "en")))
    assert ("error", t("package_check.capacity_below_party", "en", part="Fjällstuga", capacity=8, guests=10)) in found
    assert ("info", t("package_check.capacity", "en", capacity=8, part="Fjällstuga")) in found
    both = ", ".join(t(f"board.month.{m}", "en") for m in (9, 10))  # the months every part is open
    assert ("info", t("package_check.months_open", "en", months=both)) in found
    assert [s for s, _text in found] == sorted((s for s, _text in found), key=["error", "warning", "info"].index)
    alone = svc.build({"title": "Alene", "months": [10]}, _parts(cluster, offers)[:1], "en")
    found = _texts(svc.check(alone, parts, "en"))
    assert ("error", t("package_check.one_supplier", "en", n=1)) in found


def test_form_problems_are_said_by_their_field(store, cluster, offers):
    svc = _service(store, cluster, "fjell")
    parts = _parts(cluster, offers)
    parts[1]["margin_percent"] = "-5"
    parts[2]["day"] = 4
    with pytest.raises(FormProblems) as info:
        svc.build({"title": "", "months": [10], "days": 3}, parts, "en")
    by = info.value.by_field
    assert set(by) == {"title", "parts"}
    assert t("packages.problem.margin_negative", "en", n=2) in by["parts"]
    parts[1]["margin_percent"] = "many"
    with pytest.raises(FormProblems) as info:
        svc.build({"title": "Høst", "months": [10], "days": 3}, parts, "en")
    assert info.value.by_field["parts"] == "; ".join([t("packages.problem.margin_number", "en", n=2),
                                                      t("error.klynge_package_day", "en")])
    with pytest.raises(FormProblems) as info:
        svc.build({"title": "Alene", "months": [10], "status": "ready"}, _parts(cluster, offers)[:1], "en")
    assert info.value.by_field == {"parts": t("error.klynge_package_joint", "en")}
    with pytest.raises(FormProblems) as info:
        svc.answer(cluster["orgs"]["fjell"], "x", 1, accept=False, reason=" ", lang="nb")
    assert info.value.by_field == {"reason": t("error.klynge_withdraw_reason", "nb")}


def test_the_offers_filter_by_kind_place_month_and_words(store, cluster, offers):
    svc = _service(store, cluster, "gard")
    assert [p.offer.title for p in svc.offers()][0] == "Gardsmiddag"  # mine first
    assert [p.offer.title for p in svc.offers(kind="accommodation")] == ["Fjällstuga"]
    assert [p.offer.title for p in svc.offers(municipality="5021")] == ["Høsttur"]
    assert sorted(p.offer.title for p in svc.offers(month=12)) == ["Fjällstuga", "Gardsmiddag"]
    assert [p.offer.title for p in svc.offers(text="stugbyn")] == ["Fjällstuga"]
    assert ("Åre", "2321") in svc.places()


def test_a_deleted_offer_is_a_part_that_is_gone(store, cluster, offers):
    fjell = _service(store, cluster, "fjell")
    package = fjell.build({"title": "Høst", "months": [10]}, _parts(cluster, offers), "en")
    rev = fjell.save(package, None)
    gard_who, gard = cluster["who"]["gard"], cluster["orgs"]["gard"]
    version = next(o.version for o in store.offers(gard_who, gard) if o.value.id == offers["meal"])
    store.remove_offer(gard_who, offers["meal"], version)
    opened = fjell.open(cluster["orgs"]["fjell"], rev.document)
    assert opened.parts[offers["meal"]].gone and len(opened.row.package.components) == 3
    found = _texts(fjell.check(opened.row.package, opened.parts, "en"))
    assert ("error", t("package_check.gone", "en", number=2, offer=offers["meal"])) in found


def _click(page, css: str):
    """Click the first enabled button of class ``css`` anywhere in the page."""
    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    for widget in walk(page):
        if css in widget._dom_classes and not widget.disabled:
            widget.click()
            return widget
    raise AssertionError(f"no enabled {css}")


def test_a_member_composes_a_package_and_its_suppliers_accept_or_withdraw(store, cluster, offers):
    page = PackagesPage(_service(store, cluster, "fjell"), lang="en")
    page._new.click()
    assert page._studio.layout.display == ""
    page._title.value = "Høst på fjellet"
    page._months[10].value = page._months[11].value = True
    for title in ("Høsttur", "Gardsmiddag", "Fjällstuga"):
        page._search.value = title
        _click(page._found, "klynge-packages-add")
    assert [p["offer_id"] for p in page._parts] == [offers["tour"], offers["meal"], offers["cabin"]]
    closed = t("package_check.closed", "en", part="Fjällstuga", number=3, month=t("board.month.11", "en"))
    assert closed in page._checks.value
    _click(page._parts_box, "klynge-packages-up")  # the first part's is disabled: this is the second part's
    assert [p["offer_id"] for p in page._parts][:2] == [offers["meal"], offers["tour"]]
    page._months[11].value = False
    assert closed not in page._checks.value and "klynge-check-error" not in page._checks.value
    page._save.click()
    assert t("packages.saved", "en", n=1) in page._status.value
    name = page._opened.row.name
    assert "Waiting for an answer from Gardsbutikken, Stugbyn i Åre" in page._agreement.value

    # The texts for booking channels (four languages) and the poster, as the package stands.
    sent = []
    page._download.send = lambda content, buffers=None: sent.append((content, buffers))
    page._files["texts"].click()
    page._files["pdf"].click()
    assert [m["filename"] for m, _b in sent] == ["host-pa-fjellet-texts.zip", "host-pa-fjellet-en.pdf"]
    with zipfile.ZipFile(io.BytesIO(sent[0][1][0])) as archive:
        assert sorted(archive.namelist()) == [f"host-pa-fjellet-{x}.txt" for x in ("de", "en", "nb", "sv")]
        assert "Gardsmiddag" in archive.read("host-pa-fjellet-nb.txt").decode()
    assert sent[1][1][0].startswith(b"%PDF")
    assert t("packages.made", "en", file="host-pa-fjellet-en.pdf") in page._status.value

    # Gardsbutikken reads it in its own app and accepts; Stugbyn withdraws, first without a reason.
    gard = PackagesPage(_service(store, cluster, "gard"), lang="en")
    assert "Høst på fjellet" in gard._lists.children[3].children[0].value
    _click(gard._lists, "klynge-packages-open")
    assert gard._reader.layout.display == "" and "Høsttur" in gard._read_body.value
    gard._accept.click()
    assert t("packages.accepted", "en") in gard._read_status.value
    stuga = PackagesPage(_service(store, cluster, "stuga"), lang="en")
    _click(stuga._lists, "klynge-packages-open")
    stuga._withdraw.click()
    assert t("error.klynge_withdraw_reason", "en") in stuga._reason_field.error.value
    stuga._reason.value = "Fullt i oktober"
    stuga._withdraw.click()
    assert "Stugbyn i Åre withdrew: Fullt i oktober" in stuga._read_agreement.value

    page.refresh()
    card = page._lists.children[1].children[0].value
    assert "Accepted by Gardsbutikken." in card and "Stugbyn i Åre withdrew: Fullt i oktober" in card
    stuga._accept.click()
    page.refresh()
    assert t("packages.agreed", "en") in page._lists.children[1].children[0].value
    # A later change keeps the answers (they still count), and the supplier reads that it changed.
    page._months[9].value = True
    page._save.click()
    gard.refresh()
    assert t("packages.changed_since", "en", answered=1, now=2) in gard._read_status.value
    assert store.package_answers(cluster["who"]["fjell"], cluster["orgs"]["fjell"], name)


def test_a_save_over_someone_elses_change_to_the_same_field_is_said_in_words(store, cluster, offers, add_colleague):
    orgs = cluster["orgs"]
    fjell = _service(store, cluster, "fjell")
    rev = fjell.save(Package(title="Høst", months=[10], components=[
        PackageComponent(offer_id=offers["tour"], organisation_id=orgs["fjell"]),
        PackageComponent(offer_id=offers["meal"], organisation_id=orgs["gard"])]), None)
    page = PackagesPage(fjell, lang="en")
    _click(page._lists, "klynge-packages-open")
    colleague = add_colleague("fjell", "Ola Fjell", "ola@example.no")
    other = PackagesService(store, colleague, orgs["fjell"])
    other.save(Package(title="Vinter", months=[10], components=[
        PackageComponent(offer_id=offers["tour"], organisation_id=orgs["fjell"]),
        PackageComponent(offer_id=offers["meal"], organisation_id=orgs["gard"])]), rev.number, rev.document)
    page._title.value = "Høstferie"
    page._save.click()
    assert t("packages.conflict", "en", who="Ola Fjell", fields="Title") in page._status.value
    assert page._conflict.layout.display == "" and page._title.value == "Høstferie"
    page._keep.click()
    assert store.package(cluster["who"]["fjell"], orgs["fjell"], rev.document)[0].title == "Høstferie"
    # The history restores the first revision, as a new one.
    page._revisions.value = 1
    page._restore.click()
    assert page._title.value == "Høst" and page._base == 4


def test_the_optimisers_idea_becomes_a_draft_with_one_click(store, cluster, offers):
    orgs, who = cluster["orgs"], cluster["who"]
    near = store.add_offer(who["gard"], _offer("Gardsmat i Oppdal", "meal", [10, 11], "5021", 20))
    page = PackagesPage(_service(store, cluster, "fjell"), lang="en")
    page._new.click()
    page._months[10].value = True
    page._suggest.click()
    drafts = [c for c in page._ideas.children if isinstance(c, type(page._ideas))]
    assert drafts, page._ideas_status.value
    assert "Idea 1" in drafts[0].children[0].value
    drafts[0].children[1].click()
    chosen = [p["offer_id"] for p in page._parts]
    assert {offers["tour"], near} <= set(chosen) and page._opened is None
    assert t("packages.drafted", "en") in page._status.value
    page._save.click()
    assert t("packages.saved", "en", n=1) in page._status.value
    assert [p.title for p, _ in store.packages_for(who["fjell"], orgs["fjell"])] == [page._title.value]


def test_no_idea_names_the_limit_that_makes_every_package_impossible(store, cluster, offers):
    store.add_offer(cluster["who"]["gard"], _offer("Gardsmat i Oppdal", "meal", [10, 11], "5021", 20))
    page = PackagesPage(_service(store, cluster, "fjell"), lang="en")
    page._new.click()
    page._months[3].value = True  # nothing is open in March: the months are the limit
    page._suggest.click()
    assert list(page._ideas.children) == []
    assert "klynge-message" in page._ideas_status.value and "Choose fewer months" in page._ideas_status.value
