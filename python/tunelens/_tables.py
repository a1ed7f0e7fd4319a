"""Input conversion shared by the recommendation, cluster and taste modules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tunelens.exceptions import InvalidParameterError, InvalidTypeError

if TYPE_CHECKING:
    import pandas as pd


def as_table(X: Any, name: str = "X") -> np.ndarray:
    """Return ``X`` as a 2-D float32/float64 array without copying when possible.

    DataFrames must be all numeric; integer and boolean data, and object arrays
    of numbers, become float64. Strings, complex numbers and anything not 2-D
    raise :class:`InvalidParameterError` naming ``name`` (an object that is not
    a number, and a scipy sparse matrix: :class:`InvalidTypeError`).
    """
    if hasattr(X, "dtypes") and hasattr(X, "columns"):
        import pandas as pd

        bad = [str(c) for c, t in X.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
        if bad:
            raise InvalidParameterError(f"invalid {name}: non-numeric columns {bad}; select numeric features")
        X = X.to_numpy()
    if type(X).__module__.startswith("scipy.sparse"):  # without importing scipy
        raise InvalidTypeError(f"invalid {name}: sparse input is not supported; pass a dense array (X.toarray())")
    arr = np.asarray(X)
    if arr.dtype.kind == "O":  # numbers held as Python objects convert, as in scikit-learn
        try:
            arr = arr.astype(np.float64)
        except TypeError as err:
            raise InvalidTypeError(f"invalid {name}: expected numeric data ({err})") from None
        except ValueError as err:
            raise InvalidParameterError(f"invalid {name}: expected numeric data ({err})") from None
    if arr.dtype.kind == "c":
        raise InvalidParameterError(f"invalid {name}: Complex data not supported (dtype {arr.dtype})")
    if arr.dtype.kind not in "fiub":
        raise InvalidParameterError(f"invalid {name}: expected numeric data, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise InvalidParameterError(
            f"invalid {name}: expected a 2-D array (rows x features), got {arr.ndim}-D. "
            "Reshape your data: X.reshape(1, -1) for a single row, X.reshape(-1, 1) for a single feature"
        )
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    return arr


def feature_names(X: Any) -> np.ndarray | None:
    """Column names of a DataFrame as an object array, else None."""
    columns = getattr(X, "columns", None)
    return None if columns is None else np.asarray([str(c) for c in columns], dtype=object)


def is_number(dtype: Any) -> bool:
    """Numeric and not boolean (pandas extension dtypes included)."""
    import pandas as pd

    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


#: Columns that describe a row rather than the music: never features unless named in ``features``
#: (``extract_features`` writes ``filename``, ``length`` and ``error``; an all-empty ``error``
#: column reads back from CSV as numeric NaN).
BOOKKEEPING = frozenset({"filename", "path", "file", "id", "length", "error"})


def numeric_features(df: pd.DataFrame, features: list[Any] | None, exclude: Any = None) -> list[Any]:
    """The feature columns to use: ``features`` checked against ``df``, or every
    numeric non-boolean column except ``exclude`` and the :data:`BOOKKEEPING`
    columns (labels as they are in ``df``, integers included). Duplicated names
    among them (or the id column) are refused."""
    repeated = df.columns[df.columns.duplicated()].unique()
    if features is None:
        chosen = [c for c, t in df.dtypes.items()
                  if c != exclude and c not in BOOKKEEPING and c not in repeated and is_number(t)]
        clash = [c for c in repeated if c == exclude or any(map(is_number, df[c].dtypes))]
    else:
        chosen = list(features)
        clash = [c for c in repeated if c == exclude or c in chosen]
    if clash:
        raise InvalidParameterError(
            f"invalid df: the column names {clash} appear more than once; give each column its own name"
        )
    if features is None:
        if not chosen:
            raise InvalidParameterError("invalid df: no numeric feature columns; pass features=[...]")
        return chosen
    if not chosen:
        raise InvalidParameterError("invalid features: empty list")
    listed_twice = sorted({str(f) for i, f in enumerate(chosen) if f in chosen[:i]})
    if listed_twice:
        raise InvalidParameterError(f"invalid features: {listed_twice} listed more than once")
    unknown = [f for f in chosen if f not in df.columns]
    if unknown:
        raise InvalidParameterError(f"invalid features: unknown columns {unknown}")
    text = [f for f in chosen if not is_number(df[f].dtype)]
    if text:
        raise InvalidParameterError(f"invalid features: non-numeric columns {text}")
    return chosen
