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
