"""``klynge workshop import``: the ideas of a Mentimeter or Miro export, or a QiqoChat or Zoom chat log, into a round.

Acts as the system identity scoped to the database's cluster (as the batch does); the round must
be open. The formats are described in ``docs/workshop-imports.md``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..settings import Settings
from .common import command_group, language_options

__all__ = ["import_file", "register"]

# the names of klynge.workshop_import.FORMATS, kept here so that ``klynge --help`` imports nothing heavy
_FORMATS = ("mentimeter", "miro", "qiqochat", "zoom")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``workshop import`` to the ``klynge`` command."""
    action = command_group(sub, "workshop", "workshop rounds: ideas from other tools", [common, language_options()])
    p = action("import", import_file, "add the ideas of a Mentimeter/Miro export or a QiqoChat/Zoom chat log "
                                      "to an open round")
    p.add_argument("file", metavar="FILE", help="the exported CSV or the saved chat (.txt)")
    p.add_argument("--round", dest="round_id", type=int, required=True, metavar="ID", help="the round's id")
    p.add_argument("--format", choices=_FORMATS, help="the tool the file comes from (default: recognised by itself)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: imported, matched, unmatched, anonymous, unmatched_authors ...")


def import_file(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge workshop import``: read the file, add its ideas to the round, say what was matched."""
    from .. import operations as ops
    from ..batch.data import batch_identity
    from ..errors import DataError
    from ..workshop_import import parse_workshop_file, summary

    lang, path = settings.lang, Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    parsed = parse_workshop_file(data, path.name, args.format, lang)
    with ops.store_for(settings, create=False) as store:
        result = store.import_workshop_ideas(batch_identity(store), args.round_id, parsed)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(summary(result, path.name, lang)))
    return 0
