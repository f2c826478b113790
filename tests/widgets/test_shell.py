"""The app shell without a browser: each step at its own address, and the language kept by the browser."""

from __future__ import annotations

import ipywidgets as w

from klynge.i18n import t
from klynge.widgets.canvases_page import CanvasesPage
from klynge.widgets.shell import Page, Shell


class Step(w.HTML):
    """A page that counts how often it was refreshed."""

    def __init__(self):
        super().__init__()
        self.refreshed = 0

    def refresh(self):
        self.refreshed += 1


def shell(lang="nb"):
    canvases = CanvasesPage([("business_model", "canvas.business_model"), ("social_layer", "canvas.social_layer")],
                            lambda cid: w.HTML(cid))
    pages = [Page("home", "nav.home", Step), Page("profile", "nav.profile", Step),
             Page("canvases", "nav.canvases", lambda: canvases)]
    return Shell(pages, who="Kari", lang=lang), canvases


def test_each_step_and_canvas_is_named_in_the_address():
    s, canvases = shell()
    assert s.address.address == "home"
    s.show("profile")
    assert s.address.address == "profile"
    s.show("canvases")
    assert s.address.address == "canvases/business_model"
    canvases.choose("social_layer")
    assert s.address.address == "canvases/social_layer"


def test_an_address_from_the_browser_opens_its_step_and_canvas_without_refreshing_the_step_shown():
    s, canvases = shell()
    s.address.address = "canvases/social_layer"
    assert s.current == "canvases" and canvases.current == "social_layer"
    s.address.address = "profile"
    profile = s.page("profile")
    s.address.address = "profile"
    assert s.current == "profile" and profile.refreshed == 0


def test_an_unknown_address_changes_nothing_and_the_address_names_the_step_shown():
    s, canvases = shell()
    s.show("canvases")
    for wrong in ("nowhere", "canvases/nowhere", "exports"):
        s.address.address = wrong
        assert s.current == "canvases" and canvases.current == "business_model"
        assert s.address.address == "canvases/business_model"


def test_the_language_kept_by_the_browser_is_chosen_and_a_choice_is_handed_to_it():
    s, canvases = shell("nb")
    s.show("canvases")
    assert s.address.lang == "nb" and s.address.languages == ["nb", "sv", "en"]
    s.address.lang = "sv"  # what the browser kept from the last visit
    assert s.lang == "sv" and canvases.lang == "sv" and s._language.value == "sv"
    assert s._buttons["profile"].description == t("nav.profile", "sv")
    s._language.value = "en"  # the person chooses
    assert s.address.lang == "en"
    s.address.lang = "xx"
    assert s.lang == "en"


def test_opening_a_canvas_from_home_is_one_step_in_the_browsers_history():
    s, canvases = shell()
    named = []
    s.address.observe(lambda change: named.append(change["new"]), "address")
    s.go("canvases/social_layer")
    assert named == ["canvases/social_layer"] and canvases.current == "social_layer"
