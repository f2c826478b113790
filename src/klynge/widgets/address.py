"""The page's address and the chosen language, kept by the browser.

Each step of an app has its own address in the page's fragment (``#profile``,
``#canvases/social_layer``), so a reload or the browser's back button returns to it; the
language a person chose is kept in the browser's local storage and chosen again on their
next visit. The browser side is ``widgets/address.js``; the kernel decides which addresses
and languages exist, so nothing the browser sends opens more than the person's own steps.
"""

from __future__ import annotations

import anywidget
import traitlets as tr

from .. import resources

__all__ = ["Address"]


class Address(anywidget.AnyWidget):
    """An invisible widget that mirrors :attr:`address` and :attr:`lang` into the browser, both ways."""

    _esm = resources.path("widgets", "address.js")

    address = tr.Unicode("", help="the step shown, e.g. 'profile' or 'canvases/social_layer'").tag(sync=True)
    lang = tr.Unicode("", help="the language chosen; the browser keeps it for the next visit").tag(sync=True)
    languages = tr.List(tr.Unicode(), help="the languages the browser may choose from").tag(sync=True)
