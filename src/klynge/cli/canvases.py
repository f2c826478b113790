"""``klynge canvases list`` and ``show``: the canvas and assessment templates."""

from __future__ import annotations

import argparse

from ..settings import Settings
from .common import command_group, language_options

__all__ = ["register"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``canvases list`` and ``canvases show`` to ``sub``."""
    action = command_group(sub, "canvases", "canvas and assessment templates", [common, language_options()])
    action("list", listing, "every template: id, kind, size and title")
    action("show", show, "one template with its blocks, questions and examples").add_argument("id")


def listing(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge canvases list``."""
    from ..canvases import default_registry, listing

    print(listing(default_registry(tuple(settings.template_dirs)), settings.lang))
    return 0


def show(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge canvases show ID``."""
    from ..canvases import default_registry, describe

    print(describe(default_registry(tuple(settings.template_dirs)).get(args.id), settings.lang))
    return 0
