"""Significance tests and intervals used by the fact sheets, all from scipy.stats (never re-derived).

Pure functions on numbers or arrays; every result is a frozen dataclass of plain floats. A test that has
too little data to say anything returns None rather than a p-value of 1, so callers cannot mistake «not
computable» for «not significant».
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy import stats as sps

ALPHA = 0.05  # significance level of every test in Svodka
CONFIDENCE = 0.95  # level of every interval
ROBUST_Z_LIMIT = 3.5  # Iglewicz–Hoaglin: |modified z| ≥ 3.5 is an outlier
_Z_CONFIDENCE = float(sps.norm.ppf(0.5 + CONFIDENCE / 2))  # 1.959964…


@dataclass(frozen=True)
class TrendTest:
    """Mann–Kendall (Kendall's τ of the values against their period index) and the Theil–Sen line."""

    n: int
    tau: float
    p_value: float
    slope: float  # Theil–Sen: median of the pairwise slopes
    intercept: float
    slope_low: float  # 95 % interval of the slope
    slope_high: float

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA


@dataclass(frozen=True)
class Correlation:
    """A correlation coefficient with its p-value (H0: no correlation) and, for Pearson, a 95 % interval."""

    coefficient: float
    n: int
    p_value: float
    low: float | None = None
    high: float | None = None

    @property
    def interval_excludes_zero(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


@dataclass(frozen=True)
class GapTest:
    """A two-sample test of the difference between two groups."""

    test: str  # «t-критерий Уэлча», «z-критерий для двух долей», …
    statistic: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def trend_test(x: np.ndarray, y: np.ndarray) -> TrendTest | None:
    """Mann–Kendall and Theil–Sen of `y` against `x` (period indices); None below 3 points. A constant
    series has S = 0, so τ = 0, p = 1 (the classical Mann–Kendall z is 0) and every pairwise slope is 0."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    if len(y) < 3:
        return None
    # values near ±1e308 overflow in differences: a spread of inf is not 0, and a test that overflows is dropped
    with np.errstate(all="ignore"):
        if np.ptp(x) == 0:
            return None
        if np.ptp(y) == 0:
            return TrendTest(len(y), 0.0, 1.0, 0.0, float(y[0]), 0.0, 0.0)
        tau = sps.kendalltau(x, y)
        sen = sps.theilslopes(y, x, alpha=CONFIDENCE)
    values = (tau.statistic, tau.pvalue, sen.slope, sen.intercept, sen.low_slope, sen.high_slope)
    if not all(math.isfinite(float(v)) for v in values):
        return None
    return TrendTest(len(y), *(float(v) for v in values))


def robust_z(values: np.ndarray) -> np.ndarray:
    """Modified z-scores (value − median) / (1.4826 · MAD); all zeros when the MAD is 0 (no spread to
    measure against, so nothing is called an outlier)."""
    values = np.asarray(values, dtype="float64")
    if len(values) == 0:
        return values
    with np.errstate(all="ignore"):
        scale = float(sps.median_abs_deviation(values, scale="normal"))
        if not math.isfinite(scale) or scale == 0:
            return np.zeros(len(values))
        z = (values - np.median(values)) / scale
    return np.where(np.isfinite(z), z, 0.0)


def pearson(r: float, n: int) -> Correlation | None:
    """Pearson's r on `n` complete rows: p-value from Student's t with n − 2 degrees of freedom and the
    Fisher-z 95 % interval, as `scipy.stats.pearsonr` gives them, from r and n alone (the matrix is
    already computed). None when n < 4 (the interval needs n − 3 > 0) or r is undefined."""
    if n < 4 or not math.isfinite(r):
        return None
    r = max(-1.0, min(1.0, float(r)))
    p_value = _t_p_value(r, n)
    if abs(r) == 1.0:
        return Correlation(r, n, p_value, r, r)
    z = math.atanh(r)
    half = _Z_CONFIDENCE / math.sqrt(n - 3)
    return Correlation(r, n, p_value, math.tanh(z - half), math.tanh(z + half))


def spearman(rho: float, n: int) -> Correlation | None:
    """Spearman's ρ on `n` complete rows with the p-value `scipy.stats.spearmanr` gives (Student's t with
    n − 2 degrees of freedom on ρ). None when n < 3 or ρ is undefined."""
    if n < 3 or not math.isfinite(rho):
        return None
    rho = max(-1.0, min(1.0, float(rho)))
    return Correlation(rho, n, _t_p_value(rho, n))


def _t_p_value(r: float, n: int) -> float:
    if abs(r) == 1.0:
        return 0.0
    dof = n - 2
    t = r * math.sqrt(dof / ((1.0 - r) * (1.0 + r)))
    return float(2 * special.stdtr(dof, -abs(t)))  # Student's t tail; the ufunc, not the slow rv_continuous


def welch(mean_a: float, std_a: float, n_a: int, mean_b: float, std_b: float, n_b: int) -> GapTest | None:
    """Welch's t-test of two means from their summary statistics (sample standard deviations, ddof=1)."""
    if n_a < 2 or n_b < 2:
        return None
    if std_a == 0 and std_b == 0:
        return GapTest("t-критерий Уэлча", math.inf, 0.0 if mean_a != mean_b else 1.0)
    result = sps.ttest_ind_from_stats(mean_a, std_a, n_a, mean_b, std_b, n_b, equal_var=False)
    statistic, p_value = _finite(result.statistic), _finite(result.pvalue)
    if statistic is None or p_value is None:
        return None
    return GapTest("t-критерий Уэлча", statistic, p_value)


def two_proportions(successes_a: int, n_a: int, successes_b: int, n_b: int) -> GapTest | None:
    """Two-proportion z-test (pooled) of independent groups: the share of 1s of a 0/1 measure."""
    if n_a < 1 or n_b < 1:
        return None
    pooled = (successes_a + successes_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    difference = successes_a / n_a - successes_b / n_b
    if variance == 0:
        return GapTest("z-критерий для двух долей", 0.0, 1.0) if difference == 0 else None
    z = difference / math.sqrt(variance)
    return GapTest("z-критерий для двух долей", z, float(2 * sps.norm.sf(abs(z))))


def two_shares_of_one_total(count_a: int, count_b: int, total: int) -> GapTest | None:
    """z-test that two groups' shares of the same rows differ: the cells of one multinomial sample, so
    Var(p̂a − p̂b) = (pa + pb − (pa − pb)²) / N."""
    if total < 1:
        return None
    pa, pb = count_a / total, count_b / total
    variance = (pa + pb - (pa - pb) ** 2) / total
    if variance <= 0:
        return None
    z = (pa - pb) / math.sqrt(variance)
    return GapTest("z-критерий для двух долей", z, float(2 * sps.norm.sf(abs(z))))


def mann_whitney(a: np.ndarray, b: np.ndarray) -> GapTest | None:
    """Mann–Whitney U (two-sided): whether one group's values tend to be larger — the test for medians."""
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    if len(a) < 2 or len(b) < 2:
        return None
    if np.ptp(np.concatenate([a, b])) == 0:
        return GapTest("U-критерий Манна–Уитни", 0.0, 1.0)
    result = sps.mannwhitneyu(a, b, alternative="two-sided")
    p_value = _finite(result.pvalue)
    return None if p_value is None else GapTest("U-критерий Манна–Уитни", float(result.statistic), p_value)


def bonferroni(p_value: float, comparisons: int) -> float:
    """A p-value adjusted for picking one of `comparisons` possible comparisons after seeing the data."""
    return min(1.0, p_value * max(1, comparisons))


P_FLOOR = 0.001  # smaller p-values are shown as «меньше 0,001»


def shown_p_value(p_value: float) -> float:
    """A p-value as pages and payloads show it: 3 decimals, and at least 0.001 («p < 0,001»)."""
    return P_FLOOR if p_value < P_FLOOR else round(p_value, 3)
