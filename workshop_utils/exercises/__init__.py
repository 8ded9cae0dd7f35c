"""Exercises: the engine (``engine``: check, hint, worked solution, grading on unseen cases),
the learner's progress (``progress``), and one content module per lesson (``lesson01`` ...)
holding that lesson's exercises, cases, hints and diagnoses.

Example:
    >>> from workshop_utils.exercises import engine
    >>> engine.Question("demo", "q1", "Which input?", "b", {"a": "a is not it"}, record=False).check("b")
    ✓ Which input?
"""
