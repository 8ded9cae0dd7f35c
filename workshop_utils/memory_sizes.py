"""Memory sizes written the JVM's way ("2G", "1500M"), used for H2O's heap and the grader's cap.

Example:
    >>> parse_size("1500m", "max_mem")
    (1572864000, '1500M')
"""

from __future__ import annotations

import re

__all__ = ["parse_size"]

UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(value: str, source: str) -> tuple[int, str]:
    """Bytes and canonical spelling of a size such as "2G" or "1500m"; ``source`` names the
    setting in the error.

    >>> parse_size("lots", "max_mem")
    Traceback (most recent call last):
    ...
    ValueError: max_mem='lots' is not a memory size: use a whole number with a unit, e.g. "2G" or "1500M".
    """
    match = re.fullmatch(r"\s*(\d+)\s*([kKmMgGtT])[bB]?\s*", str(value))
    if not match:
        raise ValueError(f"{source}={value!r} is not a memory size: use a whole number with a unit, "
                         'e.g. "2G" or "1500M".')
    number, unit = int(match.group(1)), match.group(2).upper()
    return number * UNITS[unit], f"{number}{unit}"
