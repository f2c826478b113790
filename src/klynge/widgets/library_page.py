"""The participant's "Library" step: share a file or a link, search the library, download what is found.

The page is handed a :class:`~klynge.widgets.library_service.LibraryService`. The form takes a
file (PDF, CSV, XLSX, DOCX) or a link, with its title, description, kind, language, licence,
tags and whether every cluster may see it; a refused file is said beside the form in the
person's language (what it really is, why it is refused). The search box with its filters
shows ranked hits, each with its snippet, the words found marked; a hit's file reaches the
browser only as a download through the widget channel, never as a page. The HTML comes from
``widgets/library.html.j2``, where every value is escaped.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import KlyngeError
from ..i18n import t
from ..library import KINDS, LANGUAGES
from ..report.package_text import month_names
from ..templating import part, snippet
from .download import Download
from .facilitator_style import style
from .library_service import Hit, LibraryService

__all__ = ["LibraryPage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/library.html.j2"

STYLE = """
.klynge-library .klynge-library-card{border:1px solid var(--klynge-line,#d9e2ec);border-radius:10px;
  padding:10px 14px;margin:8px 0;background:var(--klynge-card,#fff);max-width:100%;box-sizing:border-box;
  display:flex;flex-wrap:wrap;gap:6px 12px;align-items:flex-start}
.klynge-library .klynge-library-card>.widget-html{flex:1 1 16rem;min-width:0}
.klynge-library h3{margin:0 0 2px;font-size:1.05rem;overflow-wrap:anywhere}
.klynge-library .klynge-library-meta,.klynge-library .klynge-library-tags{color:var(--klynge-muted,#55615f);
  font-size:.9rem;overflow-wrap:anywhere}
.klynge-library .klynge-library-snippet{margin:6px 0 0;overflow-wrap:anywhere}
.klynge-library mark{background:#fde68a;color:inherit;padding:0 2px;border-radius:2px}
.klynge-library .klynge-library-unsearchable{border-left:4px solid #b45309;background:#fff7ed;padding:4px 10px;
  margin:6px 0 0;font-size:.92rem}
.klynge-library .klynge-library-problem{color:#9b1c1c;font-weight:600}
.klynge-library .klynge-library-ok{color:#22543d;font-weight:600}
.klynge-library .widget-textarea textarea{min-height:4rem;width:100%;background:#fff;
  border:1px solid var(--klynge-line,#c9d2d0);border-radius:6px;padding:4px 8px;box-sizing:border-box}
.klynge-library input::placeholder,.klynge-library textarea::placeholder{color:#7b8794;opacity:1}
.klynge-library .widget-upload{width:auto}
.klynge-library .klynge-library-actions{display:flex;flex-wrap:wrap;gap:6px}
.klynge-library .klynge-library-query{flex:1 1 20rem;max-width:36rem}
.klynge-library .klynge-library-query input{width:100%}
"""


class LibraryPage(w.VBox):
    """Share with the cluster, and find what the cluster shares."""

    lang = Unicode("nb")

    def __init__(self, service: LibraryService):
        super().__init__()
        self.add_class("klynge-library")
        self.add_class("klynge-fac")
        self._service = service
        self._download = Download()
        self._hits: list[Hit] = []
        self._searched = False
        self._confirming: int | None = None  # the item whose remove button asks to be pressed again
        self._head = w.HTML()
        # -- the form
        self._form_head = w.HTML()
        self._upload = w.FileUpload(accept=".pdf,.csv,.xlsx,.docx", multiple=False)
        self._upload.add_class("klynge-library-upload")
        self._upload.observe(self._on_upload, "value")
        self._chosen = w.HTML()
        self._url = w.Text()
        self._url.add_class("klynge-library-url")
        self._title = w.Text()
        self._title.add_class("klynge-library-title")
        self._description = w.Textarea()
        self._description.add_class("klynge-library-description")
        self._kind = w.Dropdown(options=[(k, k) for k in KINDS], value="report")
        self._kind.add_class("klynge-library-kind")
        self._language = w.Dropdown(options=[(code, code) for code in LANGUAGES], value="nb")
        self._language.add_class("klynge-library-language")
        self._licence = w.Text()
        self._licence.add_class("klynge-library-licence")
        self._tags = w.Text()
        self._tags.add_class("klynge-library-tags-input")
        self._public = w.Checkbox(value=False, indent=False)
        self._public.add_class("klynge-library-public")
        self._add = w.Button(button_style="primary")
        self._add.add_class("klynge-library-add")
        self._add.on_click(lambda _b: self.add())
        self._form_status = w.HTML()
        choose = w.HBox([self._upload, self._chosen])
        choose.add_class("klynge-fac-row")
        row = w.HBox([self._kind, self._language])
        row.add_class("klynge-fac-row")
        form = w.VBox([self._form_head, choose, self._url, self._title, self._description, row, self._licence,
                       self._tags, self._public, self._add, self._form_status])
        form.add_class("klynge-fac-section")
        # -- searching
        self._query = w.Text(continuous_update=False)
        self._query.add_class("klynge-library-query")
        self._query.observe(self._on_query, "value")  # Enter (or leaving the box) searches
        self._search = w.Button()
        self._search.add_class("klynge-library-search")
        self._search.on_click(lambda _b: self.search())
        self._kind_filter = w.Dropdown(options=[("", "")])
        self._kind_filter.add_class("klynge-library-kind-filter")
        self._language_filter = w.Dropdown(options=[("", "")])
        self._language_filter.add_class("klynge-library-language-filter")
        self._tag_filter = w.Text()
        self._tag_filter.add_class("klynge-library-tag-filter")
        query_row = w.HBox([self._query, self._search])
        query_row.add_class("klynge-fac-row")
        filters = w.HBox([self._kind_filter, self._language_filter, self._tag_filter])
        filters.add_class("klynge-fac-row")
        self._status = w.HTML()
        self._list = w.VBox()
        self._list.add_class("klynge-library-list")
        finder = w.VBox([query_row, filters, self._status, self._list])
        finder.add_class("klynge-fac-section")
        self.children = [style(), style(STYLE), self._head, finder, form, self._download]
        self._relabel()
        self.show_recent()

    # -- sharing -----------------------------------------------------------------------------
    def _on_upload(self, _change) -> None:
        chosen = self._chosen_file()
        self._chosen.value = part("span", t("library.chosen", self.lang, name=chosen[0])) if chosen else ""
        if chosen and not self._title.value.strip():
            self._title.value = chosen[0].rsplit(".", 1)[0].replace("_", " ")[:200]

    def _chosen_file(self) -> tuple[str, bytes] | None:
        files = self._upload.value
        if not files:
            return None
        first = files[0]
        return str(first["name"]), bytes(first["content"])

    def add(self) -> None:
        """Share the chosen file, or the link, with what was typed about it."""
        lang = self.lang
        fields = {"title": self._title.value, "description": self._description.value, "kind": self._kind.value,
                  "language": self._language.value, "licence": self._licence.value,
                  "visibility": "public" if self._public.value else "cluster"}
        chosen = self._chosen_file()
        self._add.disabled = True
        try:
            if chosen is not None:
                item = self._service.add_file(chosen[0], chosen[1], fields, self._tags.value, lang)
            elif self._url.value.strip():
                item = self._service.add_link(self._url.value, fields, self._tags.value, lang)
            else:
                self._say_form(t("library.need_file", lang), ok=False)
                return
        except KlyngeError as exc:
            log.info("a library item was refused: %s", exc)
            self._say_form(_problems(exc), ok=False)
            return
        except Exception:
            log.exception("a library item could not be added")
            self._say_form(t("page.error.body", lang), ok=False)
            return
        finally:
            self._add.disabled = False
        message = t("library.added", lang, title=item.title)
        why = self._service.unsearchable(item, lang)
        self._say_form(f"{message} {why}".strip(), ok=True)
        self._clear_form()
        if self._searched:
            self.search()
        else:
            self.show_recent()

    def _clear_form(self) -> None:
        self._upload.value = ()
        self._chosen.value = ""
        for field in (self._url, self._title, self._description, self._licence, self._tags):
            field.value = ""
        self._public.value = False

    def _say_form(self, text: str, *, ok: bool) -> None:
        self._form_status.value = snippet(_TEMPLATE, "message", text,
                                          "klynge-library-ok" if ok else "klynge-library-problem")

    # -- finding -----------------------------------------------------------------------------
    def search(self) -> None:
        """Search with the query and filters now typed, and show the hits best first."""
        lang = self.lang
        self._search.disabled = True
        try:
            self._hits = self._service.search(self._query.value, kind=self._kind_filter.value,
                                              language=self._language_filter.value, tag=self._tag_filter.value,
                                              lang=lang)
            self._searched = True
            key = "library.hits" if self._hits else "library.no_hits"
            self._say(t(key, lang, n=len(self._hits)) if self._hits else t(key, lang))
        except KlyngeError as exc:
            self._hits = []
            self._say(_problems(exc), problem=True)
        except Exception:
            log.exception("the library could not be searched")
            self._hits = []
            self._say(t("page.error.body", lang), problem=True)
        finally:
            self._search.disabled = False
        self._draw()

    def _on_query(self, change) -> None:
        if change["new"].strip():
            self.search()
        else:
            self.show_recent()

    def show_recent(self) -> None:
        """The newest items, before anything is searched."""
        self._searched = False
        try:
            self._hits = self._service.recent()
            self._say(t("library.recent", self.lang) if self._hits else t("library.none", self.lang))
        except Exception:
            log.exception("the library could not be read")
            self._hits = []
            self._say(t("page.error.body", self.lang), problem=True)
        self._draw()

    def download(self, item_id: int) -> None:
        """Send an item's file to the browser as a download."""
        try:
            filename, media_type, data = self._service.download(item_id)
        except KlyngeError as exc:
            self._say(str(exc), problem=True)
            return
        self._download.send_file(filename, data, media_type)

    def remove(self, item_id: int) -> None:
        """Remove an item: the first click asks (the button says so), the second removes."""
        if self._confirming != item_id:
            self._confirming = item_id
            self._draw()
            return
        self._confirming = None
        try:
            self._service.remove(item_id)
        except KlyngeError as exc:
            self._say(str(exc), problem=True)
            return
        if self._searched:
            self.search()
        else:
            self.show_recent()
        self._say(t("library.removed", self.lang))

    def _say(self, text: str, *, problem: bool = False) -> None:
        self._status.value = snippet(_TEMPLATE, "message", text,
                                     "klynge-library-problem" if problem else "klynge-muted")

    def _draw(self) -> None:
        lang = self.lang
        cards = []
        for hit in self._hits:
            item = hit.item
            text = w.HTML(snippet(_TEMPLATE, "card", item, hit.snippet, _tags(item.tags, lang),
                                  self._service.unsearchable(item, lang), lang))
            buttons = []
            if item.is_file:
                get = w.Button(description=t("library.download", lang), icon="download")
                get.add_class("klynge-library-download")
                get.on_click(lambda _b, i=item.id: self.download(i))
                buttons.append(get)
            if hit.removable:
                sure = self._confirming == item.id
                drop = w.Button(description=t("library.remove_sure" if sure else "library.remove", lang),
                                button_style="danger" if sure else "")
                drop.add_class("klynge-library-remove")
                drop.on_click(lambda _b, i=item.id: self.remove(i))
                buttons.append(drop)
            actions = w.HBox(buttons)
            actions.add_class("klynge-library-actions")
            card = w.HBox([text, actions])
            card.add_class("klynge-library-card")
            cards.append(card)
        self._list.children = cards

    # -- words -------------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        self._draw()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("library.title", lang), t("library.intro", lang))
        self._form_head.value = part("heading", 2, t("library.add_title", lang))
        for widget, attribute, key in self._words():
            setattr(widget, attribute, t(key, lang))
        self._url.placeholder = "https://"
        kinds = [(t(f"library.kind.{k}", lang), k) for k in KINDS]
        languages = [(t(f"library.lang.{code}", lang), code) for code in LANGUAGES]
        self._relabel_choices(self._kind, kinds)
        self._relabel_choices(self._language, languages)
        self._relabel_choices(self._kind_filter, [(t("library.any_kind", lang), ""), *kinds])
        self._relabel_choices(self._language_filter, [(t("library.any_language", lang), ""), *languages])

    def _words(self) -> list[tuple[w.Widget, str, str]]:
        """Each widget's label or placeholder and the catalogue key of its words."""
        return [(self._upload, "description", "library.choose_file"), (self._url, "description", "library.or_link"),
                (self._title, "description", "library.field.title"),
                (self._description, "description", "library.field.description"),
                (self._kind, "description", "library.field.kind"),
                (self._language, "description", "library.field.language"),
                (self._licence, "description", "library.field.licence"),
                (self._licence, "placeholder", "library.licence_help"),
                (self._tags, "description", "library.field.tags"), (self._tags, "placeholder", "library.tags_help"),
                (self._public, "description", "library.field.public"), (self._add, "description", "library.add"),
                (self._search, "description", "library.search"),
                (self._query, "placeholder", "library.search_placeholder"),
                (self._tag_filter, "placeholder", "library.tag_filter")]

    @staticmethod
    def _relabel_choices(dropdown: w.Dropdown, options: list[tuple[str, str]]) -> None:
        value = dropdown.value
        dropdown.options = options
        dropdown.value = value if value in {v for _, v in options} else options[0][1]


def _problems(exc: KlyngeError) -> str:
    """A refusal as the words beside the form: the messages only, without the field names."""
    problems = getattr(exc, "problems", None)
    return " ".join(message for _field, message in problems) if problems else str(exc)


def _tags(tags: dict, lang: str) -> str:
    words = [f"SDG {g}" for g in tags.get("sdg", ())]
    names = month_names(lang) if tags.get("months") else []
    words += [names[m - 1] for m in tags.get("months", ()) if 1 <= m <= 12]
    return " · ".join([*words, *tags.get("themes", ()), *tags.get("region", ())])
