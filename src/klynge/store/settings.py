"""The cluster's stored package settings: currency, exchange rates, the limits of package suggestions.

One row per cluster in ``package_settings``, the settings as JSON with a version. Everyone in
the cluster who reads the register reads them (the defaults of
:class:`~klynge.model.PackageSettings` until a facilitator saves some); only who manages the
cluster saves them. A save may name the version it started from: a stale one is a
:class:`~klynge.errors.Conflict`, never an overwrite. Every write is one transaction.
"""

from __future__ import annotations

import pydantic
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Clash, Conflict, DataError, NotFound
from ..model import PackageSettings
from . import schema as s
from .access import Identity, require
from .engine import reading, writing
from .records import Versioned, now

__all__ = ["SettingsMixin"]

_ITEM = "package settings"


def _cluster_id(c: Connection, who: Identity, cluster_id: int | None) -> int:
    """The cluster asked about: the caller's own, or for the system identity the one named or the first."""
    cluster_id = cluster_id or who.cluster_id
    if cluster_id is None:
        cluster_id = c.execute(select(s.clusters.c.id).order_by(s.clusters.c.id)).scalar()
    if cluster_id is None:
        raise NotFound("no cluster yet: load one with `klynge demo` or `klynge import`")
    return cluster_id


def _settings(body, cluster_id: int) -> PackageSettings:
    try:
        return PackageSettings.model_validate(body)
    except pydantic.ValidationError as exc:
        raise DataError(f"the stored package settings of cluster {cluster_id} are not valid ({exc.error_count()} "
                        "problems); a facilitator can save them again") from None


class SettingsMixin:
    """The cluster's package settings."""

    def package_settings(self, who: Identity, cluster_id: int | None = None) -> PackageSettings:
        """The settings of the caller's cluster; the defaults while none are saved."""
        return self.package_settings_versioned(who, cluster_id).value

    def package_settings_versioned(self, who: Identity, cluster_id: int | None = None) -> Versioned[PackageSettings]:
        """The settings with the version a save must name (0 while none are saved)."""
        with reading(self.engine, who) as c:
            cid = _cluster_id(c, who, cluster_id)
            require(who, "read_register", cluster_id=cid)
            row = c.execute(select(s.package_settings).where(s.package_settings.c.cluster_id == cid)).mappings().first()
        if row is None:
            return Versioned(PackageSettings(), 0)
        return Versioned(_settings(row["body"], cid), row["version"])

    def save_package_settings(self, who: Identity, settings: PackageSettings, base_version: int | None = None,
                              cluster_id: int | None = None) -> int:
        """Save the cluster's package settings; returns the new version.

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
        body = PackageSettings.model_validate(settings.model_dump()).model_dump(mode="json")
        try:
            with writing(self.engine, who) as c:
                cid = _cluster_id(c, who, cluster_id)
                require(who, "manage", cluster_id=cid)
                table = s.package_settings
                row = c.execute(select(table).where(table.c.cluster_id == cid)).mappings().first()
                current = row["version"] if row else 0
                if base_version is not None and base_version != current:
                    raise self._settings_conflict(c, row, current)
                values = {"body": body, "version": current + 1, "updated_at": now(), "updated_by": who.person_id}
                if row is None:
                    c.execute(insert(table).values(cluster_id=cid, **values))
                elif c.execute(update(table).where(table.c.cluster_id == cid, table.c.version == current)
                               .values(**values)).rowcount != 1:
                    raise self._settings_conflict(c, None, current + 1)
                return current + 1
        except IntegrityError:  # another first save of the same cluster landed in between
            raise Conflict([Clash(item_id=_ITEM, base=None, theirs=None, mine=None)], ["someone else"], 1) from None

    def _settings_conflict(self, c: Connection, row, head: int) -> Conflict:
        by = self._name(c, row["updated_by"]) if row is not None else "someone else"
        return Conflict([Clash(item_id=_ITEM, base=None, theirs=None, mine=None)], [by], head)
