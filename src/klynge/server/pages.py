"""Plain pages the server shows without any kernel: sign-in problems, signed out, busy, errors."""

from __future__ import annotations

import json
from html import escape

from ..i18n import LANGUAGES, t

__all__ = ["in_every_language", "plain_page", "texts_json"]

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
"""


def plain_page(lang: str, title_key: str, *body_keys: str) -> str:
    """A small, self-contained HTML page in ``lang``: the Klynge mark, a title and paragraphs."""
    paragraphs = "".join(f"<p>{escape(t(key, lang))}</p>" for key in body_keys)
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(t(title_key, lang))} · Klynge</title><style>{_STYLE}</style></head>"
        f'<body><main><div class="brand">Klynge</div><h1>{escape(t(title_key, lang))}</h1>'
        f"{paragraphs}</main></body></html>"
    )


def texts_json(key: str) -> str:
    """``{"nb": ..., "sv": ..., "en": ...}`` of one message, for a page that picks the language in the browser.

    The app template uses it (as the Jinja filter ``klynge_texts``) for the text shown while a page opens.
    """
    return json.dumps({lang: t(key, lang) for lang in LANGUAGES}, ensure_ascii=False).replace("</", "<\\/")


def in_every_language(key: str) -> str:
    """One message in bokmål, Swedish and English, joined by middle dots: for pages that know no language."""
    return " · ".join(dict.fromkeys(t(key, lang) for lang in LANGUAGES))
