"""``klynge funnel``: invited, registered and active; what is missing against the plan; whom to follow up.

The command reads the database as the system identity scoped to the cluster, through the same
:func:`~klynge.widgets.funnel_service.read_funnel` as the facilitator's "Mobilisation" page.
"""

from __future__ import annotations

import argparse
import json

from ..settings import Settings

__all__ = ["funnel", "register"]

_GROUPS = {"silent": "Invited and silent", "not_started": "Registered and not started", "stopped": "Stopped"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``funnel`` to the ``klynge`` command."""
    p = sub.add_parser("funnel", parents=[common], help="the mobilisation funnel, what is missing against the "
                       "plan, and whom to follow up")
    p.add_argument("--json", action="store_true", help="print one JSON object: stages, missing, follow_up")
    p.set_defaults(run=funnel)


def funnel(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge funnel``: print the funnel's counts, the missing categories and municipalities, the follow-up list."""
    from .. import operations as ops
    from ..batch.data import batch_identity
    from ..widgets.funnel_service import read_funnel

    with ops.store_for(settings, create=False) as store:
        view = read_funnel(store, batch_identity(store))
    data = view.as_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    stages = data["stages"]
    print("Funnel: " + ", ".join(
        f"{name} {s['count']}" + (f" ({s['share']:.0%})" if name != "invited" else "") for name, s in stages.items()))
    print(f"Organisations: {data['organisations']}, active {data['active_organisations']} "
          f"({', '.join(f'{k} {v}' for k, v in data['active_by_signal'].items())})")
    tree = data["tree"]
    print(f"Referral tree: {tree['depth']} levels deep; members brought {tree['by_members']}, "
          f"the facilitators {tree['by_facilitators']}")
    short = [c for c in data["missing"]["categories"] if c["needed"]]
    print("Missing kinds: " + (", ".join(f"{c['category']} {c['count']} of {c['total']} "
                                         f"(target {c['target']:.0%}, {c['needed']} more)" for c in short)
                               or "none, the mix meets the targets"))
    places = data["missing"]["municipalities"]
    print("Missing municipalities: " + (", ".join(f"{m['name']} ({m['code']})" for m in places) or "none"))
    for group, rows in data["follow_up"].items():
        print(f"{_GROUPS[group]} ({len(rows)}):")
        for r in rows:
            where = f", {r['organisation']}" if r["organisation"] else ""
            print(f"  {r['name']}{where}: {r['days']} days, {r['reminders']} reminders (person {r['person_id']})")
    return 0
