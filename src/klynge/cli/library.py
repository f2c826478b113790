"""``klynge library add`` and ``klynge library search``: the cluster's library from the command line.

Both act as the system identity scoped to the database's cluster (as the batch does). An item
added here belongs to the cluster, or to the member named with ``--member``.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from ..errors import ValidationError
from ..settings import LANGUAGES as MESSAGE_LANGUAGES
from ..settings import Settings
from .common import LANG_HELP, command_group

__all__ = ["add", "register", "search"]

_KINDS = "report, statistics, research, video, course or other"
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``library add`` and ``library search`` to the ``klynge`` command."""
    # the choices are checked when the item is made (importing them here would load pydantic for --help)
    # --lang of ``add`` is the item's language; messages follow KLYNGE_LANG (or ``klynge --lang sv library ...``)
    action = command_group(sub, "library", "the cluster's shared library of files and links", [common])
    p = action("add", add, "share a file (PDF, CSV, XLSX, DOCX) or a link with the cluster")
    p.add_argument("source", metavar="FILE_OR_URL", help="a file to add, or an http(s) link")
    p.add_argument("--title", required=True, help="what it is called")
    p.add_argument("--description", default="", help="a sentence or two about it")
    p.add_argument("--tag", action="append", default=[], metavar="TAG",
                   help="sdg:8, month:3, region:Oppdal or a theme (food); may be given many times")
    p.add_argument("--kind", default="other", help=f"{_KINDS} (default other)")
    p.add_argument("--lang", dest="item_language", default="nb",
                   help="the language it is written in: nb, sv, en, or xx for another one (default nb)")
    p.add_argument("--licence", default="", help="e.g. CC BY 4.0")
    p.add_argument("--public", action="store_true", help="every cluster may read it (default: this cluster only)")
    p.add_argument("--member", metavar="ORGNR", help="the member that shares it (default: the cluster)")
    p = action("search", search, "search titles, descriptions and the text inside the files")
    p.add_argument("--lang", choices=MESSAGE_LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP)
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--kind", help=f"only items of this kind: {_KINDS}")
    p.add_argument("--language", help="only items written in this language (nb, sv, en, xx)")
    p.add_argument("--tag", metavar="TAG", help="only items with this tag (sdg:8, theme:food ...)")
    p.add_argument("--limit", type=int, default=20, help="most hits to show (default 20)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of hits: id, title, kind, language, snippet (matches in **), snippet_html")


def add(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge library add``: check and store the file (or link), print its id and whether it is searchable."""
    from .. import operations as ops
    from ..batch.data import batch_identity
    from ..i18n import t
    from ..library import LibraryEntry
    from ..validation import validate
    from .partners import find_organisation

    lang = settings.lang
    fields = {"title": args.title, "description": args.description, "kind": args.kind, "language": args.item_language,
              "licence": args.licence, "visibility": "public" if args.public else "cluster"}
    entry = LibraryEntry.with_tags(args.tag, **validate(LibraryEntry, fields, lang).model_dump(exclude={"tags"}))
    with ops.store_for(settings, create=False) as store:
        who = batch_identity(store)
        oid = find_organisation(store, who, args.member).id if args.member else None
        if _URL.match(args.source):
            item = store.add_library_link(who, args.source, entry, organisation_id=oid, lang=lang)
        else:
            path = Path(args.source)
            if not path.is_file():
                raise ValidationError([("", f"{args.source}: no such file (a link must begin with https://)")])
            item = store.add_library_file(who, path.name, path.read_bytes(), entry, organisation_id=oid,
                                          max_bytes=settings.library_max_mb * 1_000_000, lang=lang)
    print(f"added library item {item.id}: {item.title}")
    if not item.searchable:
        print(t(f"library.unsearchable.{item.unsearchable_reason}", lang))
    return 0


def search(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge library search``: the hits, best first, each with its snippet."""
    from .. import operations as ops
    from ..batch.data import batch_identity
    from ..i18n import t
    from ..library import highlight_html, highlight_text

    lang = settings.lang
    with ops.store_for(settings, create=False) as store:
        hits = store.search_library(batch_identity(store), args.query, kind=args.kind, language=args.language,
                                    tag=args.tag, limit=args.limit, lang=lang)
    if args.json:
        print(json.dumps([{"id": h.item.id, "title": h.item.title, "kind": h.item.kind,
                           "language": h.item.language, "filename": h.item.filename, "url": h.item.url,
                           "rank": h.rank, "snippet": highlight_text(h.snippet),
                           "snippet_html": str(highlight_html(h.snippet))} for h in hits],
                         ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print(t("library.no_hits", lang))
    for n, h in enumerate(hits, 1):
        where = h.item.filename or h.item.url
        print(f"{n:2}. {h.item.title} [{t(f'library.kind.{h.item.kind}', lang)}] ({where}, item {h.item.id})")
        print(f"    {highlight_text(h.snippet, '[', ']')}")
    return 0
