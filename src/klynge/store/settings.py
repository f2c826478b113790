"""The cluster's stored settings: its package settings, its plan and its mobilisation settings.

- ``package_settings``: currency, exchange rates, the limits of package suggestions
  (:class:`~klynge.model.PackageSettings`);
- ``cluster_plans``: the target mix of members and the economics figures the strategy's
  findings weigh the cluster against (:class:`~klynge.model.ClusterPlan`);
- ``mobilisation_settings``: the currency, the fees by kind of organisation, the value of an
  in-kind hour per activity, the reminders' days and the follow-up's weeks
  (:class:`~klynge.model.contribution.MobilisationSettings`).

One row per cluster in each table, the settings as JSON with a version. Everyone in the cluster
who reads the register reads them (the model's defaults until a facilitator saves some); only
who manages the cluster saves them. A save may name the version it started from: a stale one is
a :class:`~klynge.errors.Conflict`, never an overwrite. Every write is one transaction.
"""

from __future__ import annotations

from typing import TypeVar

import pydantic
from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Clash, Conflict, DataError, NotFound
from ..model import ClusterPlan, PackageSettings
from ..model.base import Model
from ..model.contribution import MobilisationSettings
from . import schema as s
from .access import Identity, require
from .engine import reading, writing
from .records import Versioned, now

__all__ = ["SettingsMixin"]

M = TypeVar("M", bound=Model)

#: Each kind of settings: its table, its model and what a person calls it.
_KINDS: dict[type, tuple[Table, str]] = {
    PackageSettings: (s.package_settings, "package settings"),
    ClusterPlan: (s.cluster_plans, "cluster plan"),
    MobilisationSettings: (s.mobilisation_settings, "mobilisation settings"),
}


def _cluster_id(c: Connection, who: Identity, cluster_id: int | None) -> int:
    """The cluster asked about: the caller's own, or for the system identity the one named or the first."""
    cluster_id = cluster_id or who.cluster_id
    if cluster_id is None:
        cluster_id = c.execute(select(s.clusters.c.id).order_by(s.clusters.c.id)).scalar()
    if cluster_id is None:
        raise NotFound("no cluster yet: load one with `klynge demo` or `klynge import`")
    return cluster_id


def _parsed(model: type[M], body, cluster_id: int) -> M:
    try:
        return model.model_validate(body)
    except pydantic.ValidationError as exc:
        raise DataError(f"the stored {_KINDS[model][1]} of cluster {cluster_id} are not valid ({exc.error_count()} "
                        "problems); a facilitator can save them again") from None


class SettingsMixin:
    """The cluster's package settings, plan and mobilisation settings."""

    def package_settings(self, who: Identity, cluster_id: int | None = None) -> PackageSettings:
        """The package settings of the caller's cluster; the defaults while none are saved."""
        return self._read_settings(who, PackageSettings, cluster_id).value

    def package_settings_versioned(self, who: Identity, cluster_id: int | None = None) -> Versioned[PackageSettings]:
        """The package settings with the version a save must name (0 while none are saved)."""
        return self._read_settings(who, PackageSettings, cluster_id)

    def save_package_settings(self, who: Identity, settings: PackageSettings, base_version: int | None = None,
                              cluster_id: int | None = None) -> int:
        """Save the cluster's package settings; returns the new version (see :meth:`_save_settings`)."""
        return self._save_settings(who, settings, base_version, cluster_id)

    def cluster_plan(self, who: Identity, cluster_id: int | None = None) -> Versioned[ClusterPlan]:
        """The cluster's plan with the version a save must name (the defaults and 0 while none is saved)."""
        return self._read_settings(who, ClusterPlan, cluster_id)

    def save_cluster_plan(self, who: Identity, plan: ClusterPlan, base_version: int | None = None,
                          cluster_id: int | None = None) -> int:
        """Save the cluster's plan; returns the new version (see :meth:`_save_settings`)."""
        return self._save_settings(who, plan, base_version, cluster_id)

    def mobilisation_settings(self, who: Identity, cluster_id: int | None = None) -> MobilisationSettings:
        """The cluster's fees, hour rates, reminder days and stopped weeks; the defaults while none are saved."""
        return self._read_settings(who, MobilisationSettings, cluster_id).value

    def mobilisation_settings_versioned(self, who: Identity,
                                        cluster_id: int | None = None) -> Versioned[MobilisationSettings]:
        """The mobilisation settings with the version a save must name (0 while none are saved)."""
        return self._read_settings(who, MobilisationSettings, cluster_id)

    def save_mobilisation_settings(self, who: Identity, settings: MobilisationSettings,
                                   base_version: int | None = None, cluster_id: int | None = None) -> int:
        """Save the cluster's mobilisation settings; returns the new version (see :meth:`_save_settings`)."""
        return self._save_settings(who, settings, base_version, cluster_id)

    def _read_settings(self, who: Identity, model: type[M], cluster_id: int | None) -> Versioned[M]:
        table, _ = _KINDS[model]
        with reading(self.engine, who) as c:
            cid = _cluster_id(c, who, cluster_id)
            require(who, "read_register", cluster_id=cid)
            row = c.execute(select(table).where(table.c.cluster_id == cid)).mappings().first()
        if row is None:
            return Versioned(model(), 0)
        return Versioned(_parsed(model, row["body"], cid), row["version"])

    def _save_settings(self, who: Identity, settings: Model, base_version: int | None,
                       cluster_id: int | None) -> int:
        """Save settings of one kind for the cluster; returns the new version.

        Parameters
        ----------
        settings
            The settings, checked again here (a model built without validation is refused too).
        base_version
            The version the edit started from (0: none were saved). When another save landed
            since, nothing is written and :class:`~klynge.errors.Conflict` names who saved.
            None saves without the check.

        Raises
        ------
        AccessDenied
            Unless the caller manages the cluster.
        """
        model = type(settings)
        table, item = _KINDS[model]
        body = model.model_validate(settings.model_dump()).model_dump(mode="json")
        try:
            with writing(self.engine, who) as c:
                cid = _cluster_id(c, who, cluster_id)
                require(who, "manage", cluster_id=cid)
                row = c.execute(select(table).where(table.c.cluster_id == cid)).mappings().first()
                current = row["version"] if row else 0
                if base_version is not None and base_version != current:
                    raise self._settings_conflict(c, row, item)
                values = {"body": body, "version": current + 1, "updated_at": now(), "updated_by": who.person_id}
                if row is None:
                    c.execute(insert(table).values(cluster_id=cid, **values))
                elif c.execute(update(table).where(table.c.cluster_id == cid, table.c.version == current)
                               .values(**values)).rowcount != 1:
                    raise self._settings_conflict(c, None, item, current + 1)
                return current + 1
        except IntegrityError:  # another first save of the same cluster landed in between
            raise Conflict([Clash(item_id=item, base=None, theirs=None, mine=None)], ["someone else"], 1) from None

    def _settings_conflict(self, c: Connection, row, item: str, head: int | None = None) -> Conflict:
        by = self._name(c, row["updated_by"]) if row is not None else "someone else"
        head = head if head is not None else (row["version"] if row is not None else 0)
        return Conflict([Clash(item_id=item, base=None, theirs=None, mine=None)], [by], head)
