"""The facilitator's "Mobilisation" page: the funnel, who brought whom, what is missing, and whom to follow up.

:class:`FunnelPage` is handed a :class:`~klynge.widgets.funnel_service.FunnelService`. It shows
the funnel (invited, registered, active) as a picture and in numbers, the referral tree as a
picture with who brought most, the kinds of organisation and the municipalities still missing
against the cluster's plan, and the follow-up list in three groups (invited and silent,
registered and not started, stopped), each member with a "Send a reminder" button whose outcome
appears beside it: sent, a link to copy when no mail server is set up, or what went wrong in
plain words. HTML comes from ``widgets/funnel_page.html.j2``.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..analysis.funnel import GROUPS, SIGNALS, FollowUp
from ..errors import KlyngeError
from ..formatting import percent
from ..i18n import t
from ..templating import part, snippet
from .facilitator_style import style
from .funnel_service import FunnelService, FunnelView
from .meetings_page import image, message

__all__ = ["FunnelPage", "FollowUpRow"]

log = logging.getLogger(__name__)

_T = "widgets/funnel_page.html.j2"
#: Rows of a follow-up group shown at first, and added by each "Show more".
PAGE = 25

STYLE = """
.klynge-funnel figure{margin:8px 0}
.klynge-funnel figure img{max-width:100%;height:auto}
.klynge-funnel-row{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;padding:6px 0;
  border-bottom:1px solid var(--klynge-line,#d9e2ec);max-width:100%}
.klynge-funnel-row>.widget-html{flex:1 1 16rem;min-width:0}
.klynge-funnel-row .klynge-funnel-outcome{flex:1 1 100%;min-width:0}
.klynge-funnel-who .ago{display:block;color:var(--klynge-muted,#55615f);font-size:.9rem}
.klynge-funnel .klynge-message{color:#b91c1c;margin:2px 0}
.klynge-funnel .klynge-funnel-group{margin-top:10px}
@media (max-width:700px){
  .klynge-funnel,.klynge-funnel .widget-vbox,.klynge-funnel .widget-html,.klynge-funnel .widget-html-content{
    min-width:0;max-width:100%}
  .klynge-funnel .klynge-funnel-tree img{max-width:none!important;width:auto!important}
}
"""


class FollowUpRow(w.HBox):
    """One member to follow up: who, since when, a "Send a reminder" button and the outcome."""

    def __init__(self, row: FollowUp, service: FunnelService, lang: str):
        super().__init__()
        self.add_class("klynge-funnel-row")
        self.row, self._service, self.lang = row, service, lang
        self._who = w.HTML()
        self.button = w.Button(button_style="", icon="envelope")
        self.button.add_class("klynge-funnel-remind")
        self.button.on_click(lambda _b: self.remind())
        self._said = w.HTML()
        self._link = w.Text(layout=w.Layout(display="none"))
        self._link.add_class("klynge-funnel-link")
        outcome = w.VBox([self._said, self._link])
        outcome.add_class("klynge-funnel-outcome")
        outcome.add_class("klynge-fac-link")
        self.children = [self._who, self.button, outcome]
        self.outcome: str | None = None
        self.relabel(lang)

    def relabel(self, lang: str) -> None:
        self.lang = lang
        r = self.row
        detail = t(f"funnel.row.{r.group}", lang, days=r.days, reminders=r.reminders)
        if r.group == "silent" and r.inviter:
            detail = f"{detail} · {t('funnel.row.by', lang, name=r.inviter)}"
        if r.group == "silent" and r.delivery in ("failed", "bounced", "link", "queued"):
            detail = f"{detail} · {t(f'funnel.delivery.{r.delivery}', lang)}"
        self._who.value = snippet(_T, "row", r.name, r.organisation, detail)
        self.button.description = t("funnel.remind", lang)
        self.button.tooltip = t("funnel.remind_help", lang, name=r.name)

    def remind(self) -> None:
        """Send the reminder and show the outcome beside the button; never a traceback."""
        lang = self.lang
        self.button.disabled = True
        self._link.layout.display = "none"
        try:
            outcome = self._service.remind(self.row.person_id)
            if outcome.error:
                self.outcome = "error"
                self._said.value = message(t("funnel.failed", lang, error=outcome.error))
            elif outcome.link:
                self.outcome = "link"
                self._said.value = part("para", t("funnel.link", lang), css="klynge-fac-muted", role="status")
            else:
                self.outcome = "sent"
                self._said.value = part("para", t("funnel.sent", lang, name=self.row.name), css="klynge-fac-ok",
                                        role="status")
            if outcome.link:
                self._link.value = outcome.link
                self._link.layout.display = None
        except KlyngeError as exc:
            log.info("the reminder to person %s was not sent: %s", self.row.person_id, exc)
            self.outcome = "error"
            self._said.value = message(t("funnel.failed", lang, error=str(exc)))
        except ImportError:
            log.exception("the invitation service is missing")
            self.outcome = "error"
            self._said.value = message(t("funnel.unavailable", lang))
        except Exception:
            log.exception("the reminder to person %s could not be sent", self.row.person_id)
            self.outcome = "error"
            self._said.value = message(t("page.error.body", lang))
        finally:
            self.button.disabled = False


class _Group(w.VBox):
    """A follow-up group: its heading, the first rows, and "Show more" for the rest."""

    def __init__(self, group: str, rows: list[FollowUp], service: FunnelService, lang: str, weeks: int):
        super().__init__()
        self.add_class("klynge-funnel-group")
        self.add_class(f"klynge-funnel-{group.replace('_', '-')}")
        self.group, self._all, self._service, self._weeks = group, rows, service, weeks
        self._head = w.HTML()
        self._rows = w.VBox()
        self.rows: list[FollowUpRow] = []
        self._more = w.Button()
        self._more.add_class("klynge-funnel-more")
        self._more.on_click(lambda _b: self.show_more())
        self.children = [self._head, self._rows, self._more]
        self.lang = lang
        self.show_more()

    def show_more(self) -> None:
        start = len(self.rows)
        self.rows += [FollowUpRow(r, self._service, self.lang) for r in self._all[start:start + PAGE]]
        self._rows.children = self.rows
        self.relabel(self.lang)

    def relabel(self, lang: str) -> None:
        self.lang = lang
        help_text = t(f"funnel.help.{self.group}", lang, weeks=self._weeks)
        self._head.value = snippet(_T, "group_head", t(f"funnel.group.{self.group}", lang), help_text, len(self._all))
        for row in self.rows:
            row.relabel(lang)
        left = len(self._all) - len(self.rows)
        self._more.description = t("funnel.more", lang, n=left)
        self._more.layout.display = None if left > 0 else "none"
        if not self._all:
            self._rows.children = [w.HTML(part("para", t("funnel.group.none", lang), css="klynge-fac-muted"))]


class FunnelPage(w.VBox):
    """The mobilisation funnel, the referral tree, what is missing and the follow-up list."""

    lang = Unicode("nb")

    def __init__(self, service: FunnelService):
        super().__init__()
        self.add_class("klynge-funnel")
        self.add_class("klynge-fac")
        self._service = service
        self.view: FunnelView | None = None
        self._pngs: dict[tuple[str, str], bytes] = {}
        self._head = w.HTML()
        self._reload = w.Button(icon="refresh", layout=w.Layout(width="auto", align_self="flex-start"))
        self._reload.add_class("klynge-funnel-reload")
        self._reload.on_click(lambda _b: self.refresh())
        self._funnel, self._tree, self._missing = w.HTML(), w.HTML(), w.HTML()
        self._follow_head = w.HTML()
        self.groups: dict[str, _Group] = {}
        self._follow = w.VBox()
        sections = []
        for box, css in ((self._funnel, "klynge-funnel-funnel"), (self._tree, "klynge-funnel-tree"),
                         (self._missing, "klynge-funnel-missing")):
            section = w.VBox([box])
            section.add_class("klynge-fac-section")
            section.add_class(css)
            sections.append(section)
        follow = w.VBox([self._follow_head, self._follow])
        follow.add_class("klynge-fac-section")
        follow.add_class("klynge-funnel-follow")
        self.children = [style(), style(STYLE), self._head, self._reload, *sections, follow]
        self.refresh()

    def refresh(self) -> None:
        """Read the funnel again and draw it all."""
        self._reload.disabled = True
        try:
            self.view = self._service.read()
            self._pngs = {}
            self.groups = {g: _Group(g, self.view.follow_up[g], self._service, self.lang, self.view.stopped_weeks)
                           for g in GROUPS}
            self._follow.children = list(self.groups.values())
        except KlyngeError as exc:
            log.info("the funnel could not be read: %s", exc)
            self.view, self._error = None, str(exc)
        except Exception:
            log.exception("the funnel could not be read")
            self.view, self._error = None, t("page.error.body", self.lang)
        finally:
            self._reload.disabled = False
        self._relabel()

    def _png(self, which: str) -> bytes:
        key = (which, self.lang)
        if key not in self._pngs:
            try:
                draw = self._service.funnel_png if which == "funnel" else self._service.tree_png
                self._pngs[key] = draw(self.view, self.lang)
            except Exception:
                log.exception("the %s picture could not be drawn", which)
                self._pngs[key] = b""
        return self._pngs[key]

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("funnel.title", lang), t("funnel.intro", lang))
        self._reload.description = t("members.reload", lang)
        self._follow_head.value = part("heading", 2, t("funnel.follow_heading", lang), t("funnel.follow_intro", lang))
        view = self.view
        if view is None:
            self._funnel.value = message(getattr(self, "_error", "") or t("page.error.body", lang))
            self._tree.value = self._missing.value = ""
            return
        self._funnel.value = self._funnel_html(view, lang)
        self._tree.value = self._tree_html(view, lang)
        self._missing.value = self._missing_html(view, lang)
        for group in self.groups.values():
            group.relabel(lang)

    def _funnel_html(self, view: FunnelView, lang: str):
        f = view.funnel
        stages = [(t(f"funnel.stage.{s.name}", lang), s.count, percent(s.share, lang) if i else "")
                  for i, s in enumerate(f.stages)]
        organisations = t("funnel.organisations", lang, n=f.organisations, active=f.active_organisations)
        signals = [(t(f"funnel.signal.{sig}", lang), f.by_signal.get(sig, 0)) for sig in SIGNALS] \
            if f.count("active") else []
        figure = image(self._png("funnel"), t("funnel.funnel_alt", lang), "klynge-funnel-figure")
        if not f.count("invited"):
            figure = part("para", t("funnel.nobody", lang), css="klynge-fac-muted", role="status")
        return snippet(_T, "funnel", figure, stages, organisations, signals, lang)

    def _tree_html(self, view: FunnelView, lang: str):
        s = view.summary
        summary = t("funnel.tree_summary", lang, depth=s["depth"], by_members=s["by_members"],
                    by_facilitators=s["by_facilitators"])
        brought = [(name, t("funnel.brought", lang, direct=direct, all=everyone))
                   for name, direct, everyone in s["brought_most"]]
        figure = image(self._png("tree"), t("funnel.tree_alt", lang), "klynge-funnel-figure")
        return snippet(_T, "tree", part("div", figure, css="klynge-fac-scroll"), summary, brought, lang)

    def _missing_html(self, view: FunnelView, lang: str):
        rows = [{"category": t(f"strategy.category.{c['category']}", lang),
                 "kinds": ", ".join(t(f"kind.{k}", lang) for k in c["kinds"]),
                 "count": f"{c['count']} / {c['total']}", "share": percent(c["share"], lang),
                 "target": percent(c["target"], lang), "needed": c["needed"], "short": bool(c["needed"])}
                for c in view.missing.categories]
        met = t("funnel.mix_met", lang) if rows and not view.missing.short else ""
        places = [name for _code, name in view.missing.municipalities]
        if not view.has_target_municipalities:
            note = t("funnel.places_unset", lang)
        elif not places:
            note = t("funnel.places_met", lang)
        else:
            note = ""
        return snippet(_T, "missing", rows, met, places, note, lang)
