"""The live workshop board: a round's question and countdown, its ideas by theme, comments, reactions and dots.

:class:`WorkshopBoardView` is handed a :class:`~klynge.widgets.workshop_service.WorkshopService`
and a round. It shows the question with a countdown, my remaining dots, the ideas grouped by
theme (a page of :data:`PAGE` at a time, so a round of 1 000 ideas stays usable), each with
its comments and reactions, and real buttons (keyboard-reachable, labelled) to vote, take a dot
back, react, comment and edit one's own idea. A facilitator also adds themes, files ideas under
them, merges duplicates, gives more time and closes the round.

The board keeps itself current: a :class:`~klynge.widgets.workshop_service.Poller` reads the
round's change counter every second from the kernel's loop and, when it moved, reads the board
and draws again only the idea cards whose content changed. Every text is escaped by the
templates in ``widgets/workshop.html.j2``: hostile markup in an idea shows as text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..store import WorkshopBoard
from ..store.records import now
from ..store.workshops import REACTIONS, BoardIdea
from ..templating import part, snippet
from .facilitator_style import style
from .workshop_service import Poller, WorkshopService, error_text

__all__ = ["PAGE", "IdeaCard", "WorkshopBoardView", "countdown"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/workshop.html.j2"
#: Ideas drawn at once; the rest are a page away.
PAGE = 20

STYLE = """
.klynge-ws{max-width:60rem}
.klynge-ws-question{margin:.2em 0 .4em;font-size:1.25rem;overflow-wrap:anywhere}
.klynge-ws-subject{margin:0;color:#555;overflow-wrap:anywhere}
.klynge-ws-clock{font-size:1.1rem;font-weight:700;margin:.2em 0}
.klynge-ws-clock.late{color:#9a3412}
.klynge-ws-card{border:1px solid #d9e2ec;border-radius:10px;padding:8px 12px;margin:8px 0;background:#fff;
 box-sizing:border-box;max-width:100%}
.klynge-ws-card.mine{border-left:4px solid #0f766e}
.klynge-ws-idea-text{font-size:1.05rem;white-space:pre-wrap;overflow-wrap:anywhere}
.klynge-ws-meta{color:#555;font-size:.9rem}
.klynge-ws-removed{color:#6b6b6b;font-style:italic}
.klynge-ws-counts{margin:.3em 0}
.klynge-ws-comments{margin:.3em 0;padding-left:1.2em;overflow-wrap:anywhere}
.klynge-ws .klynge-ws-row{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.klynge-ws .klynge-ws-row .jupyter-button{min-height:40px}
.klynge-ws .klynge-ws-add textarea,.klynge-ws .klynge-ws-edit textarea{width:100%;min-height:4rem}
.klynge-ws .klynge-ws-add .widget-textarea,.klynge-ws .klynge-ws-edit .widget-textarea{width:100%}
.klynge-ws .klynge-ws-comment input{min-width:10rem}
.klynge-ws .klynge-ws-comment .widget-text{flex:1 1 12rem;width:auto}
.klynge-ws-theme{margin:14px 0 2px;border-bottom:2px solid #0f766e}
.klynge-ws-dots{font-weight:600}
.klynge-ws .mod-active{background:#0f766e;color:#fff}
.klynge-ws .jupyter-button{width:auto!important;max-width:100%;white-space:normal;height:auto;min-height:40px;
 line-height:1.3;padding:4px 14px;overflow:visible;text-overflow:clip}
.klynge-ws .widget-label{width:auto!important;min-width:0;max-width:100%;overflow:visible;text-overflow:clip}
.klynge-ws input[type=text],.klynge-ws input[type=number],.klynge-ws textarea{border:1px solid #c9c4b8;
 border-radius:6px;background:#fff;box-sizing:border-box}
.klynge-ws .widget-text,.klynge-ws .widget-dropdown,.klynge-ws .widget-textarea{max-width:100%}
.klynge-ws-form .widget-textarea{width:100%;max-width:40rem}
.klynge-ws-form textarea{min-height:4rem}
.klynge-ws .widget-dropdown select{max-width:100%;min-width:0}
.klynge-ws-form .jupyter-button,.klynge-ws-add .jupyter-button,.klynge-ws-edit .jupyter-button{align-self:flex-start}
.klynge-ws .klynge-ws-decision select,.klynge-ws .klynge-ws-choose select{min-width:12rem}
"""

_WIDE = {"description_width": "initial"}


def countdown(seconds: float, lang: str) -> tuple[str, bool]:
    """The countdown's text for ``seconds`` left, and whether the time is up (or nearly)."""
    if seconds <= 0:
        return t("workshop.time_up", lang), True
    left = int(seconds)
    return t("workshop.time_left", lang, time=f"{left // 60}:{left % 60:02d}"), left < 60


def _button(label: str, handler: Callable[[], None], tooltip: str = "", css: str = "") -> w.Button:
    button = w.Button(description=label, tooltip=tooltip or label)
    if css:
        button.add_class(css)
    button.on_click(lambda _b: handler())
    return button


class IdeaCard(w.VBox):
    """One idea with its buttons; drawn again only when what it shows changed."""

    def __init__(self, board: WorkshopBoardView, idea: BoardIdea):
        super().__init__()
        self.add_class("klynge-ws-card")
        self.idea_id = idea.id
        self._board = board
        self._drawn: tuple | None = None
        self._html = w.HTML()
        self._up = _button("", lambda: board.act(lambda: board.service.vote(self.idea_id, 1)), css="klynge-ws-vote")
        self._down = _button("", lambda: board.act(lambda: board.service.vote(self.idea_id, -1)),
                             css="klynge-ws-unvote")
        self._reactions = {k: _button("", lambda k=k: board.act(lambda: board.service.react(self.idea_id, k)))
                           for k in REACTIONS}
        self._comment = w.Text()
        self._send_comment = _button("", self._on_comment, css="klynge-ws-send")
        comment_row = w.HBox([self._comment, self._send_comment])
        comment_row.add_class("klynge-ws-row")
        comment_row.add_class("klynge-ws-comment")
        self._edit = _button("", self._on_edit)
        self._editor = w.Textarea()
        self._save = _button("", self._on_save)
        self._editing = w.VBox([self._editor, self._save])
        self._editing.add_class("klynge-ws-edit")
        self._editing.layout.display = "none"
        self._theme = w.Dropdown(style=_WIDE)
        self._theme.add_class("klynge-ws-theme-pick")
        self._theme.observe(self._on_theme, "value")
        self._merge_into = w.BoundedIntText(min=0, max=10**9, value=0, style=_WIDE,
                                            layout=w.Layout(width="auto"))
        self._merge = _button("", self._on_merge)
        self._buttons = w.HBox([self._up, self._down, *self._reactions.values(), self._edit])
        self._buttons.add_class("klynge-ws-row")
        self._tools = w.HBox([self._theme, self._merge_into, self._merge])
        self._tools.add_class("klynge-ws-row")
        self._comment_row = comment_row
        self.children = [self._html, self._buttons, comment_row, self._editing, self._tools]
        self._version = idea.version
        self._quiet = False

    def show(self, idea: BoardIdea, board: WorkshopBoard, lang: str) -> None:
        """Draw the card for ``idea``, unless it shows exactly that already."""
        key = (idea.fingerprint(), tuple(board.groups), board.round.is_open, board.can_run, lang, board.dots_left > 0)
        if key == self._drawn:
            return
        self._drawn, self._version = key, idea.version
        labels = [(k, t(f"workshop.reaction.{k}", lang)) for k in REACTIONS]
        self._html.value = snippet(_TEMPLATE, "idea", idea, labels, lang)
        is_open = board.round.is_open
        self._up.description = t("workshop.vote", lang)
        self._up.tooltip = t("workshop.vote_help", lang, idea=idea.id)
        self._up.disabled = not is_open or board.dots_left <= 0
        self._down.description = t("workshop.unvote", lang)
        self._down.tooltip = t("workshop.unvote_help", lang, idea=idea.id)
        self._down.disabled = not is_open or idea.my_votes <= 0
        for kind, button in self._reactions.items():
            button.description = t(f"workshop.reaction.{kind}", lang)
            button.tooltip = t("workshop.react_help", lang)
            button.disabled = not is_open
            (button.add_class if kind in idea.my_reactions else button.remove_class)("mod-active")
        self._comment.placeholder = t("workshop.comment_placeholder", lang)
        self._send_comment.description = t("workshop.comment", lang)
        self._comment_row.layout.display = None if is_open else "none"
        self._edit.description = t("workshop.edit", lang)
        self._edit.layout.display = None if idea.mine and is_open else "none"
        self._save.description = t("workshop.save", lang)
        (self.add_class if idea.mine else self.remove_class)("mine")
        self._tools.layout.display = None if board.can_run else "none"
        if board.can_run:
            self._quiet = True
            try:
                themes = [(title, gid) for gid, title in board.groups]
                self._theme.options = [(t("workshop.no_theme", lang), 0), *themes]
                self._theme.value = idea.group_id or 0
            finally:
                self._quiet = False
            self._theme.description = t("workshop.theme", lang)
            self._merge_into.description = t("workshop.merge_into", lang)
            self._merge.description = t("workshop.merge", lang)

    def _on_comment(self) -> None:
        text = self._comment.value
        if self._board.act(lambda: self._board.service.comment(self.idea_id, text), self._send_comment):
            self._comment.value = ""

    def _on_edit(self) -> None:
        idea = self._board.idea(self.idea_id)
        if idea is not None:
            self._editor.value = idea.text
        self._editing.layout.display = None

    def _on_save(self) -> None:
        text, version = self._editor.value, self._version
        if self._board.act(lambda: self._board.service.edit_idea(self.idea_id, text, version), self._save):
            self._editing.layout.display = "none"

    def _on_theme(self, change) -> None:
        if self._quiet or change["new"] is None:
            return
        self._board.act(lambda: self._board.service.group(self.idea_id, change["new"] or None))

    def _on_merge(self) -> None:
        into = self._merge_into.value
        self._board.act(lambda: self._board.service.merge(self.idea_id, into), self._merge)


class WorkshopBoardView(w.VBox):
    """A round's live board for one person (a participant or the facilitator)."""

    lang = Unicode("nb")
    #: The shown round's state ("open" or "closed"), for a page that shows more beside the board.
    state = Unicode("")

    def __init__(self, service: WorkshopService, round_id: int, lang: str = "nb", live: bool = True):
        super().__init__()
        self.add_class("klynge-ws")
        self.add_class("klynge-fac")
        self.service, self.round_id = service, round_id
        self.page = 0
        self._cards: dict[int, IdeaCard] = {}
        self._themes: dict[int, w.HTML] = {}
        self._board: WorkshopBoard | None = None
        self._head, self._clock, self._dots, self._status = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self._status.add_class("klynge-ws-status")
        self._dots.add_class("klynge-ws-dots")
        self._new = w.Textarea()
        self._add = _button("", self._on_add, css="klynge-ws-add-idea")
        self._adding = w.VBox([self._new, self._add])
        self._adding.add_class("klynge-ws-add")
        self._theme_title = w.Text()
        self._theme_title.add_class("klynge-ws-theme-title")
        self._add_theme = _button("", self._on_theme, css="klynge-ws-add-theme")
        self._more_time = _button("", lambda: self.act(lambda: self.service.extend(self.round_id, 5)))
        self._close = _button("", lambda: self.act(lambda: self.service.close(self.round_id), self._close),
                              css="klynge-ws-close")
        self._run = w.HBox([self._theme_title, self._add_theme, self._more_time, self._close])
        self._run.add_class("klynge-ws-row")
        self._prev = _button("", lambda: self._turn(-1))
        self._next = _button("", lambda: self._turn(1))
        self._where = w.HTML()
        self._pager = w.HBox([self._prev, self._where, self._next])
        self._pager.add_class("klynge-ws-row")
        self._list = w.VBox()
        self._outcome = w.HTML()
        self.children = [style(STYLE), self._head, self._clock, self._dots, self._status, self._adding, self._run,
                         self._pager, self._list, self._outcome]
        self.poller = Poller(lambda: self.service.state(self.round_id), lambda board: self.draw(board),
                             tick=self.tick, load=lambda: self.service.board(self.round_id))
        self.lang = lang
        self.refresh()
        if live:
            self.poller.start(self.poller.last)

    # -- reading and drawing --------------------------------------------------------------
    def refresh(self) -> None:
        """Read the board now and draw it (after one's own action, and at the start)."""
        board = self.service.board(self.round_id)
        self.poller.last = self.service.state(self.round_id)
        self.draw(board)

    def idea(self, idea_id: int) -> BoardIdea | None:
        return next((x for x in self._board.ideas if x.id == idea_id), None) if self._board else None

    def ordered(self) -> list[BoardIdea]:
        """The ideas in the order shown: by theme (in the order the themes were made), the rest last."""
        if self._board is None:
            return []
        order = {gid: k for k, (gid, _title) in enumerate(self._board.groups)}
        return sorted(self._board.ideas, key=lambda x: (order.get(x.group_id, len(order)), x.id))

    def draw(self, board: WorkshopBoard) -> None:
        self._board = board
        lang, rnd = self.lang, board.round
        self._head.value = snippet(_TEMPLATE, "head", rnd, lang)
        self.tick()
        self._dots.value = part("para", t("workshop.dots_left", lang, n=board.dots_left, of=rnd.dots), role="status")
        self._adding.layout.display = None if rnd.is_open else "none"
        self._run.layout.display = None if board.can_run and rnd.is_open else "none"
        self._new.placeholder = t("workshop.idea_placeholder", lang)
        self._add.description = t("workshop.add_idea", lang)
        self._theme_title.placeholder = t("workshop.theme_placeholder", lang)
        self._add_theme.description = t("workshop.add_theme", lang)
        self._more_time.description = t("workshop.more_time", lang)
        self._close.description = t("workshop.close", lang)
        self._close.button_style = "danger"
        self._draw_page()
        self.state = rnd.state
        if not rnd.is_open:
            self._outcome.value = snippet(_TEMPLATE, "outcome", self.service.outcome(self.round_id), lang)
            self.poller.stop()

    def _draw_page(self) -> None:
        lang, board = self.lang, self._board
        ideas = self.ordered()
        pages = max((len(ideas) - 1) // PAGE + 1, 1)
        self.page = min(self.page, pages - 1)
        shown = ideas[self.page * PAGE:(self.page + 1) * PAGE]
        self._where.value = part("span", t("workshop.page", lang, first=self.page * PAGE + 1 if ideas else 0,
                                           last=self.page * PAGE + len(shown), n=len(ideas)))
        self._prev.description, self._next.description = t("workshop.previous", lang), t("workshop.next", lang)
        self._prev.disabled, self._next.disabled = self.page == 0, self.page >= pages - 1
        self._pager.layout.display = None if len(ideas) > PAGE else "none"
        names = dict(board.groups)
        counts: dict[int | None, int] = {}
        for x in ideas:
            counts[x.group_id] = counts.get(x.group_id, 0) + 1
        children: list[w.Widget] = []
        group: object = object()
        for x in shown:
            if x.group_id != group and board.groups:
                group = x.group_id
                title = names.get(group) or t("workshop.no_theme", lang)
                heading = self._themes.setdefault(group or 0, w.HTML())
                heading.value = snippet(_TEMPLATE, "theme", title, counts.get(group, 0), lang)
                children.append(heading)
            card = self._cards.get(x.id)
            if card is None:
                card = self._cards[x.id] = IdeaCard(self, x)
            card.show(x, board, lang)
            children.append(card)
        if not ideas:
            children = [w.HTML(part("para", t("workshop.no_ideas", lang), css="klynge-fac-muted"))]
        if tuple(children) != tuple(self._list.children):
            self._list.children = children

    def tick(self) -> None:
        """Move the countdown on (every second, from the poller)."""
        if self._board is None:
            return
        rnd = self._board.round
        if not rnd.is_open:
            self._clock.value = ""
            return
        text, late = countdown((rnd.ends_at - now()).total_seconds(), self.lang)
        self._clock.value = snippet(_TEMPLATE, "clock", text, late)

    def _turn(self, step: int) -> None:
        self.page += step
        self._draw_page()

    @observe("lang")
    def _on_lang(self, _change) -> None:
        if self._board is not None:
            self.draw(self._board)

    # -- acting ---------------------------------------------------------------------------
    def act(self, action: Callable[[], object], button: w.Button | None = None) -> bool:
        """Do ``action``, then show the board as it is now; a refusal is said above the ideas. True when it worked."""
        if button is not None:
            button.disabled = True
        try:
            action()
            self._status.value = ""
            return True
        except Exception as exc:  # every refusal is said in the reader's language; never a traceback
            self._status.value = part("para", error_text(exc, self.lang), css="klynge-message", role="alert")
            return False
        finally:
            if button is not None:
                button.disabled = False
            try:
                self.refresh()
            except Exception:
                log.exception("the workshop board could not be read again")

    def _on_add(self) -> None:
        text = self._new.value
        if self.act(lambda: self.service.add_idea(self.round_id, text), self._add):
            self._new.value = ""

    def _on_theme(self) -> None:
        title = self._theme_title.value
        if self.act(lambda: self.service.add_theme(self.round_id, title), self._add_theme):
            self._theme_title.value = ""

    def close(self) -> None:
        self.poller.stop()
        super().close()
