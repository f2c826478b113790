"""The participant's home page: the greeting, the organisation and one card per step, all typed text escaped."""

from klynge.i18n import t
from klynge.progress import StepProgress
from klynge.widgets.home import HomePage, HomeSummary, StepCard

HOSTILE = "<img src=x onerror=alert(1)>"


def _summary(**values) -> HomeSummary:
    steps = [StepCard("nav.profile", StepProgress("profile", 3, 3), "profile"),
             StepCard("nav.sdg", StepProgress("sdg", 1, 4, [("home.missing.targets", {"n": 3})]), "sdg")]
    return HomeSummary(**{"person": "Kari Nordmann", "role": "participant", "organisation": "Fjellguidene",
                          "place": "Oppdal", "kind": "company", "steps": steps, **values})


def test_the_page_greets_the_person_and_shows_each_step():
    opened = []
    page = HomePage(lambda: _summary(), opened.append)
    page.lang = "en"
    head = page._head.value
    assert t("home.greeting", "en", name="Kari") in head
    assert '<p class="klynge-org"><b>Fjellguidene</b> · Oppdal · ' in head
    profile, sdg = (card.body.value for card in page._cards)
    assert 'class="klynge-done"' in profile and "klynge-missing" not in profile
    assert t("home.progress", "en", done=1, total=4) in sdg and sdg.count('class="klynge-missing"') == 1
    page._cards[1].button.click()
    assert opened == ["sdg"]


def test_typed_names_are_shown_as_text():
    page = HomePage(lambda: _summary(person=f"{HOSTILE} Nordmann", organisation=HOSTILE, place=HOSTILE),
                    lambda _p: None)
    head = page._head.value
    assert "<img" not in head and head.count("&lt;img") == 3  # the first name, the organisation, the place


def test_without_an_organisation_the_role_is_said():
    page = HomePage(lambda: _summary(organisation="", role="facilitator"), lambda _p: None)
    assert t("home.role.facilitator", "nb") in page._head.value and "klynge-org" not in page._head.value
