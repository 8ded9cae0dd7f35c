"""Speed and memory of the course's lessons and helpers (run with `python -m benchmarks`)."""
