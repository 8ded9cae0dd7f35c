"""Shared fixtures: the data, the lessons' split, one constrained XGBoost model, the measured
runs of the solution notebooks, and the one graded class the grading tests share.

Set WORKSHOP_TEST_LESSONS=01_monotonic_xgboost,02_... to test only some lessons' notebooks,
release sync and grading (the default is every lesson; see chosen_lessons.py).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import xgboost as xgb
from class_submissions import GradedClass, grade_whole_class
from lesson_runs import FIXTURE, LessonRuns

from workshop_utils import data, monotonic
from workshop_utils.xgboost_models import fit_xgboost

# Checks the tests run (nbval's lesson runs included: kernels inherit this) record progress in a
# file of the test session's own, never in the learner's ~/.workshop.
os.environ["WORKSHOP_PROGRESS_FILE"] = str(Path(tempfile.mkdtemp(prefix="workshop-test-progress-")) / "progress.jsonl")


def pytest_configure(config: pytest.Config) -> None:
    """Measure the solution notebooks nbval runs, for the ``lesson_runs`` fixture."""
    config.pluginmanager.register(LessonRuns(), FIXTURE)


@pytest.fixture(scope="session")
def lesson_runs(request: pytest.FixtureRequest) -> dict[str, tuple[float, float]]:
    """(seconds, peak GB) of each solution notebook nbval ran in full in this session, by lesson;
    tests using this fixture run after every notebook."""
    return request.config.pluginmanager.get_plugin(FIXTURE).measured


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> GradedClass:
    """Every grading test's class, graded once (see class_submissions.py)."""
    return grade_whole_class(tmp_path_factory.mktemp("submitted"), tmp_path_factory.mktemp("graded"))


@pytest.fixture(scope="session")
def frame() -> pd.DataFrame:
    return data.load_credit_data()


@pytest.fixture(scope="session")
def parts(frame: pd.DataFrame) -> data.Split:
    return data.split_data(frame)


@pytest.fixture(scope="session")
def constraints(parts: data.Split) -> dict[str, int]:
    return monotonic.monotone_constraints(parts.train, data.MODEL_INPUTS, data.TARGET)


@pytest.fixture(scope="session")
def model(parts: data.Split, constraints: dict[str, int]) -> xgb.XGBClassifier:
    return fit_xgboost(parts.train, parts.valid, data.MODEL_INPUTS, data.TARGET, constraints)


@pytest.fixture(autouse=True)
def close_figures():
    """Close the figures a test drew, so a long run does not pile up open matplotlib figures."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
