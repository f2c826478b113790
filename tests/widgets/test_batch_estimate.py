"""Time left in a batch: measured from the members done so far, counted down, never stuck."""

import pytest

from klynge.widgets.batch_estimate import Estimate, say_duration


class Clock:
    """A clock the test moves by hand: the estimate is arithmetic on it, never on the real time."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_estimate_comes_from_the_time_per_step_so_far_and_follows_the_run():
    clock = Clock()
    estimate = Estimate(clock)
    assert estimate.seconds_left() is None  # nothing measured yet
    clock.now += 20
    estimate.update(2, 11)  # 10 s a notebook, 9 to go
    assert estimate.seconds_left() == pytest.approx(90)
    assert estimate.seconds_per_member() == pytest.approx(20)
    clock.now += 5  # no step finished: the time counts down
    assert estimate.seconds_left() == pytest.approx(85)
    clock.now += 5
    estimate.update(5, 11)  # faster than before: 6 s a notebook for 5, 6 to go
    assert estimate.seconds_left() == pytest.approx(36)
    estimate.update(11, 11)
    assert estimate.seconds_left() == 0


def test_a_slow_step_makes_the_estimate_grow_instead_of_sticking_at_a_minute():
    clock = Clock()
    estimate = Estimate(clock)
    clock.now += 60
    estimate.update(1, 4)  # 60 s for the first, 3 to go: 180 s
    clock.now += 240  # four minutes and the second is not done
    left = estimate.seconds_left()
    assert left == pytest.approx(300 / 2 * 2)  # as if the second ended now: 150 s each for the last 2
    clock.now += 60
    assert estimate.seconds_left() > left


@pytest.mark.parametrize("lang,seconds,text", [
    ("en", None, "working out how long it takes …"), ("en", 59, "less than a minute left"),
    ("en", 61, "about 2 min left"), ("nb", 600, "omtrent 10 min igjen"),
    ("sv", 3 * 3600 + 60, "ungefär 3 h 1 min kvar"),
])
def test_the_time_left_in_plain_words(lang, seconds, text):
    assert say_duration(seconds, lang) == text


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def test_the_panel_says_the_pass_and_the_time_left_as_the_run_goes(store, cluster, tmp_path):
    from klynge.apps.batch_service import BatchService
    from klynge.batch.runner import MemberResult
    from klynge.settings import load_settings
    from klynge.widgets.batch_panel import BatchPanel

    settings = load_settings(home=str(tmp_path / "home"), db=store.url, outputs=str(tmp_path / "outputs"))
    clock = Clock()
    panel = BatchPanel(BatchService(settings, store, cluster["who"]["facilitator"]), clock=clock)
    panel.lang = "en"
    total = 2 * 3 + 1  # three members: analyses, the cluster, reports
    clock.now += 30
    panel._progress(1, total, MemberResult("analysis", 1, "Fjellguidene", "ok"))
    assert "Reading the members: 1 of 3" in panel._status.value and "about 3 min left" in panel._status.value
    clock.now += 30
    panel._progress(2, total, MemberResult("analysis", 2, "Gardsbutikken", "failed", error="no data\nTraceback"))
    assert "about 3 min left" in panel._status.value  # 30 s a step, 5 to go
    assert "Gardsbutikken" in panel._failures.value and "no data" in panel._failures.value
    assert "Traceback" not in panel._failures.value
    clock.now += 60
    panel._progress(4, total, MemberResult("cluster", None, "", "ok"))
    assert "Writing the members&#39; reports: 0 of 3" in panel._status.value
    assert "about 2 min left" in panel._status.value
    clock.now += 200  # the next report takes long: the time left grows rather than sticking at zero
    panel._show_progress()  # what the panel's clock thread does every few seconds
    assert "about 3 min left" in panel._status.value


def test_a_failing_members_name_and_error_are_shown_as_text(store, cluster, tmp_path):
    from klynge.apps.batch_service import BatchService
    from klynge.batch.runner import MemberResult
    from klynge.settings import load_settings
    from klynge.widgets.batch_panel import BatchPanel

    hostile = "<img src=x onerror=alert(1)>"
    settings = load_settings(home=str(tmp_path / "home"), db=store.url, outputs=str(tmp_path / "outputs"))
    panel = BatchPanel(BatchService(settings, store, cluster["who"]["facilitator"]), clock=Clock())
    panel.lang = "sv"
    panel._progress(1, 7, MemberResult("analysis", 1, hostile, "failed", error=f"bad {hostile}"))
    shown = panel._failures.value
    assert "<img" not in shown and shown.count("&lt;img src=x onerror=alert(1)&gt;") == 2
    assert shown.startswith('<div class="klynge-message" role="alert">') and "<li><b>&lt;img" in shown
