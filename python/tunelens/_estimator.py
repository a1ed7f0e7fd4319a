"""scikit-learn's estimator protocol, written once for tunelens' estimators.

:class:`NearestNeighbors`, :class:`PCA`, :class:`KMeans`, :class:`Recommender`
and :class:`TasteProfile` inherit :class:`Estimator`, which gives them what
``sklearn.base.BaseEstimator`` gives scikit-learn's own estimators:
``get_params``/``set_params`` (the parameters are the keyword arguments of
``__init__``, stored unchanged as attributes of the same name and checked only
in ``fit``; nested ``step__param`` keys reach an estimator held as a
parameter), the repr listing only parameters that differ from their defaults
(``KMeans(n_clusters=3)``), and the tags scikit-learn reads
(``__sklearn_tags__``). So ``sklearn.base.clone``, ``Pipeline``,
``GridSearchCV`` and ``sklearn.utils.validation.check_is_fitted`` (fitted
attributes end with ``_``) work with them.

Why not inherit ``sklearn.base.BaseEstimator`` itself: scikit-learn is an
optional extra, not a dependency, and ``import tunelens`` must stay cheap
(tests/test_import.py): ``import sklearn.base`` loads scipy and ~1,400 modules
and took 0.9-1.4 s here (Python 3.11, scikit-learn 1.9, measured under load)
against 70-130 ms for all of ``import tunelens``. scikit-learn is imported only
inside ``__sklearn_tags__``, which only scikit-learn calls.

The class also holds the input rules the array estimators share
(:meth:`Estimator._fit_rows`, :meth:`Estimator._rows`): numeric 2-D tables
with rows and columns, finite values, the fitted number of features and, after
fitting on a DataFrame, a DataFrame's columns matched by name.
"""

from __future__ import annotations

import html
import inspect
import math
from collections import defaultdict
from typing import Any, ClassVar

import numpy as np

from tunelens._tables import as_table, feature_names
from tunelens.exceptions import InvalidParameterError

#: A repr longer than this (non-blank characters) keeps its start and end around "..." (scikit-learn's N_CHAR_MAX).
_MAX_REPR = 700
#: Line width a repr wraps at, one parameter per line (scikit-learn's pretty-printer width).
_WIDTH = 79


class Estimator:
    """The scikit-learn estimator protocol (``BaseEstimator``'s contract) for tunelens' estimators.

    Subclasses declare their scikit-learn type in class attributes and store
    every ``__init__`` argument unchanged under its own name.

    Examples
    --------
    >>> km = tl.KMeans(n_clusters=3)
    >>> km
    KMeans(n_clusters=3)
    >>> km.set_params(n_clusters=4, random_state=0).get_params()["n_clusters"]
    4
    """

    #: scikit-learn's estimator type: ``"clusterer"``, or None.
    _estimator_type: ClassVar[str | None] = None
    #: dtypes ``transform`` returns unchanged (only for estimators with ``transform``).
    _preserves_dtype: ClassVar[tuple[str, ...]] = ("float64",)
    #: False for estimators that take DataFrames only (no 2-D arrays).
    _takes_arrays: ClassVar[bool] = True
    #: The call that fits, for the not-fitted message.
    _fit_call: ClassVar[str] = "fit(X)"

    # ------------------------------------------------------------ parameters
    @classmethod
    def _get_param_names(cls) -> list[str]:
        """The parameter names: ``__init__``'s arguments, sorted (``*args`` refused, as scikit-learn does)."""
        parameters = [
            p for name, p in inspect.signature(cls.__init__).parameters.items()
            if name != "self" and p.kind != p.VAR_KEYWORD
        ]
        if any(p.kind == p.VAR_POSITIONAL for p in parameters):
            raise TypeError(f"{cls.__name__}.__init__ must not take *args: its parameters are its keyword arguments")
        return sorted(p.name for p in parameters)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The estimator's parameters (scikit-learn's ``get_params``).

        Parameters
        ----------
        deep : bool, default True
            Also list the parameters of estimators held as parameters, as
            ``name__parameter``.

        Returns
        -------
        dict of str -> object
            Each ``__init__`` argument and its current value.

        Examples
        --------
        >>> tl.PCA(n_components=2).get_params()
        {'n_components': 2, 'n_jobs': -1, 'whiten': False}
        """
        out: dict[str, Any] = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{key}", v) for key, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Any:
        """Set parameters (scikit-learn's ``set_params``); checked at the next ``fit``.

        Parameters
        ----------
        **params
            ``name=value`` for this estimator's parameters, ``name__parameter=value``
            for those of an estimator held as a parameter.

        Returns
        -------
        self

        Raises
        ------
        InvalidParameterError
            A name that is not a parameter (also a ``ValueError``, as scikit-learn's).

        Examples
        --------
        >>> tl.KMeans().set_params(n_clusters=3, random_state=0)
        KMeans(n_clusters=3, random_state=0)
        >>> tl.KMeans().set_params(k=3)
        Traceback (most recent call last):
        ...
        tunelens.exceptions.InvalidParameterError: invalid parameter 'k' for KMeans: expected one of ['init', ...]
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = defaultdict(dict)
        for key, value in params.items():
            name, delimiter, sub_key = key.partition("__")
            if name not in valid:
                raise InvalidParameterError(
                    f"invalid parameter {name!r} for {type(self).__name__}: expected one of {self._get_param_names()}"
                )
            if delimiter:
                nested[name][sub_key] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    # ------------------------------------------------------------ display
    def _changed_params(self) -> dict[str, Any]:
        """The parameters whose repr differs from their default's (NaN equal to NaN)."""
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        changed = {}
        for name, value in self.get_params(deep=False).items():
            default = defaults[name]
            if repr(value) != repr(default) and not (_is_nan(value) and _is_nan(default)):
                changed[name] = value
        return changed

    def __repr__(self) -> str:
        name = type(self).__name__
        items = [f"{key}={value!r}" for key, value in self._changed_params().items()]
        text = f"{name}({', '.join(items)})"
        if len(text) > _WIDTH or "\n" in text:
            pad = " " * (len(name) + 1)
            text = f"{name}(" + f",\n{pad}".join(item.replace("\n", "\n" + pad) for item in items) + ")"
        if len("".join(text.split())) > _MAX_REPR:
            text = text[: _MAX_REPR // 2] + "..." + text[-_MAX_REPR // 2 :]
        return text

    def _summary(self) -> list[tuple[str, str]]:
        """(label, value) rows describing the fitted state, for the HTML repr."""
        return []

    def _repr_html_(self) -> str:
        """The repr, the parameters that differ from their defaults, and once fitted a summary (Jupyter)."""
        rows = [(key, repr(value)) for key, value in self._changed_params().items()]
        fitted = self._is_fitted()
        summary = self._summary() if fitted else []
        status = "fitted" if fitted else "not fitted"
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(label)}</th><td style='text-align:left'>"
            f"{html.escape(value)}</td></tr>"
            for label, value in rows + summary
        )
        return (
            f"<div class='tunelens-estimator'><p><code>{html.escape(type(self).__name__)}</code> ({status})</p>"
            + (f"<table>{cells}</table>" if cells else "")
            + "</div>"
        )

    # ------------------------------------------------------------ scikit-learn tags and fitted state
    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags (scikit-learn >= 1.6 reads them; imported only here)."""
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags

        transformer = TransformerTags(preserves_dtype=list(self._preserves_dtype)) if hasattr(self, "transform") else None
        return Tags(
            estimator_type=self._estimator_type,
            target_tags=TargetTags(required=False),
            transformer_tags=transformer,
            input_tags=InputTags(two_d_array=self._takes_arrays),
        )

    def _is_fitted(self) -> bool:
        """scikit-learn's rule: fitted once ``fit`` set an attribute ending with ``_``."""
        return any(key.endswith("_") and not key.startswith("__") for key in vars(self))

    def _check_fitted(self) -> None:
        if not self._is_fitted():
            raise InvalidParameterError(f"this {type(self).__name__} is not fitted yet; call {self._fit_call} first")

    # ------------------------------------------------------------ input rows
    def _fit_rows(self, X: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """``X`` checked as :meth:`_rows` does, and its column names (DataFrame) or None;
        ``fit`` records them with :meth:`_fitted_on` once it succeeded."""
        return _finite_table(as_table(X), type(self).__name__), feature_names(X)

    def _fitted_on(self, table: np.ndarray, names: np.ndarray | None) -> None:
        """Record ``n_features_in_`` and ``feature_names_in_`` (only for a DataFrame)."""
        self.n_features_in_ = table.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _rows(self, X: Any) -> np.ndarray:
        """``X`` as a finite 2-D float table with the fitted number of features. After
        fitting on a DataFrame, a DataFrame's columns are taken by those names (in
        any order, others ignored)."""
        self._check_fitted()
        names = getattr(self, "feature_names_in_", None)
        if names is not None and hasattr(X, "columns"):
            missing = [n for n in names if n not in X.columns]
            if missing:
                raise InvalidParameterError(f"invalid X: missing feature columns {missing}")
            X = X[list(names)]
        table = _finite_table(as_table(X), type(self).__name__)
        if table.shape[1] != self.n_features_in_:
            raise InvalidParameterError(
                f"invalid X: X has {table.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input"
            )
        return table


def _finite_table(table: np.ndarray, owner: str) -> np.ndarray:
    """Refuse a table without rows or columns, or with NaN or infinite values."""
    n, d = table.shape
    if d == 0:
        raise InvalidParameterError(
            f"invalid X: has no columns: 0 feature(s) (shape={table.shape}) while a minimum of 1 is required by {owner}."
        )
    if n == 0:
        raise InvalidParameterError(f"invalid X: is empty (shape={table.shape}): {owner} needs at least one row")
    if not math.isfinite(table.sum(dtype=np.float64)):  # one pass, no temporary; locate only when needed
        row, col = np.argwhere(~np.isfinite(table))[0]
        value = "NaN" if np.isnan(table[row, col]) else "infinity"
        raise InvalidParameterError(f"invalid X: contains {value} at row {row}, column {col}; remove or impute it first")
    return table


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value
