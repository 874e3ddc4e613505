"""Per-person random streams: the property common random numbers rest on."""
import numpy as np
from scipy import stats

from model.randomness import RandomStreams


def test_a_persons_draw_does_not_depend_on_who_else_is_asked():
    streams = RandomStreams(7)
    everyone = streams.uniform("crisis", 12, np.arange(1000))
    some = np.array([999, 3, 512, 40])
    assert np.array_equal(streams.uniform("crisis", 12, some), everyone[some])


def test_draws_differ_by_decision_step_and_seed_but_repeat_exactly():
    ids = np.arange(5000)
    a = RandomStreams(1).uniform("death", 3, ids)
    assert np.array_equal(a, RandomStreams(1).uniform("death", 3, ids))
    for other in (RandomStreams(1).uniform("crisis", 3, ids), RandomStreams(1).uniform("death", 4, ids),
                  RandomStreams(2).uniform("death", 3, ids)):
        assert abs(np.corrcoef(a, other)[0, 1]) < 0.05
        assert not np.array_equal(a, other)


def test_uniforms_are_uniform_and_poisson_counts_have_poisson_moments():
    streams = RandomStreams(11)
    u = streams.uniform("x", 0, np.arange(200_000))
    assert stats.kstest(u, "uniform").pvalue > 0.001
    assert 0 <= u.min() and u.max() < 1
    counts = streams.poisson("gp", 0, np.arange(200_000), np.full(200_000, 2.5))
    assert abs(counts.mean() - 2.5) < 0.02 and abs(counts.var() - 2.5) < 0.05
