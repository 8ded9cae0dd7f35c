"""`workshop doctor` finds real problems and says how to fix them."""

from __future__ import annotations

import os
import subprocess
import sys

from workshop_tools import doctor


def test_this_machine_is_healthy():
    checks = doctor.run_checks()
    assert [c.name for c in checks] == ["Python", "Java", "Memory", "Data", "Packages", "Sandbox"]
    assert all(c.ok for c in checks), doctor.report(checks)


def test_a_wrong_pin_is_reported_with_the_fix(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("pandas==0.0.1\nnumpy==99.0 ; sys_platform == 'nonexistent'\n")
    check = doctor.check_packages(lock)
    assert not check.ok and "pandas" in check.found and "pinned 0.0.1" in check.found
    assert "numpy" not in check.found, "markers that do not apply here are skipped"
    assert check.fix == "re-install from the lock file: make install"


def test_the_command_exits_non_zero_and_names_the_fix(tmp_path):
    env = {**os.environ, "WORKSHOP_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "workshop_tools.cli", "doctor"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "[PROBLEM] Data" in run.stdout and "git checkout -- data/" in run.stdout
    assert "1 problem(s) to fix." in run.stdout


def test_missing_java_is_a_problem(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    check = doctor.check_java()
    assert not check.ok and "openjdk-17" in check.fix


def test_a_machine_without_bubblewrap_is_told_how_to_get_it(monkeypatch, tmp_path):
    from workshop_tools.sandbox import sandbox_problem

    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox_problem.cache_clear()
    try:
        check = doctor.check_sandbox()
    finally:
        sandbox_problem.cache_clear()
    assert not check.ok and "cannot sandbox submissions: bwrap (bubblewrap) is not installed" in check.found
    assert "apt-get install bubblewrap" in check.fix


def test_a_package_the_lock_leaves_out_is_a_problem(tmp_path):
    """The CUDA `xgboost` wheel installed beside xgboost-cpu (dice-ml asks for it by name) is caught."""
    lock = tmp_path / "requirements.lock"
    lock.write_text(f"pandas==0.0.1\n    # via x\n\n{doctor.EXCLUDED_HEADER}\n# xgboost\n# pytest\n")
    assert doctor.left_out(lock) == ["pytest", "xgboost"]
    check = doctor.check_packages(lock)  # pytest is installed here, xgboost (CUDA) is not
    assert not check.ok and check.found.startswith("pytest installed") and check.fix == "pip uninstall -y pytest"
