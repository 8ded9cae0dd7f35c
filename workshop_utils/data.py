"""The credit card default data: load it (checksum verified), recode it, split it.

Example:
    >>> from workshop_utils.data import load_credit_data, split_data
    >>> frame = load_credit_data()
    >>> parts = split_data(frame)
    >>> len(parts.train), len(parts.valid), len(parts.test)
    (16800, 4200, 9000)
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

from workshop_utils import SEED
from workshop_utils.paths import DATA, PROJECT_ROOT

__all__ = ["BILL_AMOUNTS", "DATA_FILE", "DEMOGRAPHICS", "EDUCATION_CODES", "ID", "MARRIAGE_CODES",
           "MODEL_INPUTS", "PAY_AMOUNTS", "PAY_STATUS", "SEX_CODES", "TARGET", "DataFileError",
           "Split", "data_dir", "describe_pay_status", "load_credit_data", "recode", "split_data",
           "verify_data"]

DATA_FILE = "credit_card_default.csv"
TARGET = "DEFAULT_NEXT_MONTH"
ID = "ID"
DEMOGRAPHICS = ["SEX", "EDUCATION", "MARRIAGE", "AGE"]
PAY_STATUS = ["PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6"]
BILL_AMOUNTS = [f"BILL_AMT{i}" for i in range(1, 7)]
PAY_AMOUNTS = [f"PAY_AMT{i}" for i in range(1, 7)]
MODEL_INPUTS = ["LIMIT_BAL", *PAY_STATUS, *BILL_AMOUNTS, *PAY_AMOUNTS]
"""Inputs the lessons model with: the credit history, never the demographics (see the datasheet)."""

SEX_CODES = {1: "male", 2: "female"}
EDUCATION_CODES = {1: "graduate school", 2: "university", 3: "high school", 4: "other",
                   5: "unknown", 6: "unknown", 0: "unknown"}
MARRIAGE_CODES = {1: "married", 2: "single", 3: "other", 0: "unknown"}


class DataFileError(RuntimeError):
    """The data file is missing or is not the file the course was written for."""


def data_dir() -> Path:
    """Folder holding the data: ``$WORKSHOP_DATA_DIR`` if set, else ``data/`` of the project.

    >>> data_dir().name
    'data'
    """
    override = os.environ.get("WORKSHOP_DATA_DIR")
    return Path(override) if override else PROJECT_ROOT / DATA


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks.

    >>> len(sha256_of(data_dir() / DATA_FILE))
    64
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def expected_sha256(folder: Path) -> str:
    """The checksum recorded beside the data file (``credit_card_default.csv.sha256``)."""
    record = folder / f"{DATA_FILE}.sha256"
    if not record.exists():
        raise DataFileError(
            f"The checksum file {record} is missing. Fix: restore it from the course repository "
            "(git checkout -- data/)."
        )
    return record.read_text().split()[0].strip()


def verify_data(folder: Path | None = None) -> Path:
    """Check the data file exists and matches its recorded checksum; return its path.

    >>> verify_data().name
    'credit_card_default.csv'
    """
    folder = Path(folder) if folder is not None else data_dir()
    path = folder / DATA_FILE
    if not path.exists():
        raise DataFileError(
            f"The data file {path} is missing. Fix: restore it from the course repository "
            "(git checkout -- data/), or point WORKSHOP_DATA_DIR at the folder that holds it."
        )
    found, expected = sha256_of(path), expected_sha256(folder)
    if found != expected:
        raise DataFileError(
            f"The data file {path} does not match its checksum (SHA-256 {found[:12]}..., expected "
            f"{expected[:12]}...): it was altered or truncated, so the lessons' numbers would not "
            "hold. Fix: restore the original with `git checkout -- data/`."
        )
    return path


def load_credit_data(folder: Path | None = None) -> pd.DataFrame:
    """Load the verified data as integers, one row per customer, in file order.

    >>> load_credit_data().shape
    (30000, 25)
    """
    return pd.read_csv(verify_data(folder)).astype("int64")


def describe_pay_status(code: int) -> str:
    """Plain words for a PAY_* repayment status code.

    >>> describe_pay_status(2)
    'payment 2 months late'
    """
    named = {-2: "no consumption", -1: "paid in full", 0: "revolving credit"}
    if code in named:
        return named[code]
    if code >= 9:
        return "payment 9 or more months late"
    return f"payment {code} month{'s' if code > 1 else ''} late"


def recode(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with SEX, EDUCATION and MARRIAGE as readable categories, and a
    readable ``<PAY_x>_STATUS`` column beside each repayment status (the numeric codes stay,
    because models use them).

    >>> recode(load_credit_data())["SEX"].value_counts().to_dict()
    {'female': 18112, 'male': 11888}
    """
    out = frame.copy()
    for column, codes in (("SEX", SEX_CODES), ("EDUCATION", EDUCATION_CODES),
                          ("MARRIAGE", MARRIAGE_CODES)):
        if column in out:
            out[column] = out[column].map(codes).astype("category")
    for column in PAY_STATUS:
        if column in out:
            out[f"{column}_STATUS"] = out[column].map(describe_pay_status).astype("category")
    return out


@dataclass(frozen=True)
class Split:
    """Train, validation (for early stopping and cutoffs) and test rows."""

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


def split_data(frame: pd.DataFrame, test_share: float = 0.3, valid_share: float = 0.2,
               seed: int = SEED) -> Split:
    """The split every lesson shares: ``test_share`` of rows for testing, then ``valid_share``
    of the rest for validation, stratified by the target and seeded.

    >>> parts = split_data(load_credit_data())
    >>> round(float(parts.test[TARGET].mean()), 4)
    0.2212
    """
    rest, test = train_test_split(frame, test_size=test_share, random_state=seed,
                                  stratify=frame[TARGET])
    train, valid = train_test_split(rest, test_size=valid_share, random_state=seed,
                                    stratify=rest[TARGET])
    return Split(train=train, valid=valid, test=test)
