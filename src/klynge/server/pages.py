"""Plain pages the server shows without any kernel: sign-in problems, signed out, busy, errors."""

from __future__ import annotations

import json

from jinja2 import Environment
from markupsafe import Markup

from ..i18n import LANGUAGES, t

__all__ = ["RESEARCH_COMMAND", "in_every_language", "plain_page", "researcher_page", "texts_json"]

#: The command that writes the research tables, as the researcher's page shows it.
RESEARCH_COMMAND = "klynge export --research research-tables"

_STYLE = """
:root{color-scheme:light;--accent:#1f5f5b;--ink:#1d2a2a;--paper:#f6f3ec}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
background:var(--paper);color:var(--ink);font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:34rem;margin:1.5rem;padding:2rem 2rem 1.5rem;background:#fff;border-radius:14px;
box-shadow:0 2px 14px rgba(0,0,0,.08);border-top:6px solid var(--accent)}
.brand{font-weight:700;letter-spacing:.04em;color:var(--accent);text-transform:uppercase;font-size:.85rem}
h1{font-size:1.5rem;line-height:1.25;margin:.4rem 0 1rem}
p{margin:0 0 1rem}
ul{margin:0 0 1rem;padding-left:1.2rem}li{margin:0 0 .5rem}
pre{margin:0 0 1rem;padding:.7rem .9rem;background:#1d2a2a;color:#f6f3ec;border-radius:8px;
font:15px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
"""


_PAGE = Environment(autoescape=True).from_string("""\
<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">\
<meta name="viewport" content="width=device-width,initial-scale=1">\
<meta name="referrer" content="no-referrer">\
<title>{{ title }} · Klynge</title><style>{{ style }}</style></head>\
<body><main><div class="brand">Klynge</div><h1>{{ title }}</h1>\
{% for text in paragraphs %}<p>{{ text }}</p>{% endfor %}\
{% if items %}<ul class="tables">{% for text in items %}<li>{{ text }}</li>{% endfor %}</ul>{% endif %}\
{% if command %}<p>{{ command_intro }}</p><pre class="command"><code>{{ command }}</code></pre>{% endif %}\
{% for text in closing %}<p>{{ text }}</p>{% endfor %}\
</main></body></html>""")


def plain_page(lang: str, title_key: str, *body_keys: str, item_keys: tuple[str, ...] = (),
               command: tuple[str, str] | None = None, closing_keys: tuple[str, ...] = ()) -> str:
    """A small, self-contained HTML page in ``lang``: the Klynge mark, a title and paragraphs.

    Optionally a list (``item_keys``), a command to copy (``(intro key, command)``) and closing
    paragraphs follow. Every text is escaped by the template.
    """
    def say(keys):
        return [t(key, lang) for key in keys]

    return _PAGE.render(lang=lang, title=t(title_key, lang), style=Markup(_STYLE), paragraphs=say(body_keys),
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
