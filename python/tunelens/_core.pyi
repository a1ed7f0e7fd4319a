# --- neighbors ---
import numpy as np
from numpy.typing import NDArray

class NeighborIndex:
    """A fitted exact nearest-neighbour index (see ``tunelens.NearestNeighbors``)."""

    def __init__(
        self,
        x: NDArray[np.float32] | NDArray[np.float64],
        *,
        metric: str = "euclidean",
        scaler: str | None = None,
        weights: list[float] | None = None,
        n_jobs: int = -1,
    ) -> None: ...
    def kneighbors(
        self, x: NDArray[np.float32] | NDArray[np.float64] | None, n_neighbors: int, *, n_jobs: int = -1
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]: ...
    def radius_neighbors(
        self, x: NDArray[np.float32] | NDArray[np.float64] | None, radius: float, *, n_jobs: int = -1
    ) -> tuple[list[NDArray[np.float64]], list[NDArray[np.int64]]]: ...
    @property
    def n_samples(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    @property
    def offset(self) -> NDArray[np.float64]: ...
    @property
    def scale(self) -> NDArray[np.float64]: ...
    @property
    def weights(self) -> NDArray[np.float64]: ...

def kmeans_fit(
    x: NDArray[np.float32] | NDArray[np.float64],
    n_clusters: int,
    *,
    n_init: int = 1,
    max_iter: int = 300,
    tol: float = 1e-4,
    seed: int = 0,
    n_jobs: int = -1,
) -> tuple[NDArray[np.float64], NDArray[np.int64], float, int]: ...
def kmeans_assign(
    x: NDArray[np.float32] | NDArray[np.float64], centers: NDArray[np.float64], *, n_jobs: int = -1
) -> tuple[NDArray[np.int64], NDArray[np.float64]]: ...
def silhouette_score(
    x: NDArray[np.float32] | NDArray[np.float64], labels: NDArray[np.int64], *, n_jobs: int = -1
) -> float: ...
def davies_bouldin_score(x: NDArray[np.float32] | NDArray[np.float64], labels: NDArray[np.int64]) -> float: ...
def pca_fit(
    x: NDArray[np.float32] | NDArray[np.float64], *, n_jobs: int = -1
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]: ...
def fit_scaler(
    x: NDArray[np.float32] | NDArray[np.float64], kind: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
