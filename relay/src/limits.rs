//! Per-client rate limiting: a token bucket per client address, refilled continuously.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::ConnectInfo;
use axum::http::Request;

/// Buckets beyond this many are pruned of full (idle) ones.
const PRUNE_AT: usize = 10_000;

/// A token bucket per client: `per_minute` requests, refilled evenly.
pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per client and minute (0 turns it off).
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute: f64::from(per_minute),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `client`; on refusal, returns the seconds until one is available.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        if self.per_minute <= 0.0 {
            return Ok(());
        }
        let rate = self.per_minute / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= PRUNE_AT {
            let full = self.per_minute;
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < full
            });
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.per_minute, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(self.per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

/// The client address: the peer, or with `trust_proxy` the first X-Forwarded-For entry.
pub fn client_of<B>(request: &Request<B>, trust_proxy: bool) -> IpAddr {
    let forwarded = trust_proxy
        .then(|| request.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok());
    forwarded
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_refuses_then_refills() {
        let limiter = RateLimiter::new(60);
        let client = IpAddr::from([10, 0, 0, 1]);
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(limiter.check(client, t0).is_ok());
        }
        assert_eq!(limiter.check(client, t0), Err(1));
        assert!(limiter.check(IpAddr::from([10, 0, 0, 2]), t0).is_ok());
        assert!(limiter.check(client, t0 + Duration::from_secs(2)).is_ok());
        assert!(RateLimiter::new(0).check(client, t0).is_ok());
    }
}
