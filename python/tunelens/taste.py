"""Taste profiles: learn what a listener likes from a few songs, rank a catalog.

:class:`TasteProfile` fits a linear model on scaled catalog features from
liked (and optionally disliked) items, ranks any catalog with the features that
drove each score, and evaluates itself on a held-out split. Catalog rows that
share an id (a track listed in several playlists) are one item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tunelens import _core
from tunelens._docs import fill_doc
from tunelens._estimator import Estimator
from tunelens._items import Items, collapse, ids_of
from tunelens._tables import numeric_features
from tunelens.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TasteProfile", "roc_auc", "average_precision"]

_MODELS = ("logistic", "linear_svm", "centroid")


#: The example of the scoring methods: a catalog with a repeated id, and a
#: centroid profile of a listener who likes item ``a``.
_LIKED_A = """
>>> import pandas as pd
>>> import tunelens as tl
>>> catalog = pd.DataFrame({"track_id": ["a", "b", "a", "c"], "energy": [0.9, 0.1, 0.9, 0.5]})
>>> taste = tl.TasteProfile("centroid", id_column="track_id").fit(catalog, liked=["a"])
"""
_liked_a_doc = fill_doc(liked_a=_LIKED_A)


class TasteProfile(Estimator):
    """A listener's taste as a linear model on scaled features.

    Parameters
    ----------
    model : {"logistic", "linear_svm", "centroid"}, default "logistic"
        ``"logistic"``: L2-regularised logistic regression, the objective of
        scikit-learn's ``LogisticRegression(C=C)`` (intercept not penalised),
        scores are probabilities. ``"linear_svm"``: L2-regularised squared-hinge
        linear SVM (``LinearSVC``'s loss, intercept not penalised), scores are
        margins. ``"centroid"``: direction from the negatives' mean to the
        liked items' mean, scores are projections on it.
    scaler : {"standard", "robust", "minmax", None}, default "standard"
        Fitted on every catalog item given to :meth:`fit`.
    C : float, default 1.0
        Inverse regularisation strength (logistic, linear_svm).
    features : list of str, optional
        Default: every numeric column except ``id_column`` and the bookkeeping
        columns (``filename``, ``path``, ``file``, ``id``, ``length``, ``error``).
    id_column : str, optional
        Column of item ids; default: the DataFrame index. Rows sharing an id
        are one item: it is scaled, trained on and ranked once, however many
        rows (playlists) list it. Missing ids raise.
    class_weight : {None, "balanced"}, default None
        ``"balanced"`` weights classes inversely to their frequency (useful when
        the unlabeled catalog serves as negatives).
    duplicates : {"raise", "first", "mean"}, default "raise"
        Rows of one id whose features differ: ``"raise"`` an
        :class:`InvalidParameterError` naming the ids and columns; ``"first"``
        keep the first row's features; ``"mean"`` average the differing columns.
        Rows with identical features always collapse silently.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Weights on the scaled features.
    intercept_ : float
    features_ : list of str

    Examples
    --------
    A playlist export lists a track once per playlist; each track counts once:

    >>> import pandas as pd
    >>> import tunelens as tl
    >>> export = pd.DataFrame({
    ...     "track_id": ["a", "a", "b", "c", "d", "e", "e"],
    ...     "playlist": ["Gym", "Run", "Gym", "Sleep", "Sleep", "Run", "Gym"],
    ...     "energy": [0.9, 0.9, 0.8, 0.1, 0.2, 0.7, 0.7],
    ...     "acousticness": [0.1, 0.1, 0.2, 0.9, 0.8, 0.3, 0.3],
    ... })
    >>> taste = tl.TasteProfile(id_column="track_id").fit(export, liked=["a", "b"])
    >>> taste.rank(export, exclude=["a", "b"])["track_id"].tolist()
    ['e', 'd', 'c']

    The profile follows scikit-learn's estimator protocol (``get_params``,
    ``set_params``, ``sklearn.base.clone``; ``GridSearchCV`` over its
    parameters with ``fit(catalog, y)``, ``y`` a boolean mask of liked rows,
    scored by :meth:`score`):

    >>> taste
    TasteProfile(id_column='track_id')
    """

    _takes_arrays = False
    _fit_call = "fit(catalog, liked=...)"

    def __init__(
        self,
        model: str = "logistic",
        scaler: str | None = "standard",
        *,
        C: float = 1.0,
        features: list[str] | None = None,
        id_column: str | None = None,
        class_weight: str | None = None,
        duplicates: str = "raise",
    ) -> None:
        self.model = model
        self.scaler = scaler
        self.C = C
        self.features = features
        self.id_column = id_column
        self.class_weight = class_weight
        self.duplicates = duplicates

    # ------------------------------------------------------------ helpers
    def _items(self, catalog: pd.DataFrame, features: list[Any] | None = None) -> Items:
        """The catalog's items (rows sharing an id collapsed) with finite ``features``
        (default: the fitted ``features_``)."""
        _check_catalog(catalog)
        features = self.features_ if features is None else features
        missing = [f for f in features if f not in catalog.columns]
        if missing:
            raise InvalidParameterError(f"invalid catalog: missing feature columns {missing}")
        items = collapse(catalog, ids_of(catalog, self.id_column), features, self.duplicates)
        if not np.isfinite(items.X).all():
            raise InvalidParameterError("invalid catalog: features contain NaN or infinity; clean or impute them first")
        return items

    def _mask(self, items: Items, selection: Any, name: str) -> np.ndarray:
        """Item mask from ids or a boolean mask over catalog rows (an item is
        selected when any of its rows is)."""
        import pandas as pd

        n = len(items.codes)
        if selection is None:
            return np.zeros(len(items.ids), dtype=bool)
        values = np.asarray(selection)
        if values.dtype == bool:
            if values.shape != (n,):
                raise InvalidParameterError(f"invalid {name}: boolean mask needs {n} entries, got {values.shape}")
            return items.any_row(values)
        wanted = pd.Index(np.atleast_1d(values))
        unknown = wanted[~wanted.isin(items.ids)]
        if len(unknown):
            raise InvalidParameterError(f"invalid {name}: unknown ids {unknown[:5].tolist()}")
        return np.asarray(items.ids.isin(wanted))

    def _scaled(self, X: np.ndarray) -> np.ndarray:
        return _core.scale_rows(X, self.offset_, self.scale_)

    # ------------------------------------------------------------ fitting
    def fit(self, catalog: pd.DataFrame, liked: Any, disliked: Any = None) -> TasteProfile:
        """Learn the taste from ``liked`` (and ``disliked``) catalog items.

        Parameters
        ----------
        catalog : pandas.DataFrame
            One row per item, or several rows for an item listed more than once
            (same id; see ``duplicates``).
        liked : ids or boolean mask
            Items the listener likes (at least one). A set: an id given several
            times (a track played five times) counts once, as does an item
            several of whose rows a mask selects.
        disliked : ids or boolean mask, optional
            Items the listener dislikes. When omitted, every catalog item not
            liked serves as a negative (the usual implicit-feedback assumption:
            unlabeled items are mostly not to the listener's taste).

        Returns
        -------
        self

        Examples
        --------
        >>> import pandas as pd
        >>> import tunelens as tl
        >>> catalog = pd.DataFrame({"energy": [0.9, 0.8, 0.1, 0.2], "acousticness": [0.1, 0.2, 0.9, 0.8]},
        ...                        index=["a", "b", "c", "d"])
        >>> taste = tl.TasteProfile("centroid").fit(catalog, liked=["a", "a", "b"])
        >>> taste.decision_function(catalog).round(2).tolist()
        [4.48, 3.36, -4.48, -3.36]
        """
        features = self._features(catalog)
        items = self._items(catalog, features)
        pos = self._mask(items, liked, "liked")
        neg = ~pos if disliked is None else self._mask(items, disliked, "disliked")
        return self._fit_items(items, features, pos, neg)

    def _features(self, catalog: pd.DataFrame) -> list[Any]:
        """The feature columns a fit on ``catalog`` uses (the model name checked first)."""
        if self.model not in _MODELS:
            raise InvalidParameterError(f"invalid model: {self.model!r}; expected one of {_MODELS}")
        _check_catalog(catalog)
        return numeric_features(catalog, self.features, self.id_column)

    def _fit_items(self, items: Items, features: list[Any], pos: np.ndarray, neg: np.ndarray) -> TasteProfile:
        if (pos & neg).any():
            raise InvalidParameterError("invalid disliked: some items are also liked")
        if not pos.any() or not neg.any():
            raise InvalidParameterError("invalid liked: need at least one liked and one negative item")
        offset, scale, _ = _core.fit_scaler(items.X, self.scaler)
        Z = _core.scale_rows(items.X, offset, scale)
        rows = pos | neg
        self.coef_, self.intercept_ = self._train(Z[rows], np.where(pos[rows], 1.0, -1.0))
        self.offset_, self.scale_, self.features_ = offset, scale, features
        return self

    def _train(self, Z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
        """``(coef, intercept)`` of the model on scaled rows ``Z`` with labels ``y`` (+1 / -1)."""
        from scipy.optimize import minimize
        from scipy.special import expit, log_expit

        weights = np.ones(len(y))
        if self.class_weight == "balanced":
            for label in (1.0, -1.0):
                weights[y == label] = len(y) / (2.0 * (y == label).sum())
        elif self.class_weight is not None:
            raise InvalidParameterError(f"invalid class_weight: {self.class_weight!r}; expected None or 'balanced'")
        if self.model == "centroid":
            mu_pos = np.average(Z[y > 0], axis=0, weights=weights[y > 0])
            mu_neg = np.average(Z[y < 0], axis=0, weights=weights[y < 0])
            coef = mu_pos - mu_neg
            return coef, float(-coef @ (mu_pos + mu_neg) / 2)
        if not self.C > 0:
            raise InvalidParameterError(f"invalid C: must be positive, got {self.C!r}")
        C, d = float(self.C), Z.shape[1]

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = theta[:d], theta[d]
            margin = y * (Z @ w + b)
            if self.model == "logistic":
                loss = -(weights * log_expit(margin)).sum()
                dmargin = -weights * expit(-margin)
            else:
                slack = np.maximum(0.0, 1.0 - margin)
                loss = (weights * slack**2).sum()
                dmargin = -2.0 * weights * slack
            grad_f = dmargin * y
            grad = np.append(C * (Z.T @ grad_f) + w, C * grad_f.sum())
            return C * loss + 0.5 * w @ w, grad

        result = minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 1000, "gtol": 1e-8})
        return result.x[:d], float(result.x[d])

    # ------------------------------------------------------------ scoring
    @_liked_a_doc
    def decision_function(self, catalog: pd.DataFrame) -> np.ndarray:
        """Taste score of each catalog row (probability for ``"logistic"``).

        Parameters
        ----------
        catalog : pandas.DataFrame
            Same feature columns as in :meth:`fit`.

        Returns
        -------
        ndarray of shape (len(catalog),)
            Each row scores as its item: rows sharing an id get the same score
            (with ``duplicates="mean"``, that of the averaged features).

        Examples
        --------
        {liked_a}
        >>> taste.decision_function(catalog).round(2).tolist()
        [1.69, -2.81, 1.69, -0.56]
        """
        self._check_fitted()
        items = self._items(catalog)
        return self._score(items.X)[items.codes]

    def _score(self, X: np.ndarray) -> np.ndarray:
        from scipy.special import expit

        raw = self._scaled(X) @ self.coef_ + self.intercept_
        return expit(raw) if self.model == "logistic" else raw

    @_liked_a_doc
    def rank(self, catalog: pd.DataFrame, *, k: int | None = None, exclude: Any = None, n_because: int = 3) -> pd.DataFrame:
        """Rank ``catalog`` by taste.

        Parameters
        ----------
        catalog : pandas.DataFrame
            Items to rank (same feature columns as in :meth:`fit`); rows that
            share an id are one item, ranked once.
        k : int, optional
            Keep the best ``k``; default all.
        exclude : ids or boolean mask over catalog rows, optional
            Items to leave out (for example the liked ones).
        n_because : int, default 3
            Features listed in ``because``.

        Returns
        -------
        pandas.DataFrame
            Best first: the id column, ``score``, ``rank`` and ``because`` (the
            features pushing the score up most: weight x scaled value, with the
            item's value in catalog units). Each item at most once.

        Examples
        --------
        {liked_a}
        >>> ranked = taste.rank(catalog)
        >>> ranked["track_id"].tolist(), ranked["because"].tolist()
        (['a', 'c', 'b'], ['energy 0.9', '', ''])
        """
        import pandas as pd

        self._check_fitted()
        items = self._items(catalog)
        X = items.X
        contrib = self._scaled(X) * self.coef_
        score = self._score(X)
        keep = ~self._mask(items, exclude, "exclude")
        order = np.flatnonzero(keep)[np.argsort(-score[keep], kind="stable")]
        if k is not None:
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
                raise InvalidParameterError(f"invalid k: must be a positive integer, got {k!r}")
            order = order[:k]
        ids = items.ids
        because = []
        for i in order:
            top = np.argsort(-contrib[i], kind="stable")[:n_because]
            because.append(", ".join(f"{self.features_[j]} {X[i, j]:.3g}" for j in top if contrib[i, j] > 0))
        out = pd.DataFrame({self.id_column or "id": ids[order], "score": score[order]})
        out["rank"] = np.arange(1, len(order) + 1)
        out["because"] = because
        return out

    def score(self, catalog: pd.DataFrame, liked: Any, disliked: Any = None) -> float:
        """ROC AUC of the taste scores on labeled items: how well liked items outrank the others.

        The score ``GridSearchCV`` maximises when no other scoring is given
        (with ``y`` a boolean mask of liked rows). It is not accuracy: a taste
        profile ranks, it does not decide.

        Parameters
        ----------
        catalog : pandas.DataFrame
            Same feature columns as in :meth:`fit`.
        liked, disliked
            As in :meth:`fit`: without ``disliked`` every item not liked is a negative.

        Returns
        -------
        float
            In [0, 1]; the probability that a liked item outscores a negative one
            (:func:`roc_auc`, one score per item).

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> import tunelens as tl
        >>> rng = np.random.default_rng(0)
        >>> catalog = pd.DataFrame({"energy": rng.random(200), "acousticness": rng.random(200)})
        >>> liked = (catalog["energy"] > 0.7).to_numpy()
        >>> taste = tl.TasteProfile().fit(catalog[:100], liked[:100])
        >>> bool(taste.score(catalog[100:], liked[100:]) > 0.95)
        True
        """
        self._check_fitted()
        items = self._items(catalog)
        pos = self._mask(items, liked, "liked")
        neg = ~pos if disliked is None else self._mask(items, disliked, "disliked")
        rows = pos | neg
        return roc_auc(pos[rows], self._score(items.X)[rows])

    def _summary(self) -> list[tuple[str, str]]:
        top = np.argsort(-self.coef_, kind="stable")[:3]
        return [("features", str(len(self.features_))),
                ("strongest weights", ", ".join(f"{self.features_[j]} {self.coef_[j]:+.3g}" for j in top))]

    def evaluate(
        self,
        catalog: pd.DataFrame,
        liked: Any,
        disliked: Any = None,
        *,
        test_size: float = 0.25,
        random_state: int = 0,
    ) -> dict[str, Any]:
        """Fit on a stratified split of the labeled items and score the rest.

        Parameters
        ----------
        catalog, liked, disliked
            As in :meth:`fit` (without ``disliked``, unlabeled rows are the
            negatives and are split too).
        test_size : float, default 0.25
            Share of each class held out.
        random_state : int, default 0
            Seed of the split.

        Returns
        -------
        dict
            ``roc_auc``, ``average_precision`` (on the held-out items),
            ``n_train``, ``n_test`` (items), ``train`` and ``test`` (positions
            of the catalog rows of those items). The split is over items, so
            the rows of a track listed in several playlists are never on both
            sides. The profile stays fitted on the training part.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> import tunelens as tl
        >>> rng = np.random.default_rng(0)
        >>> catalog = pd.DataFrame({"energy": rng.random(200), "acousticness": rng.random(200)})
        >>> liked = (catalog["energy"] > 0.7).to_numpy()
        >>> result = tl.TasteProfile().evaluate(catalog, liked=liked)
        >>> result["n_test"], bool(result["roc_auc"] > 0.9)
        (50, True)
        """
        if not 0.0 < test_size < 1.0:
            raise InvalidParameterError(f"invalid test_size: must be in (0, 1), got {test_size!r}")
        features = self._features(catalog)
        items = self._items(catalog, features)
        pos = self._mask(items, liked, "liked")
        neg = ~pos if disliked is None else self._mask(items, disliked, "disliked")
        rng = np.random.default_rng(random_state)
        test = np.zeros(len(items.ids), dtype=bool)
        for group in (np.flatnonzero(pos), np.flatnonzero(neg)):
            n_test = int(round(test_size * len(group)))
            if n_test < 1 or n_test >= len(group):
                raise InvalidParameterError("invalid liked: each class needs at least 2 items to split")
            test[rng.choice(group, size=n_test, replace=False)] = True
        train = (pos | neg) & ~test
        self._fit_items(items, features, pos & ~test, neg & ~test)
        scores = self._score(items.X)[test]
        y = pos[test]
        return {
            "roc_auc": roc_auc(y, scores),
            "average_precision": average_precision(y, scores),
            "n_train": int(train.sum()),
            "n_test": int(test.sum()),
            "train": np.flatnonzero(train[items.codes]),
            "test": np.flatnonzero(test[items.codes]),
        }


def _check_catalog(catalog: Any) -> None:
    import pandas as pd

    if not isinstance(catalog, pd.DataFrame) or len(catalog) == 0:
        raise InvalidParameterError("invalid catalog: expected a non-empty pandas DataFrame")


def roc_auc(y_true: Any, scores: Any) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half).

    Parameters
    ----------
    y_true : array-like of bool
        Needs both classes.
    scores : array-like of float

    Returns
    -------
    float
        Probability that a random positive outscores a random negative.

    Examples
    --------
    >>> tl.taste.roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    from scipy.stats import rankdata

    y = np.asarray(y_true, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise InvalidParameterError("invalid y_true: ROC AUC needs both classes")
    ranks = rankdata(scores)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(y_true: Any, scores: Any) -> float:
    """Average precision, scikit-learn's definition (step-wise, no interpolation).

    Parameters
    ----------
    y_true : array-like of bool
        True for the relevant (liked) items; at least one.
    scores : array-like of float
        Higher ranks first; tied scores form one step.

    Returns
    -------
    float
        Mean precision at the recall steps, in [0, 1].

    Examples
    --------
    >>> round(tl.taste.average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    y = np.asarray(y_true, dtype=bool)
    if not y.any():
        raise InvalidParameterError("invalid y_true: average precision needs a positive item")
    order = np.argsort(-np.asarray(scores, dtype=float), kind="mergesort")
    s, y = np.asarray(scores, dtype=float)[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # end of each distinct score
    tps = np.cumsum(y)[last]
    fps = last + 1 - tps
    precision = tps / (tps + fps)
    recall = tps / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
