"""The Jinja2 environment: templates found in the package, every value escaped, missing names an error."""

import jinja2
import pytest
from markupsafe import Markup, escape

from klynge import templating
from klynge.i18n import t
from klynge.server.pages import lab_starting_page, plain_page, researcher_page

HOSTILE = "<img src=x onerror=alert(1)>"


def test_every_template_in_the_package_compiles():
    env = templating.environment()
    names = env.list_templates(extensions=["j2"])
    assert {"report/page.html.j2", "report/parts.html.j2", "server/plain.html.j2"} <= set(names)
    for name in names:
        env.get_template(name)


def test_values_are_escaped_and_markup_is_not_escaped_twice():
    env = templating.environment()
    text = env.from_string("<p>{{ a }}</p>{{ b }}").render(a=HOSTILE, b=Markup("<b>x</b>"))
    assert text == "<p>&lt;img src=x onerror=alert(1)&gt;</p><b>x</b>"


def test_a_missing_name_is_an_error_not_an_empty_string():
    with pytest.raises(jinja2.UndefinedError, match="subtitle"):
        templating.environment().from_string("{{ subtitle }}").render()


def test_templates_see_the_catalogues_and_the_formats():
    env = templating.environment()
    text = env.from_string("{{ t('batch.member', lang) }}: {{ 12500 | number(lang) }}, {{ 0.375 | percent(lang) }}")
    assert text.render(lang="nb") == "Medlem: 12\u00a0500, 38\u00a0%"


def test_snippet_calls_a_macro_and_returns_markup():
    html = templating.snippet("report/parts.html.j2", "paragraph", HOSTILE)
    assert isinstance(html, Markup) and html == "<p>&lt;img src=x onerror=alert(1)&gt;</p>"


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_plain_pages_are_whole_documents_in_the_language(lang):
    html = researcher_page(lang, "missing")
    assert html.startswith("<!doctype html>") and f'<html lang="{lang}">' in html
    assert '<pre class="command"><code>pip install &#39;klynge[lab]&#39;</code></pre>' in html
    assert "klynge lab" in html and "<script" not in html
    for reason in ("nothing", "failed"):
        other = researcher_page(lang, reason)
        assert "<pre" not in other and escape(t(f"page.researcher.{reason}", lang)) in other and "klynge lab" in other
    with pytest.raises(ValueError, match="one of missing, nothing, failed"):
        researcher_page(lang, "gone")


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_the_lab_starting_page_says_so_in_the_language_and_asks_its_status(lang):
    html = lab_starting_page(lang, "/base/research/lab-status")
    assert html.startswith("<!doctype html>") and f'<html lang="{lang}">' in html
    assert escape(t("page.lab_starting.title", lang)) in html and escape(t("page.researcher.body", lang)) in html
    assert 'var STATUS = "/base/research/lab-status";' in html and 'role="progressbar"' in html
    assert '<meta http-equiv="refresh" content="5">' in html  # without JavaScript it loads itself again
    hostile = lab_starting_page(lang, HOSTILE + '";alert(1);"')
    assert HOSTILE not in hostile  # a JSON string inside the script, its tags and quotes escaped
    assert 'var STATUS = "\\u003cimg src=x onerror=alert(1)\\u003e\\";alert(1);\\"";' in hostile


def test_plain_page_escapes_what_it_is_given():
    html = plain_page("en", HOSTILE, command=("page.researcher.command", HOSTILE))
    assert HOSTILE not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") == 3


def test_no_module_writes_html_in_an_f_string():
    """HTML comes from the templates, where every value is escaped; an f-string with a tag escapes nothing."""
    import re
    from pathlib import Path

    import klynge

    tag = re.compile(r"""\bf(["'])[^"'\n]*<[a-zA-Z/][^"'\n]*\1""")
    found = [f"{path.name}:{n}" for path in Path(klynge.__file__).parent.rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if tag.search(line)]
    assert not found, f"HTML built in Python (use a template): {found}"


def _markup_built_from_tags(source: str) -> list[int]:
    """The lines where ``Markup`` is given a string literal with a tag in it (``Markup("<p>{}</p>")``).

    ``Markup`` marks its argument as safe HTML, so a tag written there escapes nothing it is later
    formatted with, and keeps HTML out of the templates. ``Markup("")`` (an empty join) and
    ``Markup`` of a value (a template's output, a style sheet read from a file) are fine.
    """
    import ast
    import re

    tag = re.compile(r"<[a-zA-Z/!]")
    tree = ast.parse(source)
    names = {"Markup"} | {a.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                          and node.module == "markupsafe" for a in node.names if a.name == "Markup" and a.asname}

    def literal(node) -> str:
        """The text written in the argument itself: strings, f-strings and sums of them, not what a call returns."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else ""
        if isinstance(node, ast.JoinedStr):
            return "".join(literal(v) for v in node.values)
        if isinstance(node, ast.BinOp):
            return literal(node.left) + literal(node.right)
        return ""

    def is_markup(func) -> bool:
        return (isinstance(func, ast.Name) and func.id in names) or (
            isinstance(func, ast.Attribute) and func.attr == "Markup")

    return sorted(node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and is_markup(node.func)
                  and node.args and tag.search(literal(node.args[0])))


@pytest.mark.parametrize(("source", "lines"), [
    ('x = Markup("<p>{}</p>").format(a)', [1]),
    ("x = (1,\n     Markup('<li>{}</li>'\n            '</ul>'))", [2]),
    ('import markupsafe\nx = markupsafe.Markup("<br>")', [2]),
    ('from markupsafe import Markup as M\nx = M(f"<b>{a}</b>")', [2]),
    ('x = Markup("{}" + "</div>").format(a)', [1]),
    ('x = Markup("").join(parts)', []),
    ('x = Markup(css)', []),
    ('x = Markup(snippet("widgets/x.html.j2", "row", "<b>"))', []),
    ('x = Markup("a < b")', []),
])
def test_the_markup_check_finds_tags_written_in_python_and_lets_values_pass(source, lines):
    assert _markup_built_from_tags(source) == lines


def test_no_module_writes_html_in_a_markup_string():
    """HTML comes from the templates; a tag given to ``Markup`` in Python is HTML built beside them."""
    from pathlib import Path

    import klynge

    root = Path(klynge.__file__).parent
    found = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
             for n in _markup_built_from_tags(path.read_text(encoding="utf-8"))]
    assert not found, f"HTML built with Markup in Python (use a macro and snippet()): {found}"
