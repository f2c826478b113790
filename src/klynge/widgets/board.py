"""The canvas board: a canvas template drawn as blocks of sticky notes (an anywidget).

The browser side is ``widgets/board.js`` (which draws on the modules ``widgets/board_*.js`` it
imports) and ``widgets/board.css``. The traits synced to the browser hold display state, and
the rules a note must meet (``rules``: the note-id pattern and the longest text, from
:mod:`klynge.model.canvas`, so the browser never keeps a copy of them); who the person is,
whose canvas it is and what they may do live in the
:class:`~klynge.widgets.canvas_service.CanvasService` handed to the constructor, and the store
checks them again on every call.

The browser asks for work with custom messages, each with a ``type`` and a ``request``
number the answer names (in the ``answered`` trait)::

    {"type": "save", "notes": [...], "base": 7}     save the notes, made from revision 7
    {"type": "refresh"}                              reload from the store (others' notes)
    {"type": "history"}                              list the revisions
    {"type": "view", "number": 3}                    show revision 3, read only
    {"type": "restore", "number": 3}                 make revision 3 current, as a new one
    {"type": "resolve", "id": "n1", "choice": "mine" | "theirs"}

Unknown types and unknown fields are ignored and logged. Notes are validated with the model;
a note that fails (say, a text over ``rules["text_max"]`` characters) is not saved, the store keeps its last good
text, and the error is shown beside it in the person's language while the browser keeps
what they typed.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

import anywidget
import traitlets as tr

from .. import resources
from ..errors import AccessDenied, Conflict, Contended, KlyngeError, NotFound, SessionEnded, ValidationError
from ..i18n import catalogue, t
from ..model import Note
from ..model.base import NOTE_MAX
from ..model.canvas import NOTE_ID_PATTERN, NOTES_MAX, is_note_id
from ..settings import LANGUAGES
from ..validation import validate
from .canvas_service import CanvasService, NoteClash
from .drafts import who_saved

__all__ = ["CanvasBoard"]

log = logging.getLogger(__name__)

#: What the browser checks before the server does; the same rules the model holds.
RULES = {"note_id": NOTE_ID_PATTERN, "text_max": NOTE_MAX}
_COMMON = {"type", "request"}
_FIELDS = {
    "save": {"notes", "base"},
    "refresh": set(),
    "history": set(),
    "view": {"number"},
    "restore": {"number"},
    "resolve": {"id", "choice"},
}


class _Refused(KlyngeError):
    """A request the board turns down with a message from the catalogue."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _int(value: Any) -> int | None:
    """A positive whole number from the browser, or None."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


# `import { a, b } from "./board_util.js";`: a module importing names of a sibling module.
_IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([a-z_]+\.js)";\n', re.M)
_TOP = re.compile(r"^(?:export )?(?:function|const|let|class) (\w+)", re.M)


@cache
def _module(entry: str = "board.js") -> str:
    """``widgets/<entry>`` and the sibling modules it imports, as one module for anywidget.

    anywidget loads a widget's module from a blob URL, where ``import ... from "./board_util.js"``
    cannot resolve. The modules are small files a reader can follow; here each comes once, after
    the modules it imports, without its ``import`` lines and ``export`` words, so the browser gets
    each line once. A name two modules both define, an import that renames (``as``) or names what
    its module does not define, and an import cycle are refused, naming the file.
    """
    order: list[str] = []
    sources: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in chain:
            raise ValueError(f"widgets/{name} imports itself through {' -> '.join(chain)}")
        if name in sources:
            return
        sources[name] = resources.path("widgets", name).read_text(encoding="utf-8")
        for names, dependency in _IMPORT.findall(sources[name]):
            visit(dependency, (*chain, name))
            wanted = {n.strip() for n in names.split(",") if n.strip()}
            if " as " in names or wanted - set(_TOP.findall(sources[dependency])):
                raise ValueError(f"widgets/{name} imports {names.strip()} from {dependency}, "
                                 "which defines only some of them (or renames one)")
        order.append(name)

    visit(entry, ())
    parts, defined = [], {}
    for name in order:
        source = _IMPORT.sub("", sources[name])
        if re.search(r"^\s*(?:import|export \{|export \*)", source, re.M) or (
                name != entry and "export default" in source):
            raise ValueError(f"widgets/{name}: only `import {{ ... }} from \"./x.js\"` and `export function` "
                             "or `export const` are bundled")
        for top in _TOP.findall(source):
            if top in defined:
                raise ValueError(f"widgets/{name} and widgets/{defined[top]} both define {top}")
            defined[top] = name
        if name != entry:
            source = re.sub(r"^export (?=(?:function|const|let|class) )", "", source, flags=re.M)
        parts.append(f"// ---- widgets/{name}\n{source}")
    return "\n".join(parts)


def _dump(note: Note | None) -> dict | None:
    return None if note is None else note.model_dump(mode="json")


class CanvasBoard(anywidget.AnyWidget):
    """A canvas of sticky notes that autosaves, merges and shows conflicts.

    Parameters
    ----------
    service
        What the board may do, for whom, on whose canvas (:class:`CanvasService`).
    lang
        nb, sv or en; set :attr:`lang` later to relabel everything at once.

    Examples
    --------
    >>> service = CanvasService(store, who, organisation_id, "business_model")  # doctest: +SKIP
    >>> CanvasBoard(service, lang="nb")                                        # doctest: +SKIP
    """

    _esm = _module()
    _css = resources.path("widgets", "board.css")

    template = tr.Dict(help="the template in the current language: title, grid, blocks").tag(sync=True)
    notes = tr.List(tr.Dict(), help="the notes as stored (with this person's text where they clash)").tag(sync=True)
    revision = tr.Int(0, help="the revision the notes are from").tag(sync=True)
    status = tr.Unicode("saved", help="saved, conflict or error").tag(sync=True)
    message = tr.Unicode("", help="what the status means, in the current language").tag(sync=True)
    errors = tr.Dict(help="note id -> why that note was not saved").tag(sync=True)
    conflicts = tr.List(tr.Dict(), help="notes changed here and by someone else: both versions").tag(sync=True)
    history = tr.List(tr.Dict(), help="revisions: number, author, saved_at, restored_from").tag(sync=True)
    snapshot = tr.Dict(help="a revision being viewed, read only").tag(sync=True)
    labels = tr.Dict(help="every text of the board in the current language").tag(sync=True)
    lang = tr.Unicode("nb", help="nb, sv or en").tag(sync=True)
    readonly = tr.Bool(False, help="true when this person may only read this canvas").tag(sync=True)
    storage_key = tr.Unicode("", help="name of the browser's local copy of unsaved text").tag(sync=True)
    owner = tr.Unicode("", help="the organisation whose canvas this is").tag(sync=True)
    busy = tr.Bool(False, help="true while a request is being handled").tag(sync=True)
    answered = tr.Dict(help="the last request handled: request, type, ok").tag(sync=True)
    rules = tr.Dict(RULES, help="what a note must meet: note_id (a pattern), text_max (characters)").tag(sync=True)

    def __init__(self, service: CanvasService, lang: str = "nb", **kwargs):
        self._service = service
        self._pending: dict[str, NoteClash] = {}  # clashes awaiting this person's choice
        self._invalid: dict[str, dict] = {}  # note id -> the refused note as the browser sent it
        self._said: tuple[str, dict] = ("", {})  # the catalogue key behind `message`
        self._ready = False
        super().__init__(lang=lang, readonly=service.readonly, storage_key=service.storage_key, **kwargs)
        self._ready = True
        with self.hold_sync():
            self._relabel()
            try:
                self.owner = service.owner_name()
                self._settle(service.load())
            except Exception as exc:  # shown as a message, never as a traceback
                self._fail(exc)
        self.on_msg(lambda _widget, content, _buffers: self.handle_message(content))

    # -- traits the browser may not set ---------------------------------------------------
    def set_state(self, sync_data):
        """Take no state from the browser: it asks by message, and the board decides."""
        if sync_data:
            log.warning("board: ignored browser changes to %s", ", ".join(sorted(map(str, sync_data)))[:200])

    @tr.validate("lang")
    def _check_lang(self, proposal):
        if proposal["value"] not in LANGUAGES:
            raise tr.TraitError(f"lang must be one of {', '.join(LANGUAGES)}, got {proposal['value']!r}")
        return proposal["value"]

    @tr.observe("lang")
    def _on_lang(self, _change):
        if self._ready:
            with self.hold_sync():
                self._relabel()

    # -- messages -----------------------------------------------------------------------
    def handle_message(self, content: Any) -> None:
        """Act on one message from the browser; what the widget's comm calls, and the tests."""
        if not isinstance(content, dict):
            log.warning("board: ignored a message that is not an object: %s", type(content).__name__)
            return
        kind = content.get("type")
        request = _int(content.get("request"))
        if not isinstance(kind, str) or kind not in _FIELDS:
            log.warning("board: ignored a message of unknown type %r", str(kind)[:40])
            self.answered = {"request": request, "type": "unknown", "ok": False}
            return
        extra = set(content) - _FIELDS[kind] - _COMMON
        if extra:
            log.warning("board: ignored fields %s of a %s message", ", ".join(sorted(map(str, extra)))[:200], kind)
        ok = False
        self.busy = True
        try:
            with self.hold_sync():
                try:
                    getattr(self, f"_do_{kind}")(content)
                    ok = True
                except Exception as exc:
                    self._fail(exc)
                self.answered = {"request": request, "type": kind, "ok": ok}
        finally:
            self.busy = False

    def reload(self) -> None:
        """Load the canvas from the store again (what the browser's refresh asks for)."""
        self.handle_message({"type": "refresh"})

    def _do_save(self, msg: dict) -> None:
        self._writable()
        raw, base = msg.get("notes"), _int(msg.get("base"))
        if not isinstance(raw, list):
            raise _Refused("board.error.bad_message")
        if len(raw) > NOTES_MAX:
            raise ValidationError([(t("field.notes", self.lang), t("error.list_too_long", self.lang,
                                                                   max_length=NOTES_MAX))])
        notes: dict[str, Note] = {}
        invalid: dict[str, dict] = {}
        for item in raw:
            note_id = item.get("id") if isinstance(item, dict) else None
            if not is_note_id(note_id) or note_id in notes or note_id in invalid:
                log.warning("board: dropped a note without a usable id")
                continue
            try:
                notes[note_id] = validate(Note, item, self.lang)
            except ValidationError:
                invalid[note_id] = item
        for note_id, clash in self._pending.items():
            if note_id not in invalid:
                clash.mine = notes.get(note_id)  # the newest text this person has for it
        self._invalid = invalid
        result = self._service.save(notes.values(), base, keep=set(invalid) | set(self._pending))
        for clash in result.clashes:
            self._pending[clash.id] = clash
        self._settle_notes(result.notes, result.revision)

    def _do_refresh(self, _msg: dict) -> None:
        self._settle(self._service.load())

    def _do_history(self, _msg: dict) -> None:
        self.history = [{"number": r.number, "author": r.author,
                         "saved_at": r.saved_at.isoformat() if r.saved_at else None,
                         "restored_from": r.restored_from} for r in reversed(self._service.history())]

    def _do_view(self, msg: dict) -> None:
        number = _int(msg.get("number"))
        if number is None:
            self.snapshot = {}
            return
        loaded = self._service.load(number)
        self.snapshot = {"number": loaded.revision, "author": loaded.author,
                         "saved_at": loaded.saved_at.isoformat() if loaded.saved_at else None,
                         "notes": [_dump(n) for n in loaded.notes]}

    def _do_restore(self, msg: dict) -> None:
        self._writable()
        number = _int(msg.get("number"))
        if number is None:
            raise _Refused("board.error.bad_message")
        if self._pending:
            raise _Refused("board.error.resolve_first")
        self._service.restore(number)
        self.snapshot = {}
        self._settle(self._service.load())
        self._do_history(msg)

    def _do_resolve(self, msg: dict) -> None:
        self._writable()
        note_id, choice = msg.get("id"), msg.get("choice")
        if choice not in ("mine", "theirs") or not isinstance(note_id, str):
            raise _Refused("board.error.bad_message")
        clash = self._pending.pop(note_id, None)
        if clash is None or choice == "theirs":
            self._settle(self._service.load())  # the store already holds their version
            return
        head = self._service.load()
        notes = [n for n in head.notes if n.id != note_id] + ([clash.mine] if clash.mine else [])
        result = self._service.save(notes, head.revision, keep=set(self._invalid) | set(self._pending))
        for again in result.clashes:
            self._pending[again.id] = again
        self._settle_notes(result.notes, result.revision)

    def _writable(self) -> None:
        # Asked of the service, not of the synced `readonly` trait; the store checks once more.
        if self._service.readonly:
            raise _Refused("board.error.readonly")

    # -- state --------------------------------------------------------------------------
    def _settle(self, loaded) -> None:
        self._settle_notes(loaded.notes, loaded.revision)

    def _settle_notes(self, stored: list[Note], revision: int) -> None:
        """Show ``stored`` at ``revision``, with this person's text in notes that still clash."""
        held = {n.id: n for n in stored}
        for note_id, clash in list(self._pending.items()):
            clash.theirs = held.get(note_id)
            if clash.mine == clash.theirs:
                del self._pending[note_id]  # both ended up with the same text
        shown = [n for n in stored if n.id not in self._pending]
        shown += [c.mine for c in self._pending.values() if c.mine is not None]
        shown.sort(key=lambda n: (n.block, n.order, n.id))
        self.notes = [_dump(n) for n in shown]
        self.revision = revision
        self.conflicts = [{"id": c.id, "block": (c.mine or c.theirs).block if (c.mine or c.theirs) else "",
                           "mine": _dump(c.mine), "theirs": _dump(c.theirs), "saved_by": self._who_saved(c.saved_by),
                           "base": c.base} for c in self._pending.values()]
        self._explain_invalid()
        if self._pending:
            names = self._who_saved(", ".join(sorted({c.saved_by for c in self._pending.values() if c.saved_by})))
            self._say("conflict", "board.conflict_message", who=names)
        elif self._invalid:
            self._say("error", "board.error.notes", n=len(self._invalid))
        else:
            self._say("saved", "")

    def _who_saved(self, names: str) -> str:
        """Who saved in between; the person's own name is "you, in another window"; empty for nobody known."""
        return who_saved(names.split(", "), self._service.person, self.lang) if names else ""

    def _explain_invalid(self) -> None:
        errors = {}
        for note_id, item in self._invalid.items():
            try:
                validate(Note, item, self.lang)
            except ValidationError as exc:
                errors[note_id] = "; ".join(f"{f}: {m}" if f else m for f, m in exc.problems)
        self.errors = errors

    def _say(self, status: str, key: str, **values) -> None:
        self._said = (key, values)
        self.status = status
        self.message = self._text(key, values)

    def _text(self, key: str, values: dict) -> str:
        if not key:
            return ""
        if "who" in values and not values["who"]:
            values = {**values, "who": t("board.someone", self.lang)}
        return t(key, self.lang, **values)

    def _fail(self, exc: Exception) -> None:
        """Log ``exc`` with its traceback and show a friendly message instead."""
        if isinstance(exc, _Refused):
            log.info("board: refused (%s)", exc.key)
            self._say("error", exc.key, **exc.values)
            return
        if isinstance(exc, ValidationError):
            log.info("board: invalid request: %s", exc)
            self._said = ("", {})
            self.status, self.message = "error", "; ".join(f"{f}: {m}" if f else m for f, m in exc.problems)
            return
        keys = [(SessionEnded, "shell.session_ended"), (AccessDenied, "board.error.access"),
                (NotFound, "board.error.not_found"), (Conflict, "board.error.busy"), (Contended, "board.error.busy")]
        key = next((k for cls, k in keys if isinstance(exc, cls)), "board.error.unexpected")
        if isinstance(exc, KlyngeError):
            log.warning("board: %s", exc, exc_info=exc)
        else:
            log.error("board: unexpected error", exc_info=exc)
        self._say("error", key)

    def _relabel(self) -> None:
        """Every text in the current language: labels, the template, messages."""
        lang = self.lang
        labels = {k[6:]: v for k, v in catalogue("en").items() if k.startswith("board.")}
        labels.update({k[6:]: v for k, v in catalogue(lang).items() if k.startswith("board.")})
        self.labels = labels
        tpl = self._service.template
        self.template = {
            "id": tpl.id, "title": tpl.title_in(lang), "description": tpl.description_in(lang),
            "grid": {"rows": tpl.grid.rows, "cols": tpl.grid.cols},
            "blocks": [{"id": b.id, "title": b.title_in(lang), "questions": b.questions_in(lang),
                        "example": b.example_in(lang),
                        "grid": {"row": b.grid.row, "col": b.grid.col, "rowspan": b.grid.rowspan,
                                 "colspan": b.grid.colspan}} for b in tpl.blocks],
            "sdg_codes": self._service.sdg_codes(),
        }
        self._explain_invalid()
        key, values = self._said
        if key:
            self.message = self._text(key, values)
