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
from collections.abc import Callable, Hashable

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle
from markupsafe import Markup
from traitlets import Unicode, observe

from ..analysis.funnel import GROUPS, SIGNALS, FollowUp
from ..errors import KlyngeError
from ..formatting import percent
from ..i18n import t
from ..templating import part, snippet
from .deferred import after_this_message
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
.klynge-funnel-drawing{display:flex;align-items:center;justify-content:center;gap:8px;box-sizing:border-box;
  max-width:100%;margin:8px 0;border:1px dashed #a0aec0;border-radius:6px;background:#f7fafc;
  color:var(--klynge-muted,#55615f)}
.klynge-funnel-drawing::before{content:"";width:14px;height:14px;border:2px solid currentColor;
  border-right-color:transparent;border-radius:50%;animation:klynge-funnel-spin 1s linear infinite}
@keyframes klynge-funnel-spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.klynge-funnel-drawing::before{animation:none}}
.klynge-funnel-drawing-funnel{width:480px;aspect-ratio:480/220}
.klynge-funnel-drawing-tree{width:660px;height:16rem}
@media (max-width:700px){
  .klynge-funnel,.klynge-funnel .widget-vbox,.klynge-funnel .widget-html,.klynge-funnel .widget-html-content{
    min-width:0;max-width:100%}
  .klynge-funnel .klynge-funnel-tree img{max-width:none!important;width:auto!important}
}
"""


class _Shared:
    """Layouts and styles that the rows of a group share: each is a widget of its own in the kernel and the
    browser, and no row changes them, so a group of 25 rows makes 5 of them rather than 175."""

    def __init__(self):
        self.row, self.who, self.button = w.Layout(), w.Layout(), w.Layout()
        self.who_style, self.button_style = HTMLStyle(), w.ButtonStyle()


class FollowUpRow(w.HBox):
    """One member to follow up: who, since when, a "Send a reminder" button and the outcome."""

    def __init__(self, row: FollowUp, service: FunnelService, lang: str, shared: _Shared | None = None):
        shared = shared or _Shared()
        super().__init__(layout=shared.row)
        self.add_class("klynge-funnel-row")
        self.row, self._service, self.lang = row, service, lang
        self._who = w.HTML(layout=shared.who, style=shared.who_style)
        self.button = w.Button(button_style="", icon="envelope", layout=shared.button, style=shared.button_style)
        self.button.add_class("klynge-funnel-remind")
        self.button.on_click(lambda _b: self.remind())
        self._said: w.HTML | None = None
        self._link: w.Text | None = None
        self.children = [self._who, self.button]
        self.outcome: str | None = None
        self.relabel(lang)

    def _outcome_box(self) -> None:
        """The place for the outcome, made at the first reminder: a page of rows opens with half the widgets."""
        if self._said is not None:
            return
        self._said = w.HTML()
        self._link = w.Text(layout=w.Layout(display="none"))
        self._link.add_class("klynge-funnel-link")
        outcome = w.VBox([self._said, self._link])
        outcome.add_class("klynge-funnel-outcome")
        outcome.add_class("klynge-fac-link")
        self.children = [self._who, self.button, outcome]

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
        self._outcome_box()
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
        self._shared = _Shared()
        self._more = w.Button()
        self._more.add_class("klynge-funnel-more")
        self._more.on_click(lambda _b: self.show_more())
        self.children = [self._head, self._rows, self._more]
        self.lang = lang
        self.show_more()

    def show_more(self) -> None:
        start = len(self.rows)
        self.rows += [FollowUpRow(r, self._service, self.lang, self._shared) for r in self._all[start:start + PAGE]]
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
    """The mobilisation funnel, the referral tree, what is missing and the follow-up list.

    Parameters
    ----------
    service
        What the page reads, draws and sends reminders through.
    lang
        The language the page opens in (the shell's), so nothing is drawn in another one first.
    later
        How the pictures are drawn after the page is shown: ``later(work)`` runs ``work`` once the
        page's numbers and follow-up list are on their way to the browser
        (:func:`~klynge.widgets.deferred.after_this_message` by default). Until then each picture's
        place says it is being drawn.
    """

    lang = Unicode("nb")

    def __init__(self, service: FunnelService, lang: str = "nb", *,
                 later: Callable[[Callable[[], None]], None] | None = None):
        super().__init__()
        self.add_class("klynge-funnel")
        self.add_class("klynge-fac")
        self._service = service
        self._later = later or after_this_message
        self.view: FunnelView | None = None
        self._ready = False
        #: (picture, language, what it shows) -> PNG; b"" when it could not be drawn
        self._pngs: dict[tuple[str, str, Hashable], bytes] = {}
        self._queued: set[str] = set()
        self._shows: dict[str, Hashable] = {}
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
        self.lang = lang
        self._ready = True
        self.refresh()

    def refresh(self) -> None:
        """Read the funnel again and show it: the numbers and the list at once, the pictures after.

        A picture already drawn of the same data in the same language is shown again as it is.
        """
        self._reload.disabled = True
        try:
            self.view = self._service.read()
            self._shows = {"funnel": self.view.funnel.stages, "tree": _tree_shows(self.view.tree)}
            self._pngs = {k: v for k, v in self._pngs.items() if self._shows.get(k[0]) == k[2]}
            old = list(self._follow.children)
            self.groups = {g: _Group(g, self.view.follow_up[g], self._service, self.lang, self.view.stopped_weeks)
                           for g in GROUPS}
            self._follow.children = list(self.groups.values())
            for widget in old:  # else every refresh leaves its rows' widgets behind, in the kernel and the browser
                close(widget)
        except KlyngeError as exc:
            log.info("the funnel could not be read: %s", exc)
            self.view, self._error = None, str(exc)
        except Exception:
            log.exception("the funnel could not be read")
            self.view, self._error = None, t("page.error.body", self.lang)
        finally:
            self._reload.disabled = False
        self._relabel(groups=False)

    @property
    def drawing(self) -> tuple[str, ...]:
        """The pictures still being drawn (``funnel``, ``tree``)."""
        return tuple(sorted(self._queued))

    def _key(self, which: str) -> tuple[str, str, Hashable]:
        return which, self.lang, self._shows.get(which)

    def _picture(self, which: str, alt: str) -> Markup:
        """The picture when it is drawn; else its place, saying it is being drawn."""
        png = self._pngs.get(self._key(which))
        if png is None:
            return snippet(_T, "drawing", t("funnel.drawing", self.lang), f"klynge-funnel-drawing-{which}")
        return image(png, alt, "klynge-funnel-figure")

    def _queue_pictures(self) -> None:
        """Ask for the pictures not drawn yet in this language, the funnel first."""
        if self.view is None:
            return
        for which in ("funnel", "tree") if self.view.funnel.count("invited") else ("tree",):
            if self._key(which) not in self._pngs and which not in self._queued:
                self._queued.add(which)
                self._later(lambda which=which: self._draw(which))

    def _draw(self, which: str) -> None:
        """Draw ``which`` for the data and language shown now, and put it in its place."""
        self._queued.discard(which)
        view, key = self.view, self._key(which)
        if view is None:
            return
        if key not in self._pngs:
            try:
                draw = self._service.funnel_png if which == "funnel" else self._service.tree_png
                self._pngs[key] = draw(view, self.lang)
            except Exception:
                log.exception("the %s picture could not be drawn", which)
                self._pngs[key] = b""
        if which == "funnel":
            self._funnel.value = self._funnel_html(view, self.lang)
        else:
            self._tree.value = self._tree_html(view, self.lang)

    @observe("lang")
    def _on_lang(self, _change) -> None:
        if self._ready:
            self._relabel()

    def _relabel(self, groups: bool = True) -> None:
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
        if groups:
            for group in self.groups.values():
                group.relabel(lang)
        self._queue_pictures()

    def _funnel_html(self, view: FunnelView, lang: str):
        f = view.funnel
        stages = [(t(f"funnel.stage.{s.name}", lang), s.count, percent(s.share, lang) if i else "")
                  for i, s in enumerate(f.stages)]
        organisations = t("funnel.organisations", lang, n=f.organisations, active=f.active_organisations)
        signals = [(t(f"funnel.signal.{sig}", lang), f.by_signal.get(sig, 0)) for sig in SIGNALS] \
            if f.count("active") else []
        figure = self._picture("funnel", t("funnel.funnel_alt", lang))
        if not f.count("invited"):
            figure = part("para", t("funnel.nobody", lang), css="klynge-fac-muted", role="status")
        return snippet(_T, "funnel", figure, stages, organisations, signals, lang)

    def _tree_html(self, view: FunnelView, lang: str):
        s = view.summary
        summary = t("funnel.tree_summary", lang, depth=s["depth"], by_members=s["by_members"],
                    by_facilitators=s["by_facilitators"])
        brought = [(name, t("funnel.brought", lang, direct=direct, all=everyone))
                   for name, direct, everyone in s["brought_most"]]
        figure = self._picture("tree", t("funnel.tree_alt", lang))
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


def close(widget: w.Widget) -> None:
    """Close ``widget`` and every widget below it (children, layouts, styles), in the kernel and the browser."""
    for child in getattr(widget, "children", ()):
        close(child)
    for part_ in ("layout", "style"):
        owned = getattr(widget, part_, None)
        if isinstance(owned, w.Widget):
            owned.close()
    widget.close()


def _tree_shows(tree) -> Hashable:
    """What the tree picture shows, to know whether a picture drawn before still holds: nodes and edges."""
    return (tuple((n, a.get("label"), a.get("kind"), a.get("type")) for n, a in tree.nodes(data=True)),
            tuple(tree.edges))
