"""The demo cluster: a fictional network of tourism businesses in real places of Trøndelag and Jämtland.

The cluster lives in ``data/demo/`` as YAML, one file per organisation:

- ``cluster.yaml``: the cluster and its sub-clusters, the facilitation staff (people without an
  organisation) and ``signin``, the e-mail addresses that get a demo sign-in key.
- ``organisations/<slug>.yaml``: ``organisation`` (the profile), ``people`` (1 to 3
  participants; the first one authors the documents), ``offers`` (each with a ``slug``),
  ``canvases`` (template id to a list of notes) and ``sdg`` (entries of the assessment).
- ``packages.yaml``: packages owned by an organisation (``owner``); a component names its offer
  as ``<organisation slug>/<offer slug>``; ``accepted_by`` the suppliers who have accepted.
- ``cluster.yaml``'s ``package_settings``: the currency, exchange rates and limits of packages.

:func:`read_demo` reads and checks every file without touching a database; :func:`load_demo`
writes the demo into a store and makes the sign-in links; :func:`format_links` prints them.

The public sandbox (Binder, ``KLYNGE_SANDBOX=1``) opens the demo with :data:`PUBLIC_KEYS`, sign-in
keys anyone may know: :func:`load_sandbox` loads the demo for it, and :func:`sandbox_key` swaps a
public key for a fresh key of its demo person at sign-in. Outside sandbox mode a public key is an
unknown key, and sandbox mode refuses a database that does not hold the demo.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pydantic
import yaml
from pydantic import Field, model_validator

from . import reference, resources
from .contributions import load_demo_contributions
from .errors import DataError, KeyRejected, NotFound, SettingsError
from .events import load_demo_events
from .invitations import load_demo_invitations
from .library import load_demo_library
from .model import (
    CanvasDocument,
    Cluster,
    Note,
    Offer,
    Organisation,
    Package,
    PackageAnswer,
    PackageSettings,
    Person,
    SdgAssessment,
    SdgEntry,
)
from .model.base import Model, Months, Name, Slug, Text, Visibility
from .model.offer import CapacityUnit, PriceUnit
from .model.organisation import Email
from .operations import signin_link
from .settings import Settings
from .store import Identity, Store

__all__ = ["PUBLIC_KEYS", "Demo", "DemoResult", "OrganisationFile", "check_sandbox_database", "demo_folder",
           "format_links", "load_demo", "load_sandbox", "read_demo", "sandbox_key"]

_OFFER_REF = r"^[a-z0-9][a-z0-9_-]{0,63}/[a-z0-9][a-z0-9_-]{0,63}$"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml reads the demo about ten times faster


# -- what the files hold ---------------------------------------------------------------------


class DemoPerson(Model):
    """A participant of a demo organisation."""

    name: Name
    email: Email


class StaffPerson(Model):
    """A facilitator or researcher: a demo person without an organisation."""

    name: Name
    email: Email
    role: Literal["facilitator", "researcher"]


class DemoOffer(Offer):
    """An offer with the slug that packages use to name it; the demo states its units (none is left to the kind)."""

    slug: Slug
    price_unit: PriceUnit
    capacity_unit: CapacityUnit


class OrganisationFile(Model):
    """One ``organisations/<slug>.yaml``: a member with its people, offers and documents."""

    organisation: Organisation
    people: list[DemoPerson] = Field(min_length=1, max_length=3)
    offers: list[DemoOffer] = Field(default_factory=list, max_length=40)
    canvases: dict[Slug, list[Note]] = Field(default_factory=dict)
    sdg: list[SdgEntry] = Field(default_factory=list, max_length=169)

    @model_validator(mode="after")
    def _unique(self):
        slugs = [o.slug for o in self.offers]
        if len(set(slugs)) != len(slugs):
            raise ValueError(f"two offers share a slug: {sorted({s for s in slugs if slugs.count(s) > 1})}")
        for template, notes in self.canvases.items():
            CanvasDocument(template=template, notes=notes)  # unique note ids
        SdgAssessment(entries=self.sdg)  # one entry per target
        return self

    def canvas(self, template: str) -> CanvasDocument:
        return CanvasDocument(template=template, notes=self.canvases[template])


class ClusterFile(Model):
    """``cluster.yaml``."""

    cluster: Cluster
    staff: list[StaffPerson] = Field(min_length=1)
    signin: list[Email] = Field(min_length=1)
    #: The cluster's package settings, as a facilitator would set them.
    package_settings: PackageSettings = Field(default_factory=PackageSettings)


class DemoComponent(Model):
    """A package component that names its offer as ``<organisation slug>/<offer slug>``."""

    offer: str = Field(pattern=_OFFER_REF)
    day: int = Field(default=1, ge=1, le=30)
    note: Text = ""

    @property
    def organisation(self) -> str:
        return self.offer.split("/")[0]


class DemoPackage(Model):
    """A package in ``packages.yaml``, owned by the organisation ``owner``."""

    slug: Slug
    owner: Slug
    title: Name
    description: Text = ""
    components: list[DemoComponent] = Field(min_length=1, max_length=40)
    months: Months = Field(default_factory=list)
    target_segment: Text = ""
    status: Literal["draft", "ready"] = "draft"
    visibility: Visibility = "cluster"
    #: The suppliers (organisation slugs, not the owner) who have accepted taking part.
    accepted_by: list[Slug] = Field(default_factory=list)

    def suppliers(self) -> list[str]:
        """The organisations with a part, the owner left out, in the parts' order."""
        return [o for o in dict.fromkeys(c.organisation for c in self.components) if o != self.owner]

    def package(self, offer_ids: dict[str, int], org_ids: dict[str, int]) -> Package:
        """The :class:`Package` with the offers and organisations resolved to ids."""
        comps = [{"offer_id": offer_ids[c.offer], "organisation_id": org_ids[c.organisation],
                  "day": c.day, "note": c.note} for c in self.components]
        data = self.model_dump(exclude={"slug", "owner", "components", "accepted_by"})
        return Package.model_validate({**data, "components": comps})


class _PackagesFile(Model):
    packages: list[DemoPackage] = Field(min_length=1)


@dataclass
class Demo:
    """The demo as read from its folder, checked and ready to load."""

    folder: Path
    cluster: Cluster
    staff: list[StaffPerson]
    signin: list[str]
    organisations: dict[str, OrganisationFile]
    packages: list[DemoPackage]
    package_settings: PackageSettings = field(default_factory=PackageSettings)

    def offers(self) -> Iterator[tuple[str, DemoOffer]]:
        """Every offer with its reference ``<organisation slug>/<offer slug>``."""
        for slug, org in self.organisations.items():
            for offer in org.offers:
                yield f"{slug}/{offer.slug}", offer


@dataclass
class DemoResult:
    """What :func:`load_demo` did: the new cluster, its counts, the sign-in links and the backup."""

    cluster_id: int
    counts: dict
    links: list[tuple[str, str]] = field(default_factory=list)
    backup: Path | None = None


# -- reading ---------------------------------------------------------------------------------


def demo_folder() -> Path:
    """The built-in ``data/demo`` folder."""
    return resources.path("data", "demo")


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _parse(path: Path, model: type[Model]):
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = "; ".join(f"field {_where(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise DataError(f"{path}: {problems}") from None


def _fail(path: Path, where: str, problem: str) -> DataError:
    return DataError(f"{path}: field {where}: {problem}")


def _check_references(path: Path, org: OrganisationFile, blocks: dict[str, set[str]]) -> None:
    """Municipality codes and SDG targets against the reference data, blocks against templates."""
    places = [("organisation.municipality", org.organisation.municipality)]
    places += [(f"offers[{i}].municipality", o.municipality) for i, o in enumerate(org.offers)]
    for where, code in places:
        try:
            found = reference.municipality(code)
        except NotFound as exc:
            raise _fail(path, where, str(exc)) from None
        if found.country != org.organisation.country:
            raise _fail(path, where, f"{code} is not in {org.organisation.country}")
    for i, offer in enumerate(org.offers):
        currency = "NOK" if org.organisation.country == "NO" else "SEK"
        if offer.price.currency != currency:
            raise _fail(path, f"offers[{i}].price.currency", f"expected {currency}")
    targets = [(f"sdg[{i}].target", e.target) for i, e in enumerate(org.sdg)]
    for template, notes in org.canvases.items():
        if template not in blocks:
            raise _fail(path, f"canvases.{template}", f"no canvas template; known: {', '.join(sorted(blocks))}")
        for i, note in enumerate(notes):
            if note.block not in blocks[template]:
                raise _fail(path, f"canvases.{template}[{i}].block", f"{template} has no block {note.block!r}")
            targets += [(f"canvases.{template}[{i}].sdg_targets", t) for t in note.sdg_targets]
    for where, code in targets:
        try:
            reference.target(code)
        except NotFound as exc:
            raise _fail(path, where, str(exc)) from None


def _template_blocks() -> dict[str, set[str]]:
    from .canvases import default_registry
    return {t.id: {b.id for b in t.blocks} for t in default_registry().canvases()}


def read_demo(folder: Path | str | None = None) -> Demo:
    """Read and check the demo in ``folder`` (default: the built-in one).

    Every file is validated with the domain models; municipality codes and SDG targets are
    checked against :mod:`klynge.reference`, note blocks against the canvas templates, and
    package components against the offers.

    Raises
    ------
    DataError
        Naming the file and the field that is wrong.
    """
    folder = Path(folder) if folder is not None else demo_folder()
    head = _parse(folder / "cluster.yaml", ClusterFile)
    blocks = _template_blocks()
    organisations: dict[str, OrganisationFile] = {}
    seen_orgnr: dict[tuple[str, str], str] = {}
    seen_email = {p.email: "cluster.yaml" for p in head.staff}
    for path in sorted((folder / "organisations").glob("*.yaml")):
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", path.stem):
            raise DataError(f"{path}: expected a file name of lower-case letters, digits, - or _")
        org = _parse(path, OrganisationFile)
        _check_references(path, org, blocks)
        number = (org.organisation.country, org.organisation.orgnr)
        if number in seen_orgnr:
            raise _fail(path, "organisation.orgnr", f"{number[1]} is also used in {seen_orgnr[number]}")
        seen_orgnr[number] = path.name
        for i, person in enumerate(org.people):
            if person.email in seen_email:
                raise _fail(path, f"people[{i}].email", f"{person.email} is also used in {seen_email[person.email]}")
            seen_email[person.email] = path.name
        organisations[path.stem] = org
    if not organisations:
        raise DataError(f"{folder / 'organisations'}: no organisation files")
    for email in head.signin:
        if email not in seen_email:
            raise _fail(folder / "cluster.yaml", "signin", f"{email} is nobody's e-mail address")
    demo = Demo(folder, head.cluster, head.staff, head.signin, organisations, [], head.package_settings)
    path = folder / "packages.yaml"
    demo.packages = _parse(path, _PackagesFile).packages
    offers = {ref: i for i, (ref, _) in enumerate(demo.offers(), start=1)}
    orgs = {slug: i for i, slug in enumerate(organisations, start=1)}
    subclusters = {s.slug for s in demo.cluster.subclusters}
    for slug, org in organisations.items():
        for sub in set(org.organisation.subclusters) - subclusters:
            raise _fail(folder / "organisations" / f"{slug}.yaml", "organisation.subclusters", f"no sub-cluster {sub}")
    for i, pkg in enumerate(demo.packages):
        if pkg.owner not in orgs:
            raise _fail(path, f"packages[{i}].owner", f"no organisation {pkg.owner!r}")
        for j, comp in enumerate(pkg.components):
            if comp.offer not in offers:
                raise _fail(path, f"packages[{i}].components[{j}].offer", f"no offer {comp.offer!r}")
        for supplier in set(pkg.accepted_by) - set(pkg.suppliers()):
            raise _fail(path, f"packages[{i}].accepted_by", f"{supplier!r} supplies no part of the package")
        try:
            pkg.package(offers, orgs)
        except pydantic.ValidationError as exc:
            raise _fail(path, f"packages[{i}]", "; ".join(e["msg"] for e in exc.errors())) from None
    return demo


# -- loading ---------------------------------------------------------------------------------


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm
    # None: tqdm shows the bar only on a terminal; delay: only when loading takes a moment.
    return tqdm(total=total, desc="demo", unit="step", disable=None if enabled is None else not enabled,
                delay=0.5, file=sys.stderr, leave=False)


def load_demo(store: Store, settings: Settings, *, replace: bool = False, backup_folder: Path | None = None,
              folder: Path | str | None = None, progress: bool | None = None) -> DemoResult:
    """Load the demo cluster into ``store`` and make one sign-in key per demo role.

    Parameters
    ----------
    store
        The database to fill; it must be empty unless ``replace``.
    settings
        Where the backup goes by default (``<home>/backups``), the server secret, how long keys
        stay valid and the address of the sign-in links.
    replace
        Empty a database that holds data, after writing a backup of it.
    backup_folder
        Where that backup goes instead of ``<settings.home>/backups``.
    folder
        Another demo folder (default: the built-in ``data/demo``).
    progress
        Show a progress bar: None (default) on a terminal when loading takes more than half
        a second, True always, False never.

    Returns
    -------
    DemoResult
        The cluster id, the counts of :meth:`Store.status`, the sign-in links and the backup path.

    Raises
    ------
    DataError
        A demo file is broken (nothing is written then).
    NotEmpty
        The database holds data and ``replace`` is false.
    """
    demo = read_demo(folder)
    system = Identity.system()
    backup = store.clear(system, replace=replace,
                         backup_folder=Path(backup_folder) if backup_folder else settings.home_path / "backups")
    total = (len(demo.organisations) + sum(len(o.people) + len(o.offers) + len(o.canvases) + bool(o.sdg)
                                           for o in demo.organisations.values())
             + len(demo.packages) + len(demo.staff) + len(demo.signin) + 1)
    org_ids: dict[str, int] = {}
    authors: dict[str, Identity] = {}
    offer_ids: dict[str, int] = {}
    people: dict[str, int] = {}
    with _progress(total, progress) as bar:
        cid = store.create_cluster(system, demo.cluster)
        bar.update()
        for slug, org in demo.organisations.items():
            oid = store.add_organisation(system, org.organisation, cid)
            org_ids[slug] = oid
            for person in org.people:
                people[person.email] = store.add_person(
                    system, Person(name=person.name, email=person.email, organisation_id=oid), cid)
            first = org.people[0]
            authors[slug] = Identity(person_id=people[first.email], role="participant", organisation_id=oid,
                                     cluster_id=cid, name=first.name)
            bar.update(1 + len(org.people))
        for staff in demo.staff:
            people[staff.email] = store.add_person(system, Person(**staff.model_dump()), cid)
            bar.update()
        for slug, org in demo.organisations.items():
            who = authors[slug]
            for offer in org.offers:
                data = offer.model_dump(exclude={"slug", "id"})
                offer_ids[f"{slug}/{offer.slug}"] = store.add_offer(
                    who, Offer.model_validate({**data, "organisation_id": who.organisation_id}))
                bar.update()
            for template in org.canvases:
                store.save_canvas(who, who.organisation_id, template, org.canvas(template), None)
                bar.update()
            if org.sdg:
                store.save_sdg(who, who.organisation_id, SdgAssessment(entries=org.sdg), None)
                bar.update()
        store.save_package_settings(system, demo.package_settings, cluster_id=cid)
        for pkg in demo.packages:
            rev = store.save_package(authors[pkg.owner], org_ids[pkg.owner], pkg.package(offer_ids, org_ids), None,
                                     name=pkg.slug)
            for supplier in pkg.accepted_by:
                answer = PackageAnswer(owner_id=org_ids[pkg.owner], package=pkg.slug, state="accepted",
                                       revision=rev.number)
                store.answer_package(authors[supplier], org_ids[supplier], answer)
            bar.update()
        links = []
        for email in demo.signin:
            key = store.issue_key(system, people[email], settings.server_secret(), settings.key_days)
            links.append((_describe(demo, email), signin_link(settings, key)))
            bar.update()
    load_demo_contributions(store, cid, org_ids, people, Path(folder) if folder is not None else demo_folder())
    load_demo_events(store, cid, org_ids, people, Path(folder) if folder is not None else demo_folder())
    load_demo_invitations(store, cid, folder=folder)  # who invited whom, and invitations still open; no mail
    load_demo_library(store, cid, Path(folder) if folder is not None else demo_folder())
    return DemoResult(cid, store.status(system), links, backup)


def relink(store: Store, settings: Settings, folder: Path | None = None) -> list[tuple[str, str]]:
    """Fresh sign-in links for the demo roles of a database that already holds the demo.

    Keys are shown only once, so a second start of the demo re-issues them (the old ones are revoked).
    """
    demo = read_demo(folder)
    system = Identity.system()
    links = []
    for email in demo.signin:
        person = store.person_by_email(system, email)
        key = store.reissue_key(system, person.id, settings.server_secret(), settings.key_days)
        links.append((_describe(demo, email), signin_link(settings, key)))
    return links


def _describe(demo: Demo, email: str) -> str:
    """``participant (Fjellgløtt Guiding, Oppdal)``, ``facilitator (Name)``, ``researcher (Name)``."""
    for staff in demo.staff:
        if staff.email == email:
            return f"{staff.role} ({staff.name})"
    for org in demo.organisations.values():
        if any(p.email == email for p in org.people):
            place = reference.municipality(org.organisation.municipality).name
            return f"participant ({org.organisation.name}, {place})"
    raise NotFound(f"{email} is nobody in the demo")


def format_links(links: DemoResult | list[tuple[str, str]]) -> str:
    """One line per demo role: ``participant (Fjellgløtt Guiding, Oppdal): http://.../signin?key=...``."""
    pairs = links.links if isinstance(links, DemoResult) else links
    return "\n".join(f"{role}: {link}" for role, link in pairs)


# -- the public sandbox ----------------------------------------------------------------------

# Sign-in keys printed in the README and in Binder's launch link, for two demo participants (a
# Norwegian and a Swedish member). They are public on purpose and never stored: only a server in
# sandbox mode, on the demo cluster, swaps one for a real key (see sandbox_key).
PUBLIC_KEYS = {
    "sandbox-nb.fjellglott-demo": "kari@fjellglott.example",
    "sandbox-sv.fjallbrasa-demo": "anna@fjallbrasa.example",
}
SANDBOX_KEY_DAYS = 1  # a Binder session lasts hours at most


def _not_a_sandbox() -> SettingsError:
    return SettingsError("the public demo keys work only in a sandbox: set KLYNGE_SANDBOX=1 (a throwaway "
                       "session such as Binder, on a database of its own)")


def _check_demo(store: Store) -> None:
    """Raise unless ``store`` holds the demo cluster and its public demo people."""
    system = Identity.system()
    expected = _parse(demo_folder() / "cluster.yaml", ClusterFile).cluster.name
    try:
        name = store.cluster(system).name
        people = [store.person_by_email(system, email) for email in PUBLIC_KEYS.values()]
    except NotFound:
        name, people = None, []
    if name != expected or not all(p.organisation_id for p in people):
        raise SettingsError(f"sandbox mode runs only on the demo cluster ({expected}); this database holds "
                          f"{name or 'something else'}. Load the demo into a database of its own.")


def check_sandbox_database(settings: Settings) -> None:
    """Refuse to serve a sandbox on a database that is not the demo's.

    Raises
    ------
    SettingsError
        When ``settings`` is not in sandbox mode, or its database does not hold the demo cluster.
    """
    from .store import open_store

    if not settings.sandbox:
        raise _not_a_sandbox()
    with open_store(settings.db, create=False) as store:
        _check_demo(store)


def load_sandbox(store: Store, settings: Settings, *, replace: bool = False) -> list[tuple[str, str]]:
    """Load the demo for a public sandbox and return its public sign-in links, one per demo participant.

    An empty database gets the demo; one that holds the demo already is kept as it is; with
    ``replace``, whatever it holds is backed up and replaced by the demo.

    Raises
    ------
    SettingsError
        When ``settings`` is not in sandbox mode, or the database holds something other than the demo.
    """
    if not settings.sandbox:
        raise _not_a_sandbox()
    if store.is_empty(Identity.system()) or replace:
        load_demo(store, settings, replace=replace, progress=False)
    _check_demo(store)
    demo = read_demo()
    return [(_describe(demo, email), signin_link(settings, key)) for key, email in PUBLIC_KEYS.items()]


def sandbox_key(store: Store, settings: Settings, key: str) -> str:
    """The key a sign-in goes on with: a public demo key becomes a fresh key of its demo person.

    Any other key is returned as it is. Outside sandbox mode nothing is swapped, so a public key
    is checked like any other and is unknown (it is never stored).

    Raises
    ------
    KeyRejected
        When the public key's demo person is not in the database.
    """
    email = PUBLIC_KEYS.get((key or "").strip())
    if email is None or not settings.sandbox:
        return key
    system = Identity.system()
    try:
        person = store.person_by_email(system, email)
    except NotFound:
        raise KeyRejected("unknown") from None
    return store.issue_key(system, person.id, settings.server_secret(), SANDBOX_KEY_DAYS)
