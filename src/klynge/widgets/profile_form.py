"""The pieces the profile's forms are made of: a field with its message, toggles, and saving.

Both forms of the profile step, the organisation's and an offer's, are built from these: an
input with the message that says what is wrong with it, a row of toggle buttons, the status
line under the form, a save that says its problems or its conflict, and a group of buttons
that are disabled together while one of them works. Also here: months and prices written as
a person reads them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as w

from ..errors import AccessDenied, Conflict, SessionEnded
from ..i18n import t
from ..templating import part
from .drafts import who_saved
from .profile_service import CALENDAR, FormProblems

__all__ = ["Busy", "Field", "amount_text", "attempt", "capital", "months_text", "relabel_options", "status_html",
           "tick", "toggles"]

log = logging.getLogger(__name__)

#: The messages that say something went wrong (shown as such); the others say it went well.
_BAD = ("profile.not_saved", "profile.error", "profile.conflict", "profile.offer_conflict",
        "profile.remove_conflict", "profile.offer_gone", "profile.denied", "shell.session_ended")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def amount_text(amount) -> str:
    """A price as a person would write it: ``450`` or ``450.50``."""
    return str(int(amount)) if amount == amount.to_integral_value() else f"{amount:.2f}"


def months_text(months: list[int], lang: str) -> str:
    """Months as runs in the programme's order, e.g. ``Okt–Des, Feb``."""
    names = t("batch.months", lang).split(",")
    chosen = [m for m in CALENDAR if m in set(months)]
    runs: list[list[int]] = []
    for m in chosen:
        if runs and CALENDAR.index(m) == CALENDAR.index(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(names[r[0] - 1] if len(r) == 1 else f"{names[r[0] - 1]}–{names[r[-1] - 1]}" for r in runs)


class Field(w.VBox):
    """An input with the message that explains what is wrong with it."""

    def __init__(self, *inputs: w.Widget, name: str):
        self.error = w.HTML()
        self.error.add_class("klynge-profile-error")
        super().__init__([*inputs, self.error])
        self.add_class("klynge-profile-field")
        self.add_class(f"klynge-profile-{name}")

    def say(self, message: str) -> None:
        self.error.value = part("span", message, role="alert") if message else ""
        (self.add_class if message else self.remove_class)("klynge-profile-invalid")


def toggles(values, cls: str) -> tuple[dict, w.Box]:
    """A toggle button for each of ``values`` (class ``{cls}-{value}``), in a box of class ``cls``."""
    buttons = {v: w.ToggleButton(value=False) for v in values}
    for v, b in buttons.items():
        b.add_class(f"{cls}-{v}")
    box = w.Box(list(buttons.values()))
    box.add_class(cls)
    return buttons, box


def tick(buttons: dict, chosen) -> None:
    """Turn on each toggle or check box of ``buttons`` whose key is in ``chosen``, and the others off."""
    chosen = set(chosen)
    for key, button in buttons.items():
        button.value = key in chosen


def relabel_options(dropdown: w.Dropdown, options: list[tuple[str, str]]) -> None:
    """New labels for a dropdown's choices; the chosen value stays."""
    value = dropdown.value
    dropdown.options = options
    if value in {v for _label, v in options}:
        dropdown.value = value


def status_html(key: str, values: dict, lang: str) -> str:
    """The status line of a form: the message ``key`` in ``lang``, marked as good or bad news."""
    if not key:
        return ""
    return part("span", t(key, lang, **values), css="klynge-message" if key in _BAD else "klynge-profile-ok",
                role="status")


def attempt(save: Callable[[], None], *, again: bool, conflict: w.Widget, conflict_key: str,
            rebase: Callable[[int], None], show_problems: Callable[[FormProblems], None],
            say: Callable[..., None], lang: str, me: str = "") -> bool:
    """Run a save; say its problems or its conflict. True when it went through.

    ``again`` is the person's choice to save their version over one saved in between:
    the save is made once more from the version now current (``rebase`` is told which).
    ``me`` is the person's name: a save of their own in between is theirs "in another window".
    """
    conflict.layout.display = "none"
    while True:
        try:
            save()
            return True
        except FormProblems as exc:
            show_problems(exc)
            say("profile.not_saved", n=len(exc.problems))
            return False
        except Conflict as exc:
            if not again:
                conflict.layout.display = ""
                say(conflict_key, who=who_saved(exc.saved_by, me, lang))
                return False
            rebase(exc.head)
            again = False


class Busy:
    """The buttons of a page that are disabled together while one of them does its work."""

    def __init__(self) -> None:
        self.buttons: list[w.Button] = []

    def add(self, *buttons: w.Button) -> None:
        self.buttons.extend(buttons)

    def run(self, say: Callable[[str], None], action: Callable, *args, **kwargs) -> None:
        """Run ``action`` with the buttons disabled; a failure is logged and said in plain words with ``say``."""
        for b in self.buttons:
            b.disabled = True
        try:
            action(*args, **kwargs)
        except SessionEnded:
            log.info("profile: refused, the sign-in has ended")
            say("shell.session_ended")
        except AccessDenied:
            log.warning("profile: refused a change the person may not make")
            say("profile.denied")
        except Exception:
            log.exception("profile: %s failed", getattr(action, "__name__", "an action"))
            say("profile.error")
        finally:
            for b in self.buttons:
                b.disabled = False
