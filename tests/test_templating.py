"""The Jinja2 environment: templates found in the package, every value escaped, missing names an error."""

import jinja2
import pytest
from markupsafe import Markup

from klynge import templating
from klynge.server.pages import plain_page, researcher_page

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
    html = researcher_page(lang)
    assert html.startswith("<!doctype html>") and f'<html lang="{lang}">' in html
    assert '<pre class="command"><code>klynge export --research research-tables</code></pre>' in html
    assert html.count("<li>") == 3 and "<script" not in html


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
