"""Made-up data for tests and benchmarks: valid organisation numbers that belong to no one."""

from __future__ import annotations

_NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def fictional_orgnr(country: str, n: int, *, start: int, step: int) -> str:
    """The n-th valid organisation number of a series: ``start + n * step``, then its check digit.

    Norway: 8 digits and a mod-11 check digit (a series skips numbers whose check digit would
    be 10). Sweden: 9 digits and a Luhn check digit. Each caller keeps a series of its own, so
    numbers never clash with the demo's or another test's.
    """
    if country == "NO":
        candidate = start + n * step
        while True:
            digits = f"{candidate:08d}"
            remainder = sum(int(d) * w for d, w in zip(digits, _NO_WEIGHTS)) % 11
            check = 0 if remainder == 0 else 11 - remainder
            if check != 10:
                return digits + str(check)
            candidate += 1
    base = f"{start + n * step:09d}"
    total = 0
    for i, d in enumerate(reversed(base + "0")):
        k = int(d) * (2 if i % 2 else 1)
        total += k - 9 if k > 9 else k
    return base + str((10 - total % 10) % 10)
