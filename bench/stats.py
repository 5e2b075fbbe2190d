"""Medians, spreads and ratios of timed samples."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def summary(values: Sequence[float]) -> dict[str, Any]:
    """n, median, min, max and the interquartile range of some seconds (rounded to 1 ms)."""
    if not values:
        return {"n": 0, "median": None, "min": None, "max": None, "iqr": None}
    ordered = sorted(values)
    if len(ordered) >= 4:
        q1, _, q3 = statistics.quantiles(ordered, n=4)
        iqr: float | None = round(q3 - q1, 3)
    else:
        iqr = None
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 3),
        "min": round(ordered[0], 3),
        "max": round(ordered[-1], 3),
        "iqr": iqr,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator to 3 places, None when either is missing."""
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 3)


def paired_ratio(pairs: Sequence[tuple[float, float]]) -> float | None:
    """The median of per-round ratios: robust to the machine speeding up or slowing down."""
    ratios = [a / b for a, b in pairs if b]
    return round(statistics.median(ratios), 3) if ratios else None


def slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The least-squares slope of ys over xs."""
    if len(xs) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else None


def fmt_s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}s"


def fmt_x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"
