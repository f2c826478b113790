"""The facilitator's view of the partner network: who is well connected, who is isolated, which links close gaps.

:class:`NetworkPage` is handed a :class:`~klynge.widgets.partners_service.PartnersService`
(for no member in particular) and shows the network as a picture and three lists. HTML is made
with ``markupsafe`` (every value escaped) and kept small.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from markupsafe import Markup
from traitlets import Unicode, observe

from ..i18n import t
from .facilitator_style import style
from .meetings_page import image, message
from .partners_service import NetworkPicture, PartnersService

__all__ = ["NetworkPage"]

log = logging.getLogger(__name__)


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
        self._head.value = Markup("<h1>{}</h1><p>{}</p>").format(t("network.page.title", lang),
                                                                 t("network.page.intro", lang))
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
        summary = Markup("<p>{}</p>").format(t("network.page.summary", lang, n=len(net.members),
                                                 parts=net.components, isolated=len(net.isolated)))
        row = Markup("<tr><td class='name'>{}</td><td class='num' data-label='{}'>{}</td></tr>")
        best = Markup("").join(row.format(m["name"], t("network.page.links", lang), m["degree"])
                               for m in net.members[:10] if m["degree"])
        connected = Markup("<h2>{}</h2><div class='klynge-fac-scroll'><table class='klynge-fac-table'><thead><tr>"
                           "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>").format(
            t("network.page.connected", lang), t("meetings.page.member", lang), t("network.page.links", lang), best)
        isolated = Markup("<h2>{}</h2><p class='klynge-fac-muted'>{}</p><ul class='klynge-network-isolated'>{}</ul>"
                          ).format(t("network.page.isolated", lang), t("network.page.isolated_help", lang),
                                   Markup("").join(Markup("<li>{}</li>").format(n) for n in net.isolated))
        gaps = Markup("").join(Markup("<li>{} — {} ({})</li>").format(a, b, t("partners.page.score", lang,
                                                                                 score=round(100 * s)))
                               for a, b, s in net.gaps[:15])
        closing = Markup("<h2>{}</h2><p class='klynge-fac-muted'>{}</p><ul class='klynge-network-gaps'>{}</ul>").format(
            t("network.page.gaps", lang), t("network.page.gaps_help", lang), gaps)
        figure = image(self._pngs[lang], t("network.page.figure_title", lang), "klynge-network-figure")
        self._body.value = Markup("").join([summary, figure, connected, isolated, closing])
