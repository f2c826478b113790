"""The facilitator's targets and economics (the cluster's plan) without a browser: a real SQLite store."""

from __future__ import annotations

from decimal import Decimal

import pytest

from klynge.errors import FormProblems
from klynge.model import ClusterPlan
from klynge.widgets.plan_form import PlanForm
from klynge.widgets.plan_service import PlanService, form_values, parse_plan


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the form reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def test_shares_are_typed_in_per_cent_and_empty_figures_are_unknown():
    plan = parse_plan({"companies": "60", "public_support": "12,5", "research": "", "finance": "5",
                       "fee": "9 900", "hours": "", "rate": "", "manager_cost": "950000"})
    assert plan.target_mix == {"companies": Decimal("0.6"), "public_support": Decimal("0.125"),
                               "finance": Decimal("0.05")}
    assert plan.fee == 9900 and plan.hours is None and plan.manager_cost == 950000
    assert parse_plan(form_values(plan)) == plan


def test_bad_figures_are_explained_beside_their_fields_in_the_language_asked_for():
    with pytest.raises(FormProblems) as info:
        parse_plan({"companies": "lots", "fee": "-5"}, "en")
    assert info.value.by_field == {"companies": "Write a number, for example 9900 or 12,5."}
    with pytest.raises(FormProblems) as info:
        parse_plan({"companies": "80", "fee": "-5"}, "en")
    assert list(info.value.by_field) == ["fee"]
    with pytest.raises(FormProblems) as info:
        parse_plan({"companies": "80", "research": "30"}, "nb")
    assert info.value.by_field == {"mix": "Andelene blir til sammen mer enn 100 %."}


def test_a_facilitator_saves_the_plan_the_findings_then_weigh_the_cluster_against(store, cluster):
    form = PlanForm(PlanService(store, cluster["who"]["facilitator"]))
    form.lang = "en"
    assert form.values()["companies"] == "50" and form.values()["fee"] == "9900"
    form._fields["manager_cost"].value = "900 000"
    form._fields["finance"].value = "<b>x</b>"
    form.save()
    assert "Write a number" in form._problems["finance"].value and "&lt;b&gt;" not in form._status.value
    form._fields["finance"].value = "10"
    form.save()
    assert "Saved" in form._status.value
    plan = store.cluster_plan(cluster["who"]["fjell"])
    assert plan.version == 1 and plan.value.manager_cost == 900000
    assert plan.value.target_mix["finance"] == Decimal("0.1")
    other = PlanForm(PlanService(store, cluster["who"]["facilitator"]))
    other.lang = "en"
    form._fields["fee"].value = "12000"
    form.save()
    other._fields["fee"].value = "5000"
    other.save()  # saved from version 1 while the first form saved version 2
    assert "saved the targets in between" in other._status.value and other.values()["fee"] == "5000"
    assert store.cluster_plan(cluster["who"]["fjell"]).value.fee == 12000


def test_a_participant_cannot_change_the_plan(store, cluster):
    form = PlanForm(PlanService(store, cluster["who"]["fjell"]))
    form.lang = "en"
    form.save()
    assert "Only a facilitator" in form._status.value
    assert store.cluster_plan(cluster["who"]["facilitator"]).value == ClusterPlan()


def test_target_municipalities_are_typed_as_names_or_numbers_and_unknown_ones_are_named():
    plan = parse_plan({"companies": "50", "municipalities": "Oppdal, 2321;\ntrondheim, Oppdal"})
    assert plan.target_municipalities == ["5021", "2321", "5001"]
    assert form_values(plan)["municipalities"] == "Oppdal, Åre, Trondheim"
    assert parse_plan(form_values(plan)) == plan
    with pytest.raises(FormProblems) as info:
        parse_plan({"municipalities": "Oppdal, Atlantis"}, "en")
    assert "Atlantis" in info.value.by_field["municipalities"]


def test_the_form_saves_the_target_municipalities(store, cluster):
    form = PlanForm(PlanService(store, cluster["who"]["facilitator"]))
    form._fields["municipalities"].value = "Åre"
    form.save()
    assert store.cluster_plan(cluster["who"]["facilitator"]).value.target_municipalities == ["2321"]
    assert PlanForm(PlanService(store, cluster["who"]["facilitator"])).values()["municipalities"] == "Åre"
