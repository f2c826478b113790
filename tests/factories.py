"""Made-up data for tests and benchmarks: valid organisation numbers that belong to no one, and concepts at a stage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

_NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def fictional_orgnr(country: str, n: int, *, start: int, step: int) -> str:
    """The n-th valid organisation number of a series: ``start + n * step``, then its check digit.

    Norway: 8 digits and a mod-11 check digit (a series skips numbers whose check digit would
    be 10). Sweden: 9 digits and a Luhn check digit. Each caller keeps a series of its own, so
    numbers never clash with the demo's or another test's.
    """
    if country == "NO":
        candidate = start + n * step
        while True:
            digits = f"{candidate:08d}"
            remainder = sum(int(d) * w for d, w in zip(digits, _NO_WEIGHTS)) % 11
            check = 0 if remainder == 0 else 11 - remainder
            if check != 10:
                return digits + str(check)
            candidate += 1
    base = f"{start + n * step:09d}"
    total = 0
    for i, d in enumerate(reversed(base + "0")):
        k = int(d) * (2 if i % 2 else 1)
        total += k - 9 if k > 9 else k
    return base + str((10 - total % 10) % 10)


def concept_at(store, who, title: str, stage: str, partner: int):
    """A concept of ``who``'s organisation, with ``partner`` (another member), moved through the pipeline to
    ``stage`` as its makers would move it: every field each stage needs, one revision a move."""
    from klynge.model.concept import PIPELINE, ConceptBody, Measure, TestPlan, TestResult

    c = store.start_concept(who, ConceptBody(title=title))
    fill = {"concept": {"customer": "Couples from Trondheim", "job": "A weekend without a car",
                        "experience": "A guided walk and a farm dinner", "partners": [partner], "months": [11, 1],
                        "price_from": Decimal(2500), "price_to": Decimal(4200), "sustainability": "By train"},
            "prototype": {"package_owner": who.organisation_id, "package": "vintermat",
                          "plan": TestPlan(what="Will couples pay?", how="Two test weekends", with_whom="Ten couples",
                                           by=date(2027, 2, 1))},
            "tested": {"result": TestResult(testers="Eight couples", worked="The dinner", failed="The bus",
                                            measures=[Measure(name="Bookings", value=Decimal(6))])},
            "launched": {"reason": "Sold out twice"}}
    for step in PIPELINE[1:PIPELINE.index(stage) + 1] if stage != "dropped" else ():
        c = store.promote_concept(who, c.id, c.version, c.body.model_copy(update=fill[step]))
    if stage == "dropped":
        c = store.drop_concept(who, c.id, "Too few guests", c.version)
    return c
