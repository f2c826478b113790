"""A synthetic cluster of any size for the strategy pass, made from the demo with one seeded generator.

:func:`synthetic_input` draws each member from a demo member (its kind, sector, municipality and
so its seasonality area, its themes most of the time) and gives it the demo's own words: customer
segments and key partners drawn from every demo member's shared notes, value propositions from
its model, now and then a key partner that names another synthetic member, its model's offers
with their months moved a little, and its model's SDG entries with relevance and impact moved a
little. Some notes and entries are private or unconfirmed (the input leaves them out). The same
``n`` and ``seed`` give the same input.
"""

from __future__ import annotations

import random

from klynge.model import CanvasDocument, Note, SdgAssessment
from klynge.strategy import StrategyInput, strategy_input

from ..factories import fictional_orgnr
from .conftest import _Member, demo_input

__all__ = ["synthetic_input"]

#: Blocks whose texts are drawn from every demo member, so segments and partners meet across the cluster.
DRAWN = ("customer_segments", "key_partners")


def _months(rng: random.Random, months: list[int]) -> list[int]:
    """The months moved by -1, 0 or +1 (mostly 0), kept within the year."""
    shift = rng.choice((-1, 0, 0, 0, 1))
    return sorted({(m - 1 + shift) % 12 + 1 for m in months}) or [6]


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def synthetic_input(n: int = 2000, seed: int = 14) -> StrategyInput:
    """A cluster of ``n`` members drawn from the demo; the same ``n`` and ``seed`` give the same input."""
    rng = random.Random(seed)
    demo = demo_input()
    models = list(demo.members)
    pool = {block: [note.text for m in models for note in m.notes_in(block)] for block in DRAWN}
    names: list[str] = []
    members = []
    offer_id = 0
    for i in range(1, n + 1):
        model = rng.choice(models)
        source = model.organisation
        name = f"{source.name} {i}"
        names.append(name)
        country = source.country
        series = {"start": 94_000_000, "step": 13} if country == "NO" else {"start": 557_000_000, "step": 9}
        subclusters = list(source.subclusters) if rng.random() > 0.1 else []
        organisation = source.model_copy(update={"id": i, "name": name, "orgnr": fictional_orgnr(country, i, **series),
                                                  "subclusters": subclusters})
        offers = []
        for o in model.offers:
            offer_id += 1
            offers.append(o.model_copy(update={"id": offer_id, "organisation_id": i,
                                               "months": _months(rng, list(o.months))}))
        notes = [Note(id=f"s{k}", block="customer_segments", text=rng.choice(pool["customer_segments"]))
                 for k in range(rng.randint(1, 2))]
        notes += [Note(id=f"p{k}", block="key_partners", text=rng.choice(pool["key_partners"]))
                  for k in range(rng.randint(0, 2))]
        if len(names) > 1 and rng.random() < 0.3:
            notes.append(Note(id="named", block="key_partners", text=f"Samarbeid med {rng.choice(names[:-1])}."))
        notes += [note.model_copy(update={"id": f"v{k}"})
                  for k, note in enumerate(model.notes_in("value_propositions"))]
        notes += [Note(id=f"x{k}", block=note.block, text=note.text,
                       visibility="private" if rng.random() < 0.2 else "cluster")
                  for k, note in enumerate(model.notes_in("key_activities"))]
        entries = [e.model_copy(update={"relevance": _clamp(e.relevance + rng.choice((-1, 0, 0, 1)), 0, 3),
                                        "impact": _clamp(e.impact + rng.choice((-1, 0, 0, 0, 1)), -2, 2),
                                        "confirmed": rng.random() > 0.05,
                                        "visibility": "private" if rng.random() < 0.1 else "cluster"})
                   for e in model.sdg]
        members.append(_Member(organisation, offers,
                               {"business_model": CanvasDocument(template="business_model", notes=notes)},
                               SdgAssessment(entries=entries) if entries else None, model.area))
    return strategy_input(demo.cluster, members)
