"""The offers of the profile step: the organisation's list of offers and the form of one offer.

Each offer in the list says what it is, in which months, how many it takes (in beds, seats or
guests a day, as fits its kind) and at what price for what ("450 NOK per night for 2"), with
buttons to edit it or remove it (removing asks first). The form under the list adds an offer
or changes one: title, kind, municipality, months, capacity (its unit written beside it,
following the kind), price and what it is for (per person, per group, per night or per unit,
with the guests and nights it covers where they apply), duration, languages and trend. A
problem with what the person typed is said beside its field; when someone else saved the
same offer meanwhile, the person chooses to keep their version or to load the other one.
What is typed and not saved is kept in the browser (:class:`~klynge.widgets.drafts.Drafts`)
and put back into the form after a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import ipywidgets as w
import traitlets as tr

from ..errors import Conflict, NotFound
from ..i18n import t
from ..model import CURRENCIES, LANGUAGE_CODES, OFFER_KINDS, PRICE_UNITS, TRENDS, Offer
from ..model.offer import DEFAULT_PRICE_UNIT
from ..report.offer_text import capacity_text, capacity_unit_text, price_text
from ..templating import part, snippet
from .drafts import DraftNotice, Drafts, Filling, who_saved
from .profile_form import (
    Busy,
    Field,
    amount_text,
    attempt,
    capital,
    months_text,
    relabel_options,
    status_html,
    tick,
    toggles,
)
from .profile_service import CALENDAR, FormProblems, Profile, ProfileService

__all__ = ["OfferForm"]


class OfferForm(w.VBox):
    """The organisation's offers, and the form that adds or changes one.

    The form is handed the :class:`~klynge.widgets.profile_service.ProfileService` and lists the
    offers of the profile given to :meth:`show`; the page sets :attr:`profile` whenever it reads
    the store, and hears through :meth:`on_read` of every profile this form reads. ``busy`` is the
    group of the page's buttons that are disabled while one of them works; the form adds its own.
    """

    lang = tr.Unicode("nb")

    def __init__(self, service: ProfileService, lang: str = "nb", busy: Busy | None = None):
        super().__init__()
        self.add_class("klynge-card")
        self.add_class("klynge-profile-offers-card")
        self._service = service
        self._busy = busy or Busy()
        self.profile: Profile | None = None  # the profile whose offers are listed; the page keeps it current
        self._editing: int | None = None  # the offer being edited (None: a new one)
        self._base: int | None = None  # the version of the offer the form started from
        self._removing: int | None = None  # the offer whose removal waits for a yes
        self._said: dict[str, tuple[str, dict]] = {}  # "offers" (the list) and "offer" (the form)
        self._problems_shown = False
        self._read_callbacks: list[Callable[[Profile], None]] = []
        self._change_callbacks: list[Callable[[], None]] = []
        self._opened: dict | None = None  # the form's values when it was opened (None: closed)
        self._filling = Filling()  # the form is being filled, not typed in
        self._relabelling = Filling()  # the kinds get labels in a new language: not a new kind
        self._drafts = Drafts(service.draft_key("offer"), self._restore)
        self._notice = DraftNotice(self._discard, lang)
        self._heading, self._list = w.HTML(), w.VBox()
        self._list.add_class("klynge-profile-offers")
        self._add = w.Button(icon="plus")
        self._add.add_class("klynge-profile-add")
        self._add.on_click(lambda _b: self._work("offers", self._open, None))
        self._list_status = w.HTML()
        self._list_status.add_class("klynge-profile-status")
        self._form = self._build_form()
        self.children = [self._heading, self._list, self._list_status, self._add, self._form, self._drafts]
        self._busy.add(self._save, self._add, self._keep, self._theirs)
        for widget in (self._title, self._description, self._kind, self._municipality, self._capacity, self._price,
                       self._currency, self._vat, self._price_unit, self._price_guests, self._price_nights,
                       self._duration, self._trend, *self._months.values(), *self._languages.values()):
            widget.observe(self._track, "value")
        self._kind.observe(self._kind_changed, "value")
        for widget in (self._price_unit, self._duration):
            widget.observe(lambda _c: self._show_units(), "value")
        self.lang = lang
        self._relabel()

    def _build_form(self) -> w.VBox:
        self._title, self._description = w.Text(), w.Textarea(rows=3)
        self._kind, self._municipality, self._trend = w.Dropdown(), w.Dropdown(), w.Dropdown()
        self._months, months_box = toggles(CALENDAR, "klynge-profile-month")
        months_box.add_class("klynge-profile-months")
        self._months_label = w.HTML()
        self._capacity = w.IntText(value=10)
        self._capacity_unit = w.HTML()  # the unit follows the kind: beds, seats or guests a day
        self._capacity_unit.add_class("klynge-profile-capacity-unit")
        capacity = w.HBox([self._capacity, self._capacity_unit])
        capacity.add_class("klynge-profile-capacity")
        self._price = w.Text(placeholder="450")
        self._currency = w.Dropdown(options=list(CURRENCIES))
        self._vat = w.Checkbox(value=True, indent=False)
        price = w.HBox([self._price, self._currency, self._vat])
        price.add_class("klynge-profile-price")
        self._price_unit = w.Dropdown(options=list(PRICE_UNITS), value="person")
        self._price_guests = w.BoundedIntText(value=1, min=1, max=1000)
        self._price_nights = w.BoundedIntText(value=1, min=1, max=366)
        self._duration = w.FloatText(value=2.0, step=0.5)
        self._languages, languages_box = toggles(LANGUAGE_CODES, "klynge-profile-language")
        languages_box.add_class("klynge-profile-languages")
        self._languages_label = w.HTML()
        self._fields = {
            "title": Field(self._title, name="o-title"),
            "description": Field(self._description, name="o-description"),
            "kind": Field(self._kind, name="o-kind"),
            "municipality": Field(self._municipality, name="o-municipality"),
            "months": Field(self._months_label, months_box, name="o-months"),
            "capacity_per_day": Field(capacity, name="o-capacity"),
            "price": Field(price, name="o-price"),
            "price_unit": Field(self._price_unit, name="o-price-unit"),
            "price_guests": Field(self._price_guests, name="o-price-guests"),
            "price_nights": Field(self._price_nights, name="o-price-nights"),
            "duration_hours": Field(self._duration, name="o-duration"),
            "languages": Field(self._languages_label, languages_box, name="o-languages"),
            "trend": Field(self._trend, name="o-trend"),
        }
        self._form_title = w.HTML()
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-profile-save-offer")
        self._save.on_click(lambda _b: self._work("offer", self._save_offer))
        self._cancel = w.Button()
        self._cancel.add_class("klynge-profile-cancel-offer")
        self._cancel.on_click(lambda _b: self._work("offer", self._close))
        self._form_status = w.HTML()
        self._form_status.add_class("klynge-profile-status")
        self._keep, self._theirs = w.Button(button_style="primary"), w.Button()
        self._keep.on_click(lambda _b: self._work("offer", self._save_offer, again=True))
        self._theirs.on_click(lambda _b: self._work("offer", self._take_theirs))
        self._conflict = w.HBox([self._keep, self._theirs])
        self._conflict.add_class("klynge-profile-conflict")
        self._conflict.layout.display = "none"
        actions = w.HBox([self._save, self._cancel, self._form_status])
        actions.add_class("klynge-profile-actions")
        form = w.VBox([self._form_title, self._notice, *self._fields.values(), actions, self._conflict])
        form.add_class("klynge-profile-offer-form")
        form.layout.display = "none"
        return form

    # -- what the page sees -----------------------------------------------------------------
    def show(self, profile: Profile) -> None:
        """List the offers of ``profile`` (read by the page)."""
        self.profile = profile
        self._render()

    def on_read(self, callback: Callable[[Profile], None]) -> None:
        """Call ``callback(profile)`` with every profile this form reads from the store."""
        self._read_callbacks.append(callback)

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` once an offer was added, changed or removed and the list is drawn again."""
        self._change_callbacks.append(callback)

    def _read(self) -> None:
        self.profile = self._service.load()
        for callback in self._read_callbacks:
            callback(self.profile)

    # -- the list ---------------------------------------------------------------------------
    def _render(self) -> None:
        lang = self.lang
        rows = []
        for item in self.profile.offers:
            offer: Offer = item.value
            vat = t("profile.vat_yes" if offer.price.vat_included else "profile.vat_no", lang)
            text = snippet("widgets/profile.html.j2", "offer", offer.title, t("batch.offer." + offer.kind, lang),
                           months_text(offer.months, lang), capacity_text(offer, lang),
                           price_text(offer, lang, vat=False), vat)
            edit = w.Button(description=t("profile.edit", lang))
            remove = w.Button(description=t("profile.remove", lang))
            edit.tooltip = t("profile.edit_offer", lang, title=offer.title)
            remove.tooltip = t("profile.remove_offer", lang, title=offer.title)
            edit.add_class("klynge-profile-edit")
            remove.add_class("klynge-profile-remove")
            edit.on_click(lambda _b, oid=offer.id: self._work("offers", self._open, oid))
            remove.on_click(lambda _b, oid=offer.id: self._work("offers", self._ask_remove, oid))
            parts: list[w.Widget] = [w.HTML(text)]
            if self._removing == offer.id:
                yes, no = w.Button(description=t("profile.remove_yes", lang), button_style="danger"), \
                    w.Button(description=t("board.cancel", lang))
                yes.add_class("klynge-profile-remove-yes")
                yes.on_click(lambda _b, oid=offer.id, v=item.version: self._work("offers", self._remove, oid, v))
                no.on_click(lambda _b: self._work("offers", self._ask_remove, None))
                confirm = w.HTML(part("span", t("profile.remove_confirm", lang, title=offer.title), role="alert"))
                buttons = w.HBox([confirm, yes, no])
                buttons.add_class("klynge-profile-confirm")
            else:
                buttons = w.HBox([edit, remove])
            buttons.add_class("klynge-profile-offer-actions")
            parts.append(buttons)
            row = w.VBox(parts)
            row.add_class("klynge-profile-offer")
            rows.append(row)
        if not rows:
            rows = [w.HTML(part("para", t("profile.no_offers", lang), css="klynge-empty"))]
        self._list.children = rows

    def _ask_remove(self, offer_id: int | None) -> None:
        self._removing = offer_id
        self._render()

    def _remove(self, offer_id: int, version: int) -> None:
        self._removing = None
        try:
            self._service.remove_offer(offer_id, version)
            self._say("offers", "profile.offer_removed")
        except Conflict as exc:
            self._say("offers", "profile.remove_conflict", who=who_saved(exc.saved_by, self._service.person, self.lang))
        except NotFound:
            self._say("offers", "profile.offer_gone")
        self._reload()

    def _reload(self) -> None:
        self._read()
        self._render()
        for callback in self._change_callbacks:
            callback()

    # -- the form ---------------------------------------------------------------------------
    def _open(self, offer_id: int | None) -> None:
        with self._filling:
            self._fill(offer_id)
        self._opened = self._values()
        self._notice.show(False)
        self._track()

    def _fill(self, offer_id: int | None) -> None:
        org = self.profile.organisation
        found = next((o for o in self.profile.offers if o.value.id == offer_id), None)
        self._editing, self._base = (offer_id, found.version) if found else (None, None)
        offer = found.value if found else None
        places = self._service.municipalities(org.country) + [m for m in self._service.municipalities()
                                                               if m.country != org.country]
        options = [(m.name, m.code) for m in places]
        code = offer.municipality if offer else org.municipality
        if code not in {c for _n, c in options}:
            options.append((code, code))
        self._municipality.options = options
        self._municipality.value = code
        self._title.value = offer.title if offer else ""
        self._description.value = offer.description if offer else ""
        self._kind.value = offer.kind if offer else OFFER_KINDS[0]
        for m, b in self._months.items():
            b.value = bool(offer and m in offer.months)
        self._capacity.value = offer.capacity_per_day if offer else 10
        self._price.value = amount_text(offer.price.amount) if offer else ""
        self._currency.value = offer.price.currency if offer else ("SEK" if org.country == "SE" else "NOK")
        self._vat.value = offer.price.vat_included if offer else True
        self._price_unit.value = offer.price_unit if offer else DEFAULT_PRICE_UNIT[self._kind.value]
        self._price_guests.value = offer.price_guests if offer else 1
        self._price_nights.value = offer.price_nights if offer else 1
        self._duration.value = offer.duration_hours if offer else 2.0
        chosen = set(offer.languages) if offer else {"sv" if org.country == "SE" else "nb"}
        for code_, b in self._languages.items():
            b.value = code_ in chosen
        self._trend.value = offer.trend if offer else "stable"
        self._show_problems(None)
        self._conflict.layout.display = "none"
        self._said.pop("offer", None)
        self._form.layout.display = ""
        self._add.layout.display = "none"
        self._relabel()

    def _values(self) -> dict:
        return {"title": self._title.value, "description": self._description.value, "kind": self._kind.value,
                "municipality": self._municipality.value,
                "months": [m for m, b in self._months.items() if b.value],
                "capacity_per_day": self._capacity.value, "price_amount": self._price.value,
                "currency": self._currency.value, "vat_included": self._vat.value,
                "price_unit": self._price_unit.value,
                # a value the person cannot see is not sent: a price per person covers one guest
                "price_guests": self._price_guests.value if self._uses("guests") else 1,
                "price_nights": self._price_nights.value if self._uses("nights") else 1,
                "duration_hours": self._duration.value,
                "languages": [c for c, b in self._languages.items() if b.value], "trend": self._trend.value}

    def _save_offer(self, again: bool = False) -> None:
        def save() -> None:
            self._service.save_offer(self._values(), self.lang, self._editing, self._base)

        try:
            if not attempt(save, again=again, conflict=self._conflict, conflict_key="profile.offer_conflict",
                           rebase=lambda head: setattr(self, "_base", head), show_problems=self._show_problems,
                           say=partial(self._say, "offer"), lang=self.lang, me=self._service.person):
                return
        except NotFound:
            self._say("offer", "profile.offer_gone")
            self._editing, self._base = None, None
            return
        self._close()
        self._say("offers", "profile.offer_saved")
        self._reload()

    def _take_theirs(self) -> None:
        self._read()
        self._open(self._editing)

    def _close(self) -> None:
        self._form.layout.display = "none"
        self._add.layout.display = ""
        self._editing = self._base = None
        self._opened = None
        self._notice.show(False)
        self._track()
        self._show_problems(None)
        self._said.pop("offer", None)
        self._form_status.value = ""

    # -- unsaved input, kept in the browser ----------------------------------------------------
    def _track(self, _change=None) -> None:
        """Hand the open form's unsaved input (which offer, from which version) to the browser's copy."""
        if self._filling:
            return
        values = self._values() if self._opened is not None else None
        changed = values is not None and values != self._opened
        self._drafts.keep({"editing": self._editing, "base": self._base, "form": values} if changed else None)

    def _discard(self) -> None:
        """Drop the kept input and close the form."""
        self._close()
        self._drafts.forget()

    def _restore(self, found: dict) -> bool:
        """Open the form with input kept from an earlier visit, unless the form is in use here."""
        form, editing, base = found.get("form"), found.get("editing"), found.get("base")
        if self.profile is None or self._service.readonly or not isinstance(form, dict) or self._opened is not None:
            return False
        if not any(o.value.id == editing for o in self.profile.offers):
            editing, base = None, None  # the offer is gone: the input can still become a new one
        self._open(editing)
        with self._filling:
            for name in ("title", "description", "price"):
                getattr(self, f"_{name}").value = str(form.get(name if name != "price" else "price_amount", ""))
            for name, widget in (("kind", self._kind), ("municipality", self._municipality),
                                 ("currency", self._currency), ("price_unit", self._price_unit),
                                 ("trend", self._trend)):
                if form.get(name) in {o[1] if isinstance(o, tuple) else o for o in widget.options}:
                    widget.value = form[name]
            self._capacity.value = int(form.get("capacity_per_day", self._capacity.value))
            self._duration.value = float(form.get("duration_hours", self._duration.value))
            self._vat.value = bool(form.get("vat_included", self._vat.value))
            for name in ("price_guests", "price_nights"):
                widget = getattr(self, f"_{name}")
                value = form.get(name, widget.value)
                widget.value = min(max(int(value), widget.min), widget.max) if isinstance(value, int) else widget.value
            tick(self._months, form.get("months", []))
            tick(self._languages, form.get("languages", []))
        if editing is not None and isinstance(base, int):
            self._base = base  # saving from there: what others saved since shows as a conflict
        self._notice.show()
        self._track()
        return True

    # -- units ------------------------------------------------------------------------------
    def _uses(self, what: str) -> bool:
        """Whether the chosen price unit covers a number of ``guests`` or of ``nights`` the person states.

        Nights belong to a unit (a cabin week), and to a price per person of a stay or of
        something that lasts more than a day (a weekend with two nights).
        """
        unit = self._price_unit.value
        if what == "guests":
            return unit in ("group", "night", "unit")
        long = self._kind.value == "accommodation" or (self._duration.value or 0) >= 24
        return unit == "unit" or (unit == "person" and long)

    def _show_units(self) -> None:
        """Show the guests and nights only where the price unit has them; the capacity's unit as the kind counts."""
        self._fields["price_guests"].layout.display = "" if self._uses("guests") else "none"
        self._fields["price_nights"].layout.display = "" if self._uses("nights") else "none"
        self._capacity_unit.value = part("span", capacity_unit_text(self._kind.value, self.lang))

    def _kind_changed(self, change) -> None:
        """A new kind brings its capacity unit, and its usual price unit if the price unit was the old kind's."""
        if not self._filling and not self._relabelling and \
                self._price_unit.value == DEFAULT_PRICE_UNIT.get(change["old"]):
            self._price_unit.value = DEFAULT_PRICE_UNIT[change["new"]]
        self._show_units()

    def _show_problems(self, exc: FormProblems | None) -> None:
        found = dict(exc.by_field) if exc else {}
        for name, field in self._fields.items():
            field.say(found.get(name, ""))
        self._problems_shown = exc is not None

    # -- messages and language --------------------------------------------------------------
    def _say(self, where: str, key: str, **values) -> None:
        self._said[where] = (key, values)
        self._show_said()

    def _show_said(self) -> None:
        for where, widget in (("offers", self._list_status), ("offer", self._form_status)):
            key, values = self._said.get(where, ("", {}))
            widget.value = status_html(key, values, self.lang)

    def _work(self, where: str, action: Callable, *args, **kwargs) -> None:
        self._busy.run(partial(self._say, where), action, *args, **kwargs)

    @tr.observe("lang")
    def _on_lang(self, _change) -> None:
        self._notice.relabel(self.lang)
        self._relabel()
        if self.profile is not None:
            self._render()
        if self._problems_shown:  # say them again in the new language
            try:
                self._service.check_offer(self._values(), self.lang)
            except FormProblems as exc:
                self._show_problems(exc)

    def _relabel(self) -> None:
        lang = self.lang
        for widget, field in ((self._title, "title"), (self._description, "description"), (self._kind, "kind"),
                              (self._municipality, "municipality"), (self._capacity, "capacity_per_day"),
                              (self._price, "price"), (self._price_unit, "price_unit"),
                              (self._price_guests, "price_guests"), (self._price_nights, "price_nights"),
                              (self._duration, "duration_hours"), (self._trend, "trend")):
            widget.description = t(f"field.{field}", lang)
        relabel_options(self._price_unit, [(t(f"unit.price_choice.{u}", lang), u) for u in PRICE_UNITS])
        self._show_units()
        self._heading.value = part("heading", 2, t("profile.offers", lang))
        self._add.description = t("profile.add_offer", lang)
        title = t("profile.edit_title" if self._editing else "profile.new_offer", lang)
        self._form_title.value = part("heading", 3, title)
        with self._relabelling:  # new options pass through the first kind before the chosen one is back
            relabel_options(self._kind, [(capital(t(f"batch.offer.{k}", lang)), k) for k in OFFER_KINDS])
        relabel_options(self._trend, [(capital(t(f"batch.trend.{k}", lang)), k) for k in TRENDS])
        names = t("batch.months", lang).split(",")
        self._months_label.value = part("field_label", t("field.months", lang), t("profile.months_help", lang))
        for m, b in self._months.items():
            b.description = b.tooltip = capital(names[m - 1])
        self._languages_label.value = part("field_label", t("field.languages", lang))
        for code, b in self._languages.items():
            b.description = t(f"profile.language.{code}", lang)
            b.tooltip = b.description
        self._vat.description = t("field.vat_included", lang)
        self._currency.description = t("field.currency", lang)
        self._price.placeholder = t("profile.price_hint", lang)
        self._save.description = t("profile.save_offer", lang)
        self._cancel.description = t("board.cancel", lang)
        self._keep.description = t("profile.keep_mine", lang)
        self._theirs.description = t("profile.take_theirs", lang)
        self._show_said()
