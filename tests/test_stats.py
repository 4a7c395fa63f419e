"""lib.stats against tests worked by hand on 5–6 points and against scipy.stats on raw data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from lib.stats import (
    bonferroni,
    mann_whitney,
    pearson,
    robust_z,
    spearman,
    trend_test,
    two_proportions,
    two_shares_of_one_total,
    welch,
)


def test_mann_kendall_and_theil_sen_worked_by_hand_on_six_points():
    # y = 1, 3, 2, 5, 4, 6: of the 15 pairs 13 rise and 2 fall (3→2, 5→4), S = 11, τ = 11/15.
    # Exact null distribution: P(at most 2 falling pairs) = (1 + 5 + 14) / 6! (Mahonian numbers), two-sided
    # p = 40/720 = 0.0556 — it looks like a rise, but the test does not support one at 0.05.
    result = trend_test(np.arange(6), np.array([1, 3, 2, 5, 4, 6]))
    assert result is not None
    assert result.tau == pytest.approx(11 / 15)
    assert result.p_value == pytest.approx(40 / 720)
    assert not result.significant
    # pairwise slopes sorted: −1, −1, ⅓, ½, ½, ¾, ¾, 1, 1, 1, 4⁄3, 4⁄3, 2, 2, 3 → median (8th) = 1;
    # intercept = median(y) − 1 · median(x) = 3.5 − 2.5
    assert (result.slope, result.intercept) == (pytest.approx(1.0), pytest.approx(1.0))
    # Sen's interval: C = 1.96 · √(6·5·17/18) = 10.43; ranks round((15 − C)/2) = 2 and round((15 + C)/2) = 13
    # of the sorted slopes (1-based 2 and 14) → (−1; 2)
    assert (result.slope_low, result.slope_high) == (pytest.approx(-1.0), pytest.approx(2.0))


def test_a_straight_line_of_five_points_is_significant():
    # all 10 pairs rise: exact two-sided p = 2 / 5! = 1/60
    result = trend_test(np.arange(5), 3 * np.arange(5) + 1.0)
    assert result is not None
    assert (result.tau, result.p_value) == (pytest.approx(1.0), pytest.approx(1 / 60))
    assert result.significant
    assert (result.slope, result.slope_low, result.slope_high) == (3, 3, 3)


def test_constant_or_too_short_series():
    flat = trend_test(np.arange(4), np.full(4, 2.0))
    assert flat is not None and (flat.tau, flat.p_value, flat.slope, flat.slope_low, flat.slope_high) == (0, 1, 0, 0, 0)
    assert trend_test(np.arange(2), np.array([1.0, 2.0])) is None


def test_robust_z_uses_the_median_absolute_deviation():
    # median 3, absolute deviations 2, 1, 0, 1, 97 → MAD 1, scaled by 1.4826
    z = robust_z(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))
    assert z[-1] == pytest.approx(97 / 1.482602218505602)
    assert z[2] == 0
    assert list(robust_z(np.array([5.0, 5.0, 5.0, 9.0]))) == [0.0, 0.0, 0.0, 0.0]  # MAD 0: no yardstick


def test_pearson_p_value_and_fisher_interval_match_scipy_pearsonr():
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    y = 0.4 * x + rng.normal(size=40)
    expected = sps.pearsonr(x, y)
    interval = expected.confidence_interval(0.95)
    result = pearson(float(np.corrcoef(x, y)[0, 1]), 40)
    assert result is not None
    assert result.p_value == pytest.approx(expected.pvalue)
    assert (result.low, result.high) == (pytest.approx(interval.low), pytest.approx(interval.high))


def test_pearson_interval_by_hand():
    # r = 0.5, n = 28: z = atanh 0.5 = 0.5493, half-width 1.96/5 = 0.392 → (tanh 0.1573; tanh 0.9413)
    result = pearson(0.5, 28)
    assert result is not None
    assert (result.low, result.high) == (pytest.approx(math.tanh(0.549306 - 0.391993), abs=1e-5),
                                         pytest.approx(math.tanh(0.549306 + 0.391993), abs=1e-5))
    assert result.interval_excludes_zero
    # t = 0.5 · √(26 / 0.75) = 2.944 on 26 degrees of freedom
    assert result.p_value == pytest.approx(2 * sps.t.sf(0.5 * math.sqrt(26 / 0.75), 26))
    assert pearson(0.9, 3) is None


def test_spearman_p_value_matches_scipy_spearmanr():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 10, size=30).astype(float)
    y = x + rng.integers(0, 8, size=30)
    expected = sps.spearmanr(x, y)
    result = spearman(float(expected.statistic), 30)
    assert result is not None
    assert result.p_value == pytest.approx(expected.pvalue)


def test_welch_matches_scipy_on_raw_values():
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 9.0])
    b = np.array([2.0, 2.5, 3.0, 3.5])
    expected = sps.ttest_ind(a, b, equal_var=False)
    result = welch(a.mean(), a.std(ddof=1), 6, b.mean(), b.std(ddof=1), 4)
    assert result is not None
    assert (result.statistic, result.p_value) == (pytest.approx(expected.statistic), pytest.approx(expected.pvalue))
    assert welch(1.0, 0.0, 1, 2.0, 1.0, 5) is None


def test_two_proportions_by_hand():
    # 30 of 100 vs 20 of 100: pooled 0.25, SE = √(0.25 · 0.75 · 0.02) = 0.061237, z = 0.1 / SE = 1.633
    result = two_proportions(30, 100, 20, 100)
    assert result is not None
    assert result.statistic == pytest.approx(0.1 / math.sqrt(0.25 * 0.75 * 0.02))
    assert result.p_value == pytest.approx(2 * sps.norm.sf(0.1 / math.sqrt(0.25 * 0.75 * 0.02)))
    assert not result.significant


def test_two_shares_of_the_same_rows_by_hand():
    # 60 and 40 of 200 rows: pa = 0.3, pb = 0.2, Var = (0.5 − 0.01) / 200, z = 0.1 / √0.00245 = 2.02
    result = two_shares_of_one_total(60, 40, 200)
    assert result is not None
    assert result.statistic == pytest.approx(0.1 / math.sqrt(0.49 / 200))
    assert result.significant


def test_mann_whitney_matches_scipy():
    a, b = np.array([1.0, 4.0, 6.0, 8.0, 9.0]), np.array([2.0, 3.0, 3.0, 5.0])
    result = mann_whitney(a, b)
    assert result is not None
    assert result.p_value == pytest.approx(sps.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def test_bonferroni_caps_at_one():
    assert bonferroni(0.01, 10) == pytest.approx(0.1)
    assert bonferroni(0.2, 10) == 1.0
