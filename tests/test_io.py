"""tunelens.io: CSV / Parquet / JSON tables by extension, local and fsspec paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tunelens import InvalidParameterError, TableNotFoundError
from tunelens.io import read_table, table_format, write_table


def _table() -> pd.DataFrame:
    """A features-like table: strings, ints, floats, NaN and missing messages."""
    return pd.DataFrame({
        "filename": ["a.wav", "b.wav", "c.wav"],
        "length": [22050.0, np.nan, 44100.0],
        "key": ["C#", None, "Кино 宇多田"],
        "tempo": [117.9870376586914, np.nan, 0.1 + 0.2],
        "error": [None, "cannot decode 'b.wav'", None],
    })


@pytest.mark.parametrize("ext", [".csv", ".csv.gz", ".parquet", ".pq", ".json"])
@pytest.mark.parametrize("scheme", ["", "file://", "memory://"])
def test_round_trip(tmp_path, ext, scheme):
    path = f"memory://tables/t{ext}" if scheme == "memory://" else f"{scheme}{tmp_path}/sub/t{ext}"
    df = _table()
    assert write_table(df, path) == path
    back = read_table(path)
    assert list(back.columns) == list(df.columns)
    assert back["filename"].tolist() == df["filename"].tolist()
    # Floats survive exactly: CSV and JSON print the shortest round-tripping repr.
    np.testing.assert_array_equal(back["tempo"].to_numpy(float), df["tempo"].to_numpy(float))
    np.testing.assert_array_equal(back["length"].to_numpy(float), df["length"].to_numpy(float))
    assert back["error"].isna().tolist() == [True, False, True]
    assert back["error"].iloc[1] == "cannot decode 'b.wav'"
    assert back["key"].iloc[2] == "Кино 宇多田"


def test_format_by_extension():
    assert table_format("x/Features.PARQUET") == "parquet"
    assert table_format("s3://b/k.csv.gz") == "csv"
    with pytest.raises(InvalidParameterError, match=r"'out\.txt'.*\.csv"):
        table_format("out.txt")


def test_errors_name_the_file(tmp_path):
    with pytest.raises(TableNotFoundError, match="missing.csv") as info:
        read_table(tmp_path / "missing.csv")
    assert isinstance(info.value, FileNotFoundError)
    with pytest.raises(InvalidParameterError, match="table.xlsx"):
        write_table(_table(), tmp_path / "table.xlsx")
    with pytest.raises(InvalidParameterError, match="DataFrame"):
        write_table(np.zeros((2, 2)), tmp_path / "t.csv")
