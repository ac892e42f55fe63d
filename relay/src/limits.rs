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

/// The client address: the peer, or with `trusted_hops` (behind proxies of one's own) the
/// X-Forwarded-For entry that many places from the right. Each proxy appends the address it
/// received the request from, so the rightmost entries are the trusted proxies' and anything
/// further left is whatever the client sent. Too few entries, or a malformed one at that
/// place, fall back to the peer.
pub fn client_of<B>(request: &Request<B>, trusted_hops: Option<u32>) -> IpAddr {
    let forwarded = trusted_hops.and_then(|hops| forwarded_client(request, hops));
    forwarded
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// The X-Forwarded-For entry `hops` places from the right, over every such header in order.
fn forwarded_client<B>(request: &Request<B>, hops: u32) -> Option<IpAddr> {
    let hops = usize::try_from(hops).ok()?.checked_sub(1)?;
    let mut entries = Vec::new();
    for value in request.headers().get_all("x-forwarded-for") {
        entries.extend(value.to_str().ok()?.split(','));
    }
    let entry = entries.iter().rev().nth(hops)?.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
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

    fn with_forwarded(values: &[&str]) -> Request<()> {
        let mut builder = Request::get("/");
        for value in values {
            builder = builder.header("x-forwarded-for", *value);
        }
        let mut request = builder.body(()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 9], 4000))));
        request
    }

    #[test]
    fn the_client_is_the_entry_the_trusted_proxies_appended() {
        let peer = IpAddr::from([192, 0, 2, 9]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let spoofed = with_forwarded(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(client_of(&spoofed, Some(1)), ip("203.0.113.7"));
        assert_eq!(client_of(&spoofed, None), peer);
        // Two proxies of one's own: the second entry from the right.
        let two = with_forwarded(&["6.6.6.6, 203.0.113.7", "10.0.0.2"]);
        assert_eq!(client_of(&two, Some(2)), ip("203.0.113.7"));
        assert_eq!(client_of(&two, Some(1)), ip("10.0.0.2"));
        let ported = with_forwarded(&["[2001:db8::1]:443, 203.0.113.7:80"]);
        assert_eq!(client_of(&ported, Some(1)), ip("203.0.113.7"));
        assert_eq!(client_of(&ported, Some(2)), ip("2001:db8::1"));
        // Too few entries, a malformed one, or none: the peer.
        assert_eq!(client_of(&spoofed, Some(3)), peer);
        assert_eq!(
            client_of(&with_forwarded(&["203.0.113.7, junk"]), Some(1)),
            peer
        );
        assert_eq!(client_of(&with_forwarded(&["203.0.113.7,"]), Some(1)), peer);
        assert_eq!(client_of(&with_forwarded(&[]), Some(1)), peer);
        assert_eq!(client_of(&spoofed, Some(0)), peer);
    }
}
