"""Keep only the native library interpret-core loads on this machine.

interpret-core is one wheel for every platform: it carries libebm for Linux, macOS and Windows on
x64 and ARM, each also as a debug build, and Windows symbol files, about 65 MB, of which one
2 MB file is ever loaded here. scripts/install-packages.sh runs this after installing the lock,
so the runtime environment stays within its size budget. Run it with the environment's Python;
it does nothing when interpret-core is not installed or was trimmed already.
"""

from __future__ import annotations

from pathlib import Path


def trim() -> int:
    """Delete every libebm file but the one this machine loads; the bytes freed."""
    try:
        from interpret.utils._native import Native
    except ImportError:
        return 0
    kept = Path(Native._get_ebm_lib_path(debug=False))
    if not kept.is_file():
        raise SystemExit(f"interpret-core's native library {kept} is missing: reinstall interpret-core")
    freed = 0
    for other in kept.parent.glob("libebm_*"):
        if other != kept:
            freed += other.stat().st_size
            other.unlink()
    return freed


if __name__ == "__main__":
    print(f"trim_interpret: kept the native library this machine loads, freed {trim() / 1e6:.0f} MB")
