"""The facilitator's view of the partner network: who is well connected, who is isolated, which links close gaps.

:class:`NetworkPage` is handed a :class:`~klynge.widgets.partners_service.PartnersService`
(for no member in particular) and shows the network as a picture and three lists. The HTML comes
from the macros of ``widgets/network.html.j2``, where every value is escaped.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..templating import part, snippet
from .facilitator_style import style
from .meetings_page import image, message
from .partners_service import NetworkPicture, PartnersService

__all__ = ["NetworkPage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/network.html.j2"


class NetworkPage(w.VBox):
    """The partner network for facilitators: the picture, the best connected, the isolated, the gaps."""

    lang = Unicode("nb")

    def __init__(self, service: PartnersService):
        super().__init__()
        self.add_class("klynge-network")
        self.add_class("klynge-fac")
        self._service = service
        self.picture: NetworkPicture | None = None
        self._pngs: dict[str, bytes] = {}
        self._head = w.HTML()
        self._reload = w.Button(icon="refresh")
        self._reload.add_class("klynge-network-reload")
        self._reload.on_click(lambda _b: self.refresh())
        self._body = w.HTML()
        self._body.add_class("klynge-network-body")
        self.children = [style(), self._head, self._reload, self._body]
        self._read()

    def refresh(self) -> None:
        self._service.refresh()
        self._read()

    def _read(self) -> None:
        self._reload.disabled = True
        try:
            self.picture = self._service.network(self.lang)
            self._pngs = {self.lang: self.picture.png}
        except Exception:
            log.exception("the partner network could not be drawn")
            self.picture = None
        finally:
            self._reload.disabled = False
        self._relabel()

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("network.page.title", lang), t("network.page.intro", lang))
        self._reload.description = t("members.reload", lang)
        net = self.picture
        if net is None:
            self._body.value = message(t("page.error.body", lang))
            return
        if lang not in self._pngs:
            try:
                self._pngs[lang] = self._service.network(lang).png
            except Exception:
                log.exception("the partner network could not be drawn")
                self._pngs[lang] = b""
        summary = t("network.page.summary", lang, n=len(net.members), parts=net.components,
                    isolated=len(net.isolated))
        best = [(m["name"], m["degree"]) for m in net.members[:10] if m["degree"]]
        gaps = [(a, b, t("partners.page.score", lang, score=round(100 * s))) for a, b, s in net.gaps[:15]]
        figure = image(self._pngs[lang], t("network.page.figure_title", lang), "klynge-network-figure")
        self._body.value = snippet(_TEMPLATE, "body", summary, figure, best, net.isolated, gaps, lang)
