"""Unsaved input kept in the browser: a form's drafts survive a reload, and leaving warns first.

A form hands its unsaved input to its :class:`Drafts` widget (:meth:`Drafts.keep`) whenever
it changes; the browser side (``widgets/drafts.js``) writes it to local storage under a name
distinct per person, organisation and form (:func:`draft_key`), warns before the page is left
while anything is unsaved, and, when the page is opened again, hands the entry back for the
form to put in place (the form's ``restore`` callback). A :class:`DraftNotice` then says so
beside the form, with a button to discard it.

Also here: :func:`who_saved`, the names of those who saved in between, with the person's own
name said as "you, in another window" (their earlier draft or a second tab).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable

import anywidget
import ipywidgets as w
import traitlets as tr

from .. import resources
from ..i18n import t
from ..templating import part

__all__ = ["DraftNotice", "Drafts", "Filling", "draft_key", "who_saved"]

log = logging.getLogger(__name__)


def draft_key(form: str, organisation_id: int, person_id: int | None) -> str:
    """A name for the browser's local storage: not secret, distinct per form, organisation and person."""
    raw = f"klynge-draft|{form}|{organisation_id}|{person_id}"
    return "klynge.draft." + hashlib.sha256(raw.encode()).hexdigest()[:20]


def who_saved(names: Iterable[str], me: str, lang: str) -> str:
    """Who saved in between, for a message; the person's own name becomes "you, in another window"."""
    said = []
    for name in names:
        text = t("draft.you_elsewhere", lang) if me and name == me else name
        if text and text not in said:
            said.append(text)
    return ", ".join(said) or t("board.someone", lang)


class Filling:
    """True while a form fills itself (from the store or a draft), so its observers do not take it for typing.

    Use it as ``with self._filling: ...``; it is false again however the block ends.
    """

    def __init__(self) -> None:
        self._on = False

    def __bool__(self) -> bool:
        return self._on

    def __enter__(self) -> Filling:
        self._on = True
        return self

    def __exit__(self, *_exc) -> None:
        self._on = False


class Drafts(anywidget.AnyWidget):
    """An invisible widget that keeps a form's unsaved input in the browser.

    Parameters
    ----------
    key
        The name of the entry in local storage (:func:`draft_key`); empty keeps nothing (a
        person who may only read).
    restore
        Called with the input kept from an earlier visit; returns True when it put it into the
        form. Otherwise the kept entry is dropped.
    """

    _esm = resources.path("widgets", "drafts.js")

    key = tr.Unicode("", help="the name of the local copy; empty: nothing is kept").tag(sync=True)
    unsaved = tr.Dict(help="the form's input that is not saved; empty when it holds what is stored").tag(sync=True)
    found = tr.Dict(help="input kept from an earlier visit, sent once by the browser").tag(sync=True)

    def __init__(self, key: str, restore: Callable[[dict], bool], **kwargs):
        super().__init__(key=key, **kwargs)
        self._restore = restore
        self.observe(self._on_found, "found")

    def keep(self, unsaved: dict | None) -> None:
        """Keep ``unsaved`` in the browser (None or empty: nothing is unsaved, drop the copy)."""
        self.unsaved = dict(unsaved or {})

    def forget(self) -> None:
        """Drop the browser's copy, whatever it holds."""
        self.unsaved = {}
        self.send({"type": "forget"})

    def _on_found(self, change) -> None:
        found = change["new"]
        if not found:
            return
        try:
            restored = bool(self._restore(found))
        except Exception:  # a copy from an older version of the form: drop it, keep the page
            log.warning("a kept draft could not be put back into its form", exc_info=True)
            restored = False
        self.found = {}
        if not restored:
            self.forget()


class DraftNotice(w.HBox):
    """Says that unsaved input from an earlier visit is back in the form, with a button to discard it."""

    def __init__(self, discard: Callable[[], None], lang: str = "nb"):
        self._text = w.HTML()
        self._discard = w.Button()
        self._discard.add_class("klynge-draft-discard")
        self._discard.on_click(lambda _b: self._on_discard(discard))
        super().__init__([self._text, self._discard])
        self.add_class("klynge-draft-notice")
        self.layout.display = "none"
        self.relabel(lang)

    @property
    def shown(self) -> bool:
        return self.layout.display != "none"

    def show(self, on: bool = True) -> None:
        self.layout.display = "" if on else "none"

    def relabel(self, lang: str) -> None:
        self._text.value = part("span", t("draft.restored", lang), role="status")
        self._discard.description = t("draft.discard", lang)

    def _on_discard(self, discard: Callable[[], None]) -> None:
        self.show(False)
        discard()
