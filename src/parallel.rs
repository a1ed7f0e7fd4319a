//! Thread pools for tunelens's parallel work.
//!
//! tunelens never uses rayon's global pool. Each `n_jobs` value gets its own pool
//! (at most [`MAX_THREADS`] threads), built on first use and cached (the
//! [`MAX_POOLS`] most recently used sizes) together with the id of the process that built
//! it. After `fork()` the child sees a different process id and builds a fresh
//! pool instead of waiting on threads that do not exist in it, so tunelens keeps
//! working in `multiprocessing` children started with `fork`.
//!
//! Long calls can be cancelled cooperatively: the binding layer gives each call
//! a [`Cancel`] token (set when Python receives Ctrl-C), [`install`] hands the
//! token of the calling thread on to the pool's thread, and batch loops check it
//! between items through [`Cancel::item`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::{Error, Result};

/// Most worker threads one pool may have: beyond the cores, threads only add
/// switching, and a huge `n_jobs` must not start thousands of threads.
pub const MAX_THREADS: usize = 256;

/// Most pools kept alive at once; the least recently used one is released
/// when a call asks for yet another size.
const MAX_POOLS: usize = 4;

/// A cached pool: the process that built it, the pool, and when it was last used.
struct Cached {
    owner: u32,
    pool: Arc<ThreadPool>,
    used: u64,
}

#[derive(Default)]
struct PoolCache {
    pools: HashMap<usize, Cached>,
    clock: u64,
}

fn cache() -> &'static Mutex<PoolCache> {
    static POOLS: OnceLock<Mutex<PoolCache>> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(PoolCache::default()))
}

/// Number of worker threads for a scikit-learn style `n_jobs` value.
///
/// `n_jobs > 0` is taken as is (at most [`MAX_THREADS`]); `-1` means all cores, `-2` all but one, and so on
/// (never fewer than one). `0` is rejected, as scikit-learn does.
pub fn resolve_n_jobs(n_jobs: i64) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as i64;
    match n_jobs {
        0 => Err(Error::param(
            "n_jobs",
            "must be a positive number of threads or negative (-1 = all cores), not 0",
        )),
        n if n > 0 => Ok(n.min(MAX_THREADS as i64) as usize),
        n => Ok((cores + 1 + n).max(1) as usize),
    }
}

/// The cached pool with `threads` workers, rebuilt after a fork. At most
/// [`MAX_POOLS`] pools stay cached; a released pool's threads exit once the
/// calls still using it return.
pub fn pool(threads: usize) -> Result<Arc<ThreadPool>> {
    let pid = std::process::id();
    let mut cache = cache()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache.clock += 1;
    let now = cache.clock;
    if let Some(cached) = cache.pools.get_mut(&threads) {
        if cached.owner == pid {
            cached.used = now;
            return Ok(Arc::clone(&cached.pool));
        }
    }
    // Pools built by the parent before a fork: their threads are gone. Forget
    // them without dropping (dropping would signal threads that do not exist).
    let stale: Vec<usize> = cache
        .pools
        .iter()
        .filter(|(_, c)| c.owner != pid)
        .map(|(&n, _)| n)
        .collect();
    for n in stale {
        if let Some(cached) = cache.pools.remove(&n) {
            std::mem::forget(cached.pool);
        }
    }
    while cache.pools.len() >= MAX_POOLS {
        let oldest = cache
            .pools
            .iter()
            .min_by_key(|(_, c)| c.used)
            .map(|(&n, _)| n);
        match oldest {
            Some(n) => drop(cache.pools.remove(&n)),
            None => break,
        }
    }
    let built = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("tunelens-{i}"))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {threads} worker threads: {e}")))?;
    let built = Arc::new(built);
    cache.pools.insert(
        threads,
        Cached {
            owner: pid,
            pool: Arc::clone(&built),
            used: now,
        },
    );
    Ok(built)
}

/// The cached pool for a scikit-learn style `n_jobs` value.
pub fn pool_for(n_jobs: i64) -> Result<Arc<ThreadPool>> {
    pool(resolve_n_jobs(n_jobs)?)
}

/// Runs `work` inside the pool for `n_jobs` (see [`resolve_n_jobs`]), so that
/// rayon's parallel iterators in `work` use exactly that many threads. The
/// calling thread's [`Cancel`] token stays current inside `work`.
pub fn install<T: Send>(n_jobs: i64, work: impl FnOnce() -> T + Send) -> Result<T> {
    let token = Cancel::current();
    Ok(pool_for(n_jobs)?.install(move || token.scope(work)))
}

thread_local! {
    static CURRENT: RefCell<Cancel> = RefCell::new(Cancel::default());
}

thread_local! {
    static SEQUENTIAL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `work` with tunelens's parallel loops kept on the calling thread
/// (see [`min_len`]): for batches that already give every worker thread one
/// item of its own, where splitting an item's loops only adds overhead.
pub fn sequential<T>(work: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SEQUENTIAL.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SEQUENTIAL.with(|s| s.replace(true)));
    work()
}

/// Minimum items per rayon task for a parallel loop started on this thread
/// (`.with_min_len(parallel::min_len())`): 1 normally, everything inside
/// [`sequential`], so the loop runs as one task on the calling thread.
pub fn min_len() -> usize {
    if SEQUENTIAL.with(|s| s.get()) {
        usize::MAX
    } else {
        1
    }
}

/// A cancellation token shared by all threads working for one call. The
/// default token (outside any binding call, e.g. in `cargo test`) is never
/// cancelled.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Option<Arc<AtomicBool>>);

impl Cancel {
    /// A fresh token, not cancelled.
    pub fn new() -> Self {
        Cancel(Some(Arc::new(AtomicBool::new(false))))
    }

    /// The token of the call the current thread works for (see [`scope`](Self::scope)).
    /// Read it before a parallel loop and capture it: rayon's worker threads
    /// do not inherit it.
    pub fn current() -> Self {
        CURRENT.with(|c| c.borrow().clone())
    }

    /// Asks every thread working with this token to stop after its current item.
    pub fn request(&self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Whether [`request`](Self::request) was called.
    pub fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// Runs `work` with this token current on this thread, then restores the
    /// previous one.
    pub fn scope<T>(&self, work: impl FnOnce() -> T) -> T {
        struct Restore(Option<Cancel>);
        impl Drop for Restore {
            fn drop(&mut self) {
                if let Some(previous) = self.0.take() {
                    CURRENT.with(|c| *c.borrow_mut() = previous);
                }
            }
        }
        let previous = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), self.clone()));
        let _restore = Restore(Some(previous));
        work()
    }

    /// `Err(`[`Error::Cancelled`]`)` once the call was cancelled: long loops call
    /// it between blocks (capture the token before a parallel loop, skip the
    /// remaining blocks once [`requested`](Self::requested), then check), so
    /// Ctrl-C stops a single long computation within about one block.
    pub fn check(&self) -> Result<()> {
        if self.requested() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// One item of a batch: [`Error::Cancelled`] without running `work` once
    /// the call was cancelled, else `work`'s result with a panic turned into
    /// [`Error::Internal`] (one bad item never takes the batch down).
    pub fn item<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.check()?;
        crate::error::catch_panic(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn n_jobs_follow_scikit_learn() {
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!(resolve_n_jobs(3).unwrap(), 3);
        assert_eq!(resolve_n_jobs(-1).unwrap(), cores);
        assert_eq!(resolve_n_jobs(-1000).unwrap(), 1);
        assert_eq!(resolve_n_jobs(1 << 40).unwrap(), MAX_THREADS);
        assert!(matches!(
            resolve_n_jobs(0),
            Err(Error::InvalidParameter { name: "n_jobs", .. })
        ));
    }

    #[test]
    fn at_most_max_pools_stay_cached() {
        for threads in 1..=MAX_POOLS + 3 {
            install(threads as i64, || ()).unwrap();
        }
        let cache = cache().lock().unwrap();
        assert!(cache.pools.len() <= MAX_POOLS);
    }

    #[test]
    fn cancel_token_reaches_pool_threads_and_stops_items() {
        let token = Cancel::new();
        let seen = token.scope(|| install(2, Cancel::current)).unwrap();
        assert!(!seen.requested());
        token.request();
        assert!(
            seen.requested(),
            "install must hand the same token to the pool"
        );
        assert!(matches!(seen.item(|| Ok(1)), Err(Error::Cancelled)));
        assert!(
            !Cancel::current().requested(),
            "scope restores the previous token"
        );
        assert!(matches!(
            Cancel::default().item(|| -> Result<()> { panic!("boom") }),
            Err(Error::Internal(_))
        ));
    }

    #[test]
    fn install_runs_on_requested_threads() {
        let seen = install(2, rayon::current_num_threads).unwrap();
        assert_eq!(seen, 2);
        let total: u64 = install(2, || (0..1000u64).into_par_iter().sum()).unwrap();
        assert_eq!(total, 499_500);
    }
}
