"""The demo cluster's fees and in-kind hours: ``data/demo/contributions.yaml`` read, checked and loaded.

The file holds the mobilisation settings a facilitator would set, the fees of a year (everyone
invoiced on one day and paid over the weeks after, but for those named as still invoiced or
waived) and the in-kind hours people logged. Organisations are named by their demo file name,
people by their e-mail. :func:`load_demo_contributions` writes them through the store as the
system identity, with the store's own checks (at most 24 hours a day, no day in the future).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pydantic
import yaml
from pydantic import Field

from .errors import DataError
from .model.base import Model
from .model.contribution import HoursEntry, MobilisationSettings
from .model.organisation import Email
from .store import Identity, Store

__all__ = ["ContributionsFile", "load_demo_contributions", "read_contributions"]

FILE = "contributions.yaml"


class DemoFees(Model):
    """The fees of one year."""

    year: int = Field(ge=2000, le=2100)
    invoiced_on: date
    paid_from: date
    paid_until: date
    invoiced: list[str] = Field(default_factory=list)
    waived: dict[str, date] = Field(default_factory=dict)


class DemoHours(Model):
    """One entry of logged hours, by the person's e-mail."""

    person: Email
    activity: str
    day: date
    hours: str
    note: str = ""


class ContributionsFile(Model):
    settings: MobilisationSettings = Field(default_factory=MobilisationSettings)
    fees: list[DemoFees] = Field(default_factory=list)
    hours: list[DemoHours] = Field(default_factory=list)


def read_contributions(folder: Path) -> ContributionsFile | None:
    """The demo folder's fees and hours, or None when it has no such file (DataError when it is broken)."""
    path = Path(folder) / FILE
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ContributionsFile.model_validate(data or {})
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None
    except pydantic.ValidationError as exc:
        problems = "; ".join(f"field {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise DataError(f"{path}: {problems}") from None


def load_demo_contributions(store: Store, cluster_id: int, organisations: dict[str, int], people: dict[str, int],
                            folder: Path) -> None:
    """Write the demo's settings, fees and hours into the cluster ``cluster_id``.

    ``organisations`` maps a demo file name to its organisation's id, ``people`` an e-mail to the
    person's id. A name or e-mail the demo does not hold is a :class:`DataError` naming it.
    """
    demo = read_contributions(folder)
    if demo is None:
        return
    path = Path(folder) / FILE
    for year in demo.fees:
        for name in [*year.invoiced, *year.waived]:
            if name not in organisations:
                raise DataError(f"{path}: fees {year.year}: no organisation {name!r} in the demo")
    for i, entry in enumerate(demo.hours):
        if entry.person not in people:
            raise DataError(f"{path}: hours[{i}].person: {entry.person} is nobody in the demo")
    system = Identity.system()
    store.save_mobilisation_settings(system, demo.settings, cluster_id=cluster_id)
    for year in demo.fees:
        span = max((year.paid_until - year.paid_from).days, 0)
        slugs = sorted(organisations)
        for i, slug in enumerate(slugs):
            oid = organisations[slug]
            if slug in year.waived:
                store.mark_fee(system, oid, year.year, "waived", year.waived[slug])
                continue
            store.mark_fee(system, oid, year.year, "invoiced", year.invoiced_on)
            if slug not in year.invoiced:
                paid = year.paid_from + timedelta(days=span * i // max(len(slugs) - 1, 1))
                store.mark_fee(system, oid, year.year, "paid", paid)
    for entry in demo.hours:
        store.log_hours(system, HoursEntry(person_id=people[entry.person], activity=entry.activity, day=entry.day,
                                           hours=entry.hours, note=entry.note))
