//! Runs tunelens's hand-written PCA, eigen-solver, KMeans, silhouette and its
//! libsoxr resampler next to linfa 0.8, linfa-linalg, faer and rubato on the
//! same inputs, in one process, and writes every output and the best wall time
//! of each, so `bench/bench_libraries.py` can hold them against scikit-learn
//! and librosa.
//!
//! Usage: `tunelens-library-bench DIR`. `DIR/jobs.txt` lists one job a line:
//!
//! - `pca NAME REPEATS`: PCA of matrix `NAME` with all components;
//! - `eigen NAME REPEATS`: eigendecomposition of the symmetric matrix `NAME`;
//! - `kmeans NAME K N_INIT SEED REPEATS`: k-means++ KMeans;
//! - `kmeans_init NAME CENTRES REPEATS`: one Lloyd run from the rows of `CENTRES`;
//! - `silhouette NAME LABELS REPEATS`: euclidean silhouette score;
//! - `resample NAME ORIG TARGET REPEATS`: row 0 of `NAME` from `ORIG` to `TARGET` Hz.
//!
//! A matrix `NAME` is `DIR/NAME.f64` (row-major little-endian f64) with its
//! shape `ROWS COLS` in `DIR/NAME.shape`. Job `i`'s outputs are written the
//! same way as `DIR/out/i.LIBRARY.FIELD`, and `DIR/out/timings.txt` gets
//! `i LIBRARY MILLISECONDS` lines (or `i LIBRARY failed: ...`).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use linfa::prelude::*;
use linfa_clustering::{KMeans, KMeansInit};
use linfa_linalg::eigh::{EigSort, Eigh};
use ndarray::{Array1, Array2, Axis};
use rand_xoshiro::rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{
    Async, Fft, FixedAsync, FixedSync, Resampler, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};
use tunelens::cluster::kmeans::Init;
use tunelens::cluster::scores::{silhouette_score, Metric};
use tunelens::decompose::eigen::symmetric_eigen;

/// All cores for tunelens's rayon pools (linfa's KMeans uses rayon's global pool).
const N_JOBS: i64 = -1;

struct Io {
    dir: PathBuf,
    timings: Vec<String>,
}

impl Io {
    fn read(&self, name: &str) -> Array2<f64> {
        let shape = fs::read_to_string(self.dir.join(format!("{name}.shape"))).expect("shape");
        let dims: Vec<usize> = shape
            .split_whitespace()
            .map(|v| v.parse().expect("dim"))
            .collect();
        let bytes = fs::read(self.dir.join(format!("{name}.f64"))).expect("data");
        let data = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        Array2::from_shape_vec((dims[0], dims[1]), data).expect("shape matches data")
    }

    fn write(&self, job: usize, lib: &str, field: &str, rows: usize, values: &[f64]) {
        let path = |ext: &str| {
            self.dir
                .join("out")
                .join(format!("{job}.{lib}.{field}.{ext}"))
        };
        let cols = values.len().checked_div(rows).unwrap_or(0);
        fs::write(path("shape"), format!("{rows} {cols}")).expect("write shape");
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        fs::write(path("f64"), bytes).expect("write data");
    }

    /// Best wall time of `repeats` runs of `run` (after none: the first run
    /// counts, so a library's one-off set-up is not hidden), recorded for
    /// `lib`; returns the last result.
    fn time<T>(
        &mut self,
        job: usize,
        lib: &str,
        repeats: usize,
        mut run: impl FnMut() -> Result<T, String>,
    ) -> Option<T> {
        let mut best = f64::INFINITY;
        let mut last = None;
        for _ in 0..repeats.max(1) {
            let start = Instant::now();
            match run() {
                Ok(v) => {
                    best = best.min(start.elapsed().as_secs_f64() * 1e3);
                    last = Some(v);
                }
                Err(e) => {
                    self.timings
                        .push(format!("{job} {lib} failed: {}", e.replace('\n', " ")));
                    return None;
                }
            }
        }
        self.timings.push(format!("{job} {lib} {best:.4}"));
        last
    }
}

/// Eigenvalues in descending order and the matching unit eigenvectors as rows.
type Eigen = (Vec<f64>, Array2<f64>);

/// An eigen-solver under test.
type Solver = fn(&Array2<f64>) -> Result<Eigen, String>;

/// The solver tunelens uses, then the candidates.
const SOLVERS: [(&str, Solver); 3] = [
    ("eigen-tunelens", |a| Ok(eigen_tunelens(a))),
    ("eigen-linfa-linalg", eigen_linfa),
    ("eigen-faer", eigen_faer),
];

fn eigen_tunelens(a: &Array2<f64>) -> Eigen {
    let d = a.nrows();
    let (values, vectors) = symmetric_eigen(a.as_slice().expect("standard layout"), d);
    (
        values,
        Array2::from_shape_vec((d, d), vectors).expect("d x d"),
    )
}

fn eigen_linfa(a: &Array2<f64>) -> Result<Eigen, String> {
    let (values, vectors) = a.eigh().map_err(|e| e.to_string())?.sort_eig_desc();
    Ok((
        values.to_vec(),
        vectors.reversed_axes().as_standard_layout().to_owned(),
    ))
}

fn eigen_faer(a: &Array2<f64>) -> Result<Eigen, String> {
    let d = a.nrows();
    let m = faer::Mat::<f64>::from_fn(d, d, |i, j| a[[i, j]]);
    let evd = m
        .self_adjoint_eigen(faer::Side::Lower)
        .map_err(|e| format!("{e:?}"))?;
    // faer sorts ascending: reverse into descending order, vectors as rows.
    let (s, u) = (evd.S(), evd.U());
    let values = (0..d).rev().map(|k| s[k]).collect();
    let vectors = Array2::from_shape_fn((d, d), |(k, i)| u[(i, d - 1 - k)]);
    Ok((values, vectors))
}

/// scikit-learn's sign convention: the largest-magnitude entry of each row positive.
fn flip_signs(mut rows: Array2<f64>) -> Array2<f64> {
    for mut row in rows.rows_mut() {
        let top = row
            .iter()
            .copied()
            .fold(0.0f64, |b, v| if v.abs() > b.abs() { v } else { b });
        if top < 0.0 {
            row.mapv_inplace(|v| -v);
        }
    }
    rows
}

fn pca(io: &mut Io, job: usize, x: &Array2<f64>, repeats: usize) {
    let (n, d) = x.dim();
    let m = n.min(d);
    if let Some(fit) = io.time(job, "tunelens", repeats, || {
        tunelens::decompose::Pca::fit(x.view(), N_JOBS).map_err(|e| e.to_string())
    }) {
        io.write(job, "tunelens", "components", m, &fit.components[..m * d]);
        io.write(job, "tunelens", "variance", 1, &fit.explained_variance[..m]);
    }
    // linfa-reduction's PCA: LOBPCG truncated SVD; at most min(n, d) components.
    let dataset = DatasetBase::from(x.clone());
    if let Some(fit) = io.time(job, "linfa-reduction", repeats, || {
        linfa_reduction::Pca::params(m)
            .fit(&dataset)
            .map_err(|e| e.to_string())
    }) {
        let comps = flip_signs(fit.components().to_owned());
        let k = comps.nrows();
        io.write(
            job,
            "linfa-reduction",
            "components",
            k,
            comps.as_slice().expect("owned"),
        );
        // linfa's explained_variance() divides by (components - 1); scikit-learn's
        // is sigma^2 / (n - 1), computed here from the singular values.
        let var: Vec<f64> = fit
            .singular_values()
            .iter()
            .map(|s| s * s / (n - 1) as f64)
            .collect();
        io.write(job, "linfa-reduction", "variance", 1, &var);
        io.write(
            job,
            "linfa-reduction",
            "linfa_explained_variance",
            1,
            &fit.explained_variance().to_vec(),
        );
    }
    if n <= d {
        return; // the eigen-solvers are compared on the covariance path (n > d)
    }
    // The covariance PCA of tunelens with each eigen-solver in place of tred2/tql2.
    let mean = x.mean_axis(Axis(0)).expect("rows");
    let xc = x - &mean;
    let cov = xc.t().dot(&xc);
    for (lib, solve) in SOLVERS {
        if let Some((values, vectors)) = io.time(job, lib, repeats.max(20), || solve(&cov)) {
            let comps = flip_signs(vectors);
            io.write(job, lib, "components", d, comps.as_slice().expect("owned"));
            let var: Vec<f64> = values.iter().map(|v| v.max(0.0) / (n - 1) as f64).collect();
            io.write(job, lib, "variance", 1, &var);
        }
    }
}

fn eigen(io: &mut Io, job: usize, a: &Array2<f64>, repeats: usize) {
    let d = a.nrows();
    for (lib, solve) in SOLVERS {
        if let Some((values, vectors)) = io.time(job, lib, repeats, || solve(a)) {
            io.write(job, lib, "values", 1, &values);
            io.write(job, lib, "vectors", d, vectors.as_slice().expect("owned"));
        }
    }
}

/// Sum of squared distances of the rows of `x` to their centres.
fn inertia(x: &Array2<f64>, centres: &Array2<f64>, labels: &[usize]) -> f64 {
    x.rows()
        .into_iter()
        .zip(labels)
        .map(|(r, &l)| {
            r.iter()
                .zip(centres.row(l))
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        })
        .sum()
}

fn kmeans_linfa(
    io: &mut Io,
    job: usize,
    x: &Array2<f64>,
    init: KMeansInit<f64>,
    (k, n_init, seed): (usize, usize, u64),
    repeats: usize,
) {
    let dataset = DatasetBase::from(x.clone());
    let n = x.nrows();
    if let Some(model) = io.time(job, "linfa-clustering", repeats, || {
        KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
            .n_runs(n_init)
            .max_n_iterations(300)
            .tolerance(1e-4)
            .init_method(init.clone())
            .fit(&dataset)
            .map_err(|e| e.to_string())
    }) {
        let labels: Vec<usize> = model.predict(x).to_vec();
        let centres = model.centroids().to_owned();
        io.write(
            job,
            "linfa-clustering",
            "centres",
            k,
            centres.as_slice().expect("owned"),
        );
        io.write(
            job,
            "linfa-clustering",
            "labels",
            n,
            &labels.iter().map(|&l| l as f64).collect::<Vec<_>>(),
        );
        // linfa reports the mean squared distance before the last centre update.
        io.write(
            job,
            "linfa-clustering",
            "inertia",
            1,
            &[inertia(x, &centres, &labels), model.inertia() * n as f64],
        );
    }
}

fn kmeans_tunelens(
    io: &mut Io,
    job: usize,
    x: &Array2<f64>,
    params: tunelens::cluster::KMeans,
    repeats: usize,
) {
    let n = x.nrows();
    if let Some(fit) = io.time(job, "tunelens", repeats, || {
        params.fit(x.view(), N_JOBS).map_err(|e| e.to_string())
    }) {
        io.write(job, "tunelens", "centres", params.n_clusters, &fit.centers);
        io.write(
            job,
            "tunelens",
            "labels",
            n,
            &fit.labels.iter().map(|&l| l as f64).collect::<Vec<_>>(),
        );
        io.write(job, "tunelens", "inertia", 1, &[fit.inertia, fit.inertia]);
    }
}

fn kmeans_params(k: usize, n_init: usize, seed: u64, init: Init) -> tunelens::cluster::KMeans {
    tunelens::cluster::KMeans {
        n_clusters: k,
        n_init,
        max_iter: 300,
        tol: 1e-4,
        seed,
        init,
    }
}

fn silhouette(io: &mut Io, job: usize, x: &Array2<f64>, labels: &[i64], repeats: usize) {
    if let Some(s) = io.time(job, "tunelens", repeats, || {
        silhouette_score(x.view(), labels, Metric::Euclidean, N_JOBS).map_err(|e| e.to_string())
    }) {
        io.write(job, "tunelens", "score", 1, &[s]);
    }
    let targets = Array1::from_iter(labels.iter().map(|&l| l as usize));
    let dataset = DatasetBase::new(x.clone(), targets);
    if let Some(s) = io.time(job, "linfa", repeats, || {
        dataset.silhouette_score().map_err(|e| e.to_string())
    }) {
        io.write(job, "linfa", "score", 1, &[s]);
    }
}

fn resample(io: &mut Io, job: usize, y: &[f64], orig: usize, target: usize, repeats: usize) {
    if let Some(out) = io.time(job, "tunelens-soxr_hq", repeats, || {
        tunelens::audio::resample::resample(
            &[y],
            orig as f64,
            target as f64,
            tunelens::audio::soxr::Quality::High,
            true,
        )
        .map_err(|e| e.to_string())
    }) {
        io.write(job, "tunelens-soxr_hq", "y", 1, &out.samples);
    }
    let input = InterleavedSlice::new(y, 1, y.len()).expect("mono adapter");
    // rubato's synchronous FFT resampler ("always its best quality").
    let mut fft = Fft::<f64>::new(orig, target, 1024, 1, FixedSync::Both).expect("fft resampler");
    if let Some(out) = io.time(job, "rubato-Fft", repeats, || {
        fft.process_all(&input, y.len(), None)
            .map_err(|e| e.to_string())
    }) {
        io.write(job, "rubato-Fft", "y", 1, &out.take_data());
    }
    // rubato's asynchronous sinc resampler at its highest settings.
    let params = SincInterpolationParameters {
        sinc_len: 256,
        f_cutoff: None,
        oversampling_factor: 256,
        interpolation: SincInterpolationType::Cubic,
        window: WindowFunction::BlackmanHarris2,
    };
    let ratio = target as f64 / orig as f64;
    let mut sinc = Async::<f64>::new_sinc(ratio, 1.0, &params, 1024, 1, FixedAsync::Input)
        .expect("sinc resampler");
    if let Some(out) = io.time(job, "rubato-Async-sinc256-cubic", repeats, || {
        sinc.process_all(&input, y.len(), None)
            .map_err(|e| e.to_string())
    }) {
        io.write(job, "rubato-Async-sinc256-cubic", "y", 1, &out.take_data());
    }
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: tunelens-library-bench DIR"),
    );
    fs::create_dir_all(dir.join("out")).expect("out dir");
    let mut io = Io {
        dir: dir.clone(),
        timings: Vec::new(),
    };
    let jobs = fs::read_to_string(dir.join("jobs.txt")).expect("jobs.txt");
    for (job, line) in jobs.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| -> usize { f[i].parse().expect("number") };
        eprintln!("job {job}: {line}");
        match f[0] {
            "pca" => {
                let x = io.read(f[1]);
                pca(&mut io, job, &x, num(2));
            }
            "eigen" => {
                let a = io.read(f[1]);
                eigen(&mut io, job, &a, num(2));
            }
            "kmeans" => {
                let x = io.read(f[1]);
                let (k, n_init, seed, repeats) = (num(2), num(3), num(4) as u64, num(5));
                kmeans_tunelens(
                    &mut io,
                    job,
                    &x,
                    kmeans_params(k, n_init, seed, Init::PlusPlus),
                    repeats,
                );
                kmeans_linfa(
                    &mut io,
                    job,
                    &x,
                    KMeansInit::KMeansPlusPlus,
                    (k, n_init, seed),
                    repeats,
                );
            }
            "kmeans_init" => {
                let (x, centres) = (io.read(f[1]), io.read(f[2]));
                let k = centres.nrows();
                let flat = centres.iter().copied().collect();
                kmeans_tunelens(
                    &mut io,
                    job,
                    &x,
                    kmeans_params(k, 1, 0, Init::Centers(flat)),
                    num(3),
                );
                kmeans_linfa(
                    &mut io,
                    job,
                    &x,
                    KMeansInit::Precomputed(centres),
                    (k, 1, 0),
                    num(3),
                );
            }
            "silhouette" => {
                let labels: Vec<i64> = io.read(f[2]).iter().map(|&v| v as i64).collect();
                let x = io.read(f[1]);
                silhouette(&mut io, job, &x, &labels, num(3));
            }
            "resample" => {
                let y = io.read(f[1]);
                resample(
                    &mut io,
                    job,
                    y.row(0).as_slice().expect("row"),
                    num(2),
                    num(3),
                    num(4),
                );
            }
            other => panic!("unknown job {other:?}"),
        }
        write_timings(&dir, &io.timings);
    }
}

fn write_timings(dir: &Path, timings: &[String]) {
    fs::write(
        dir.join("out").join("timings.txt"),
        timings.join("\n") + "\n",
    )
    .expect("timings");
}
