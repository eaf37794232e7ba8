"""How sure we are that an STF fixes an error signature: the Wilson score interval's lower bound."""

from __future__ import annotations

import math

Z_95 = 1.96


def wilson_lower_bound(successes: int, attempts: int, z: float = Z_95) -> float:
    """(p + z²/2n - z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n) with p = successes/n, n = attempts;
    0 without attempts. Few attempts give a low bound, so 2/2 ranks below 95/100."""
    if attempts < 0 or not 0 <= successes <= attempts:
        raise ValueError(f"need 0 <= successes <= attempts, got {successes}/{attempts}")
    if attempts == 0:
        return 0.0
    n = attempts
    p = successes / n
    z2 = z * z
    bound = (p + z2 / (2 * n) - z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)
    return min(1.0, max(0.0, bound))  # rounding can stray a hair outside [0, 1] at p = 0
