"""The data loader: checksum, clear errors, recoding, the shared split."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workshop_utils import data


def copy_data(tmp_path: Path) -> Path:
    for name in (data.DATA_FILE, f"{data.DATA_FILE}.sha256"):
        shutil.copy(data.data_dir() / name, tmp_path / name)
    return tmp_path


def test_loads_the_documented_data(frame):
    assert frame.shape == (30000, 25)
    assert int(frame[data.TARGET].sum()) == 6636  # 22.12 %, as the datasheet says
    assert frame.isna().sum().sum() == 0
    assert frame["ID"].tolist() == list(range(1, 30001))


def test_missing_file_names_the_file_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DataFileError) as caught:
        data.load_credit_data()
    message = str(caught.value)
    assert str(tmp_path / data.DATA_FILE) in message and "git checkout -- data/" in message


def test_altered_file_is_refused_by_checksum(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / data.DATA_FILE
    text = path.read_text()
    path.write_text(text.replace("\n1,20000,", "\n1,20001,", 1))
    with pytest.raises(data.DataFileError, match="does not match its checksum"):
        data.load_credit_data(folder)


def test_truncated_file_is_refused(tmp_path):
    folder = copy_data(tmp_path)
    path = folder / data.DATA_FILE
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(data.DataFileError, match="altered or truncated"):
        data.verify_data(folder)


def test_missing_checksum_record_is_an_error(tmp_path):
    folder = copy_data(tmp_path)
    (folder / f"{data.DATA_FILE}.sha256").unlink()
    with pytest.raises(data.DataFileError, match="checksum file"):
        data.verify_data(folder)


def test_recode_makes_readable_categories(frame):
    readable = data.recode(frame)
    assert set(readable["SEX"].cat.categories) == {"male", "female"}
    assert set(readable["MARRIAGE"].cat.categories) == {"married", "single", "other", "unknown"}
    assert readable.loc[frame["EDUCATION"].isin([0, 5, 6]), "EDUCATION"].eq("unknown").all()
    assert readable.loc[0, "PAY_0_STATUS"] == "payment 2 months late"
    assert readable["PAY_0"].equals(frame["PAY_0"]), "numeric codes stay for the models"
    assert frame["SEX"].dtype == "int64", "recode must not change its input"


@pytest.mark.parametrize("code, words", [(-2, "no consumption"), (-1, "paid in full"),
                                         (0, "revolving credit"), (1, "payment 1 month late"),
                                         (9, "payment 9 or more months late")])
def test_pay_status_words(code, words):
    assert data.describe_pay_status(code) == words


def test_split_is_deterministic_disjoint_and_stratified(frame, parts):
    again = data.split_data(frame)
    assert parts.test.index.equals(again.test.index) and parts.train.index.equals(again.train.index)
    sizes = len(parts.train), len(parts.valid), len(parts.test)
    assert sizes == (16800, 4200, 9000)
    all_ids = set(parts.train.ID) | set(parts.valid.ID) | set(parts.test.ID)
    assert len(all_ids) == 30000
    for part in (parts.train, parts.valid, parts.test):
        assert abs(part[data.TARGET].mean() - 0.2212) < 0.001


def test_model_inputs_leave_out_demographics():
    assert not set(data.DEMOGRAPHICS) & set(data.MODEL_INPUTS)
    assert len(data.MODEL_INPUTS) == 19
