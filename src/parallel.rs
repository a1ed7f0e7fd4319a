//! Thread pools for tunelens's parallel work.
//!
//! tunelens never uses rayon's global pool. Each `n_jobs` value gets its own pool,
//! built on first use and cached together with the id of the process that built
//! it. After `fork()` the child sees a different process id and builds a fresh
//! pool instead of waiting on threads that do not exist in it, so tunelens keeps
//! working in `multiprocessing` children started with `fork`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::{Error, Result};

type PoolCache = Mutex<HashMap<usize, (u32, Arc<ThreadPool>)>>;

fn cache() -> &'static PoolCache {
    static POOLS: OnceLock<PoolCache> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Number of worker threads for a scikit-learn style `n_jobs` value.
///
/// `n_jobs > 0` is taken as is; `-1` means all cores, `-2` all but one, and so on
/// (never fewer than one). `0` is rejected, as scikit-learn does.
pub fn resolve_n_jobs(n_jobs: i64) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as i64;
    match n_jobs {
        0 => Err(Error::param(
            "n_jobs",
            "must be a positive number of threads or negative (-1 = all cores), not 0",
        )),
        n if n > 0 => Ok(n.min(4096) as usize),
        n => Ok((cores + 1 + n).max(1) as usize),
    }
}

/// The cached pool with `threads` workers, rebuilt after a fork.
pub fn pool(threads: usize) -> Result<Arc<ThreadPool>> {
    let pid = std::process::id();
    let mut pools = cache()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, pool)) = pools.get(&threads) {
        if *owner == pid {
            return Ok(Arc::clone(pool));
        }
        // Built by the parent before a fork: its threads are gone. Forget it
        // without dropping (dropping would signal threads that do not exist).
        if let Some((_, stale)) = pools.remove(&threads) {
            std::mem::forget(stale);
        }
    }
    let built = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("tunelens-{i}"))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {threads} worker threads: {e}")))?;
    let built = Arc::new(built);
    pools.insert(threads, (pid, Arc::clone(&built)));
    Ok(built)
}

/// Runs `work` inside the pool for `n_jobs` (see [`resolve_n_jobs`]), so that
/// rayon's parallel iterators in `work` use exactly that many threads.
pub fn install<T: Send>(n_jobs: i64, work: impl FnOnce() -> T + Send) -> Result<T> {
    let threads = resolve_n_jobs(n_jobs)?;
    Ok(pool(threads)?.install(work))
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
        assert!(matches!(
            resolve_n_jobs(0),
            Err(Error::InvalidParameter { name: "n_jobs", .. })
        ));
    }

    #[test]
    fn install_runs_on_requested_threads() {
        let seen = install(2, || rayon::current_num_threads()).unwrap();
        assert_eq!(seen, 2);
        let total: u64 = install(2, || (0..1000u64).into_par_iter().sum()).unwrap();
        assert_eq!(total, 499_500);
    }
}
