"""Swedish everywhere: after the switch, no bokmål or English text of the catalogues is left on any step."""

from __future__ import annotations

import re

import pytest

from klynge.i18n import catalogue, t, variants

from .conftest import close, open_app, screenshot, settle

# The participant app's steps, by the class of their navigation button.
STEPS = ("home", "profile", "canvases", "sdg", "exports")


def _foreign_texts() -> dict[str, str]:
    """Catalogue texts in bokmål or English that are not also the Swedish text, and long enough to be telling.

    A text with ``{names}`` is looked for by its longest fixed part.
    """
    swedish = {key: " / ".join(variants(message)) for key, message in catalogue("sv").items()}
    found = {}
    for lang in ("nb", "en"):
        for key, text in ((k, text) for k, message in catalogue(lang).items() for text in variants(message)):
            part = max(re.split(r"\{[^}]*\}", text), key=len).strip(" .,:;…·-")
            if len(part) < 6 or " " not in part and len(part) < 9:
                continue  # short words ("Totalt", "Mars") are shared by the languages or by names
            if part.lower() in swedish.get(key, "").lower() or any(part.lower() == s.lower() for s in swedish.values()):
                continue
            found[part] = f"{lang}:{key}"
    return found


# The app's text, without what a page marks as being in another language on purpose (the UN's
# official English target text shown beside an unofficial translation carries lang="en").
_SWEDISH_TEXT = """() => {
  const app = document.querySelector('.klynge-app').cloneNode(true);
  app.querySelectorAll('[lang]:not([lang="sv"])').forEach((el) => el.remove());
  document.body.appendChild(app);
  const text = app.innerText;
  app.remove();
  return text;
}"""


def _leftovers(text: str, foreign: dict[str, str]) -> list[str]:
    return sorted(f"{where} {part!r}" for part, where in foreign.items()
                  if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text))


@pytest.mark.parametrize("who", ["stuga"])
def test_after_switching_to_swedish_no_other_language_is_left_on_any_step(served, browser, who):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = open_app(ctx, served.link(who))
    page.wait_for_selector(".klynge-step")
    page.select_option(".klynge-lang select", label="Svenska")
    page.wait_for_function("document.body.innerText.includes('Hej, ')")
    foreign = _foreign_texts()
    assert _leftovers(t("nav.exports", "en"), foreign) and _leftovers(t("home.intro", "nb"), foreign)
    for step in STEPS:
        page.click(f".klynge-nav-{step}")
        page.wait_for_selector(f".klynge-nav-{step}.klynge-current")
        settle(page)  # the page draws its pictures and labels
        text = page.evaluate(_SWEDISH_TEXT)
        assert t(f"nav.{step}", "sv") in text
        left = _leftovers(text, foreign)
        if left:
            screenshot(page, f"swedish-{step}")
        assert not left, f"step {step} still shows: {left}"
    close(ctx)


def test_an_unknown_address_gets_a_plain_page_in_the_persons_language(served, context):
    page = open_app(context, served.link("stuga"))
    # the text shown while the app opens comes from the catalogues too
    assert f'"sv": "{t("page.loading", "sv")}"' in page.content()
    response = context.request.get(served.url + "/no/such/page", headers={"Accept-Language": "sv-SE"})
    assert response.status == 404
    body = response.text()
    assert t("page.notfound.title", "sv") in body and t("page.notfound.body", "sv") in body
    assert "Traceback" not in body and "404" not in body
