"""Plain pages the server shows without any kernel: sign-in problems, signed out, busy, errors."""

from __future__ import annotations

import json

from ..i18n import LANGUAGES, t
from ..templating import render

__all__ = ["RESEARCH_COMMAND", "in_every_language", "plain_page", "researcher_page", "texts_json"]

#: The command that writes the research tables, as the researcher's page shows it.
RESEARCH_COMMAND = "klynge export --research research-tables"


def plain_page(lang: str, title_key: str, *body_keys: str, item_keys: tuple[str, ...] = (),
               command: tuple[str, str] | None = None, closing_keys: tuple[str, ...] = ()) -> str:
    """A small, self-contained HTML page in ``lang``: the Klynge mark, a title and paragraphs.

    Optionally a list (``item_keys``), a command to copy (``(intro key, command)``) and closing
    paragraphs follow. Every text is escaped by the template (``server/plain.html.j2``).
    """
    def say(keys):
        return [t(key, lang) for key in keys]

    return render("server/plain.html.j2", lang=lang, title=t(title_key, lang), paragraphs=say(body_keys),
                  items=say(item_keys), command_intro=t(command[0], lang) if command else "",
                  command=command[1] if command else "", closing=say(closing_keys))


def researcher_page(lang: str) -> str:
    """What a researcher can do today: the tables without names, and the command that writes them."""
    return plain_page(lang, "page.researcher.title", "page.researcher.body",
                      item_keys=tuple(f"page.researcher.{name}" for name in ("organisations", "offers", "sdg")),
                      command=("page.researcher.command", RESEARCH_COMMAND), closing_keys=("page.researcher.later",))


def texts_json(key: str) -> str:
    """``{"nb": ..., "sv": ..., "en": ...}`` of one message, for a page that picks the language in the browser.

    The app template uses it (as the Jinja filter ``klynge_texts``) for the text shown while a page opens.
    """
    return json.dumps({lang: t(key, lang) for lang in LANGUAGES}, ensure_ascii=False).replace("</", "<\\/")


def in_every_language(key: str) -> str:
    """One message in bokmål, Swedish and English, joined by middle dots: for pages that know no language."""
    return " · ".join(dict.fromkeys(t(key, lang) for lang in LANGUAGES))
