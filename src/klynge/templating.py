"""The one Jinja2 environment that writes Klynge's HTML: reports, server pages and widget snippets.

Templates live in ``klynge/templates/`` by area (``report/``, ``server/``, ``widgets/``,
``package/``) and end in ``.html.j2``. Every value is escaped on the way out (``autoescape``), so
text a member typed shows as the text it is; a value that is already HTML must arrive as
:class:`markupsafe.Markup` (what :func:`snippet` and :func:`part` return). Plain-text templates
end in ``.txt.j2`` and only they are not escaped: in a text for a booking channel ``<b>`` is the
four characters a member typed, and ``&lt;b&gt;`` would be wrong. A name a template uses but nobody
passed is an error (``StrictUndefined``), not an empty string.

Templates find the catalogues as ``t(key, lang, **values)`` and the language's number, share,
money and date formats as the filters ``number``, ``percent``, ``money`` and ``day`` (each
takes ``lang``: ``{{ share | percent(lang) }}``).

A widget module keeps its snippets as macros in one template file and calls one of them with
:func:`snippet`; the pieces many widgets share (a heading with its intro, a paragraph with a
class and a role) are macros of ``widgets/common.html.j2``, called with :func:`part`.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import formatting
from .i18n import t

__all__ = ["environment", "part", "render", "snippet"]


@cache
def environment() -> Environment:
    """The shared environment, made once: package templates, escaped (but ``.txt.j2``), strict about missing names."""
    escape = select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("txt.j2",), default=True,
                               default_for_string=True)
    env = Environment(loader=PackageLoader("klynge", "templates"), autoescape=escape, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals["t"] = t
    env.filters.update(number=formatting.number, percent=formatting.percent, money=formatting.money,
                       day=formatting.day)
    return env


def render(name: str, /, **context) -> str:
    """The template ``name`` (``"report/index.html.j2"``) rendered with ``context``."""
    return environment().get_template(name).render(**context)


def snippet(name: str, macro: str, /, *args, **kwargs) -> Markup:
    """The macro ``macro`` of template ``name`` called with the given arguments: a piece of escaped HTML."""
    return getattr(environment().get_template(name).module, macro)(*args, **kwargs)


def part(macro: str, /, *args, **kwargs) -> Markup:
    """A shared widget piece: the macro ``macro`` of ``widgets/common.html.j2`` (``part("para", text, css="x")``)."""
    return snippet("widgets/common.html.j2", macro, *args, **kwargs)
