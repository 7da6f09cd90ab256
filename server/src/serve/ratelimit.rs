//! Per-client limits on ticket creation: so many per hour and so many per day (defaults after
//! Zammad: 20 and 240), each `0` for unlimited.
//!
//! Each client has one fixed window per limit, opened by its first request and lasting an
//! hour (or a day); when it is full, `Retry-After` is the time until it ends. Fixed windows let
//! a client send up to twice the limit around a window's end, a fair price for two integers
//! per client instead of a log of every request. A client is an IPv4 address or an IPv6 /64
//! (one household or one host's privacy addresses). On SQLite the counts live in memory (a
//! restart forgets them); on PostgreSQL they live in the database, shared by every instance
//! behind the load balancer ([`Limiter::Shared`]), with the same windows.
//!
//! Only attempts to create a new ticket count: a replay of an idempotency key already used is
//! let through (see `tickets::create`), and an attempt that does not create a ticket gives its
//! slot back with [`RateLimiter::release`].

use crate::store::pg::Postgres;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

const HOUR: i64 = 60 * 60;
const DAY: i64 = 24 * HOUR;

/// The per-client counters.
#[derive(Debug)]
pub struct RateLimiter {
    per_hour: u32,
    per_day: u32,
    clients: Mutex<HashMap<IpAddr, Windows>>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Windows {
    hour: Window,
    day: Window,
}

#[derive(Clone, Copy, Debug, Default)]
struct Window {
    start: i64,
    count: u32,
}

impl Window {
    /// Restarts the window if it has ended; then whether one more fits, or the seconds
    /// until it ends.
    fn check(&mut self, now: i64, length: i64, limit: u32) -> Result<(), i64> {
        if limit == 0 {
            return Ok(());
        }
        if self.count == 0 || now >= self.start + length || now < self.start {
            self.start = now;
            self.count = 0;
        }
        if self.count >= limit {
            Err((self.start + length - now).max(1))
        } else {
            Ok(())
        }
    }
}

impl RateLimiter {
    /// Limits per hour and per day; `0` means unlimited.
    pub fn new(per_hour: u32, per_day: u32) -> RateLimiter {
        RateLimiter {
            per_hour,
            per_day,
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn unlimited(&self) -> bool {
        self.per_hour == 0 && self.per_day == 0
    }

    /// Takes a slot for `client` at `now` (seconds), or says how many seconds to wait.
    ///
    /// # Errors
    /// The `Retry-After` seconds when a window is full.
    pub fn acquire(&self, client: IpAddr, now: i64) -> Result<(), i64> {
        if self.unlimited() {
            return Ok(());
        }
        let mut clients = self.lock();
        let windows = clients.entry(key(client)).or_default();
        let hour = windows.hour.check(now, HOUR, self.per_hour);
        let day = windows.day.check(now, DAY, self.per_day);
        match (hour, day) {
            (Ok(()), Ok(())) => {
                if self.per_hour > 0 {
                    windows.hour.count += 1;
                }
                if self.per_day > 0 {
                    windows.day.count += 1;
                }
                Ok(())
            }
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(wait), Ok(())) | (Ok(()), Err(wait)) => Err(wait),
        }
    }

    /// Gives back a slot taken by [`acquire`](Self::acquire) for a request that created
    /// nothing.
    pub fn release(&self, client: IpAddr) {
        if self.unlimited() {
            return;
        }
        if let Some(w) = self.lock().get_mut(&key(client)) {
            w.hour.count = w.hour.count.saturating_sub(1);
            w.day.count = w.day.count.saturating_sub(1);
        }
    }

    /// Forgets clients whose windows have all ended, so memory follows recent traffic.
    pub fn sweep(&self, now: i64) {
        self.lock().retain(|_, w| {
            (w.hour.count > 0 && now < w.hour.start + HOUR)
                || (w.day.count > 0 && now < w.day.start + DAY)
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Windows>> {
        self.clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A limiter of one process, or one shared by every instance through PostgreSQL.
#[derive(Debug)]
pub enum Limiter {
    /// Counts in this process's memory.
    Memory(RateLimiter),
    /// Counts in the database's `rate_limits` table, under `bucket`.
    Shared {
        /// The database.
        pg: Arc<Postgres>,
        /// Which budget (`created`, `rejected`): each has its own rows.
        bucket: &'static str,
        /// Per hour; 0 = unlimited.
        per_hour: u32,
        /// Per day; 0 = unlimited.
        per_day: u32,
    },
}

impl Limiter {
    /// Takes a slot for `client` at `now`, or says how many seconds to wait. When the
    /// database cannot count, the request is let through (and logged): the limit guards
    /// against abuse, and a database that cannot count cannot store the ticket either, which
    /// the answer will then say.
    ///
    /// # Errors
    /// The `Retry-After` seconds when a window is full.
    pub async fn acquire(&self, client: IpAddr, now: i64) -> Result<(), i64> {
        match self {
            Limiter::Memory(limiter) => limiter.acquire(client, now),
            Limiter::Shared {
                per_hour: 0,
                per_day: 0,
                ..
            } => Ok(()),
            Limiter::Shared {
                pg,
                bucket,
                per_hour,
                per_day,
            } => {
                let key = key(client).to_string();
                match pg
                    .rate_acquire(bucket, &key, now, *per_hour, *per_day)
                    .await
                {
                    Ok(answer) => answer,
                    Err(e) => {
                        super::log::event(
                            "error",
                            "cannot count a rate limit",
                            &[("error", &e.to_string())],
                        );
                        Ok(())
                    }
                }
            }
        }
    }

    /// Gives back a slot taken by [`acquire`](Self::acquire).
    pub async fn release(&self, client: IpAddr) {
        match self {
            Limiter::Memory(limiter) => limiter.release(client),
            Limiter::Shared {
                per_hour: 0,
                per_day: 0,
                ..
            } => {}
            Limiter::Shared { pg, bucket, .. } => {
                if let Err(e) = pg.rate_release(bucket, &key(client).to_string()).await {
                    super::log::event(
                        "error",
                        "cannot give back a rate limit slot",
                        &[("error", &e.to_string())],
                    );
                }
            }
        }
    }

    /// Forgets windows that have ended (in memory; the database's are swept by maintenance).
    pub fn sweep(&self, now: i64) {
        if let Limiter::Memory(limiter) = self {
            limiter.sweep(now);
        }
    }
}

/// The address a client is counted under: IPv4 as is (and IPv4-mapped IPv6 as IPv4), IPv6 by
/// its /64.
pub fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::from(segments)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn hourly_limit_with_retry_after() {
        let limiter = RateLimiter::new(2, 0);
        let a = ip("192.0.2.1");
        assert_eq!(limiter.acquire(a, 1000), Ok(()));
        assert_eq!(limiter.acquire(a, 1010), Ok(()));
        assert_eq!(limiter.acquire(a, 1020), Err(3600 - 20));
        // Another client is not affected.
        assert_eq!(limiter.acquire(ip("192.0.2.2"), 1020), Ok(()));
        // The window ends an hour after it opened.
        assert_eq!(limiter.acquire(a, 1000 + 3600), Ok(()));
    }

    #[test]
    fn daily_limit_outlasts_hourly() {
        let limiter = RateLimiter::new(2, 3);
        let a = ip("192.0.2.1");
        assert_eq!(limiter.acquire(a, 0), Ok(()));
        assert_eq!(limiter.acquire(a, 1), Ok(()));
        assert_eq!(limiter.acquire(a, 2), Err(3598));
        assert_eq!(limiter.acquire(a, 3600), Ok(()));
        assert_eq!(limiter.acquire(a, 3601), Err(DAY - 3601));
    }

    #[test]
    fn release_gives_a_slot_back_and_zero_is_unlimited() {
        let limiter = RateLimiter::new(1, 0);
        let a = ip("192.0.2.1");
        assert_eq!(limiter.acquire(a, 0), Ok(()));
        limiter.release(a);
        assert_eq!(limiter.acquire(a, 1), Ok(()));
        assert!(limiter.acquire(a, 2).is_err());

        let open = RateLimiter::new(0, 0);
        for t in 0..1000 {
            assert_eq!(open.acquire(a, t), Ok(()));
        }
    }

    #[test]
    fn ipv6_counts_by_64_and_sweep_forgets() {
        let limiter = RateLimiter::new(1, 0);
        assert_eq!(limiter.acquire(ip("2001:db8::1"), 0), Ok(()));
        assert!(limiter.acquire(ip("2001:db8::ffff:2"), 0).is_err());
        assert_eq!(limiter.acquire(ip("2001:db8:0:1::1"), 0), Ok(()));
        assert_eq!(key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        limiter.sweep(HOUR - 1);
        assert_eq!(limiter.lock().len(), 2);
        limiter.sweep(HOUR);
        assert_eq!(limiter.lock().len(), 0);
    }
}
