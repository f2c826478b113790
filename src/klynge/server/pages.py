"""Plain pages the server shows without any kernel: sign-in problems, signed out, busy, errors."""

from __future__ import annotations

import json

from ..i18n import LANGUAGES, t
from ..templating import render

__all__ = ["INSTALL_LAB", "LAB_REASONS", "in_every_language", "lab_starting_page", "plain_page", "researcher_page",
           "texts_json"]

#: The command that installs JupyterLab for the research lab, as the researcher's page shows it.
INSTALL_LAB = "pip install 'klynge[lab]'"
#: Why a researcher sees their page instead of the lab: no JupyterLab on the server, a cluster too
#: small to publish anything, or a lab that did not start.
LAB_REASONS = ("missing", "nothing", "failed")


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


def researcher_page(lang: str, reason: str = "missing") -> str:
    """A researcher's page when their lab cannot open: what the lab is, why it is not there, and ``klynge lab``.

    ``reason`` is one of :data:`LAB_REASONS`; without JupyterLab the page gives the command that installs it.
    """
    if reason not in LAB_REASONS:
        raise ValueError(f"unknown reason {reason!r}; one of {', '.join(LAB_REASONS)}")
    return plain_page(lang, f"page.researcher.{reason}.title", "page.researcher.body", f"page.researcher.{reason}",
                      command=("page.researcher.install", INSTALL_LAB) if reason == "missing" else None,
                      closing_keys=("page.researcher.local",))


def lab_starting_page(lang: str, status_url: str) -> str:
    """A researcher's page while their lab starts: it is being prepared, a bar that moves, and the lab once ready.

    The page asks ``status_url`` every second and loads itself again once the state is no longer
    ``starting`` (the lab then answers, or the researcher's page says why it did not start);
    without JavaScript it reloads every few seconds.
    """
    return render("server/lab_starting.html.j2", lang=lang, title=t("page.lab_starting.title", lang),
                  paragraphs=[t("page.lab_starting.body", lang), t("page.researcher.body", lang)],
                  progress=t("page.lab_starting.progress", lang), slow=t("page.lab_starting.slow", lang),
                  status_url=status_url)


def texts_json(key: str) -> str:
    """``{"nb": ..., "sv": ..., "en": ...}`` of one message, for a page that picks the language in the browser.

    The app template uses it (as the Jinja filter ``klynge_texts``) for the text shown while a page opens.
    """
    return json.dumps({lang: t(key, lang) for lang in LANGUAGES}, ensure_ascii=False).replace("</", "<\\/")


def in_every_language(key: str) -> str:
    """One message in bokmål, Swedish and English, joined by middle dots: for pages that know no language."""
    return " · ".join(dict.fromkeys(t(key, lang) for lang in LANGUAGES))
