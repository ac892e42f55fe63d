//! Prometheus metrics: request counts by route template and status, latency histograms and
//! byte counts. Labels are route templates (`/api/v1/envelopes/{id}`), never ids or tokens,
//! and the standard method names, any other method being `other`: a bounded set of series
//! whatever clients send.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use crate::store::Stats;

/// Latency bucket bounds in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counts and latencies of one route template.
#[derive(Default)]
struct Route {
    /// (method label, status, count); a handful of entries, searched in place.
    counts: Vec<(&'static str, u16, u64)>,
    latency: Histogram,
}

#[derive(Default)]
struct Inner {
    routes: BTreeMap<String, Route>,
    uploaded_bytes: u64,
    served_bytes: u64,
}

/// The relay's counters.
#[derive(Default)]
pub struct Metrics(Mutex<Inner>);

/// The method label: the standard methods by name, anything else (a client may send any
/// token as a method) as `other`, so clients cannot add series.
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];
    KNOWN
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("other")
}

impl Metrics {
    /// Records one request: its method, route template, status and duration. Allocates only
    /// the first time a route, method and status are seen. Methods other than the standard
    /// ones share the label `other`; `route` must come from a bounded set (route templates).
    pub fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if !m.routes.contains_key(route) {
            m.routes.insert(route.to_owned(), Route::default());
        }
        let Some(r) = m.routes.get_mut(route) else {
            return;
        };
        match r
            .counts
            .iter_mut()
            .find(|(m, s, _)| *m == method && *s == status)
        {
            Some((_, _, n)) => *n += 1,
            None => r.counts.push((method, status, 1)),
        }
        let h = &mut r.latency;
        for (bound, count) in BUCKETS.iter().zip(h.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// Counts bytes of stored uploads.
    pub fn uploaded(&self, bytes: usize) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .uploaded_bytes += bytes as u64;
    }

    /// Counts bytes of served envelopes.
    pub fn served(&self, bytes: usize) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .served_bytes += bytes as u64;
    }

    /// The Prometheus text exposition.
    pub fn render(&self, stats: Stats) -> String {
        let m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP sealbill_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE sealbill_requests_total counter");
        for (route, r) in &m.routes {
            for (method, status, n) in &r.counts {
                let _ = writeln!(
                    out,
                    "sealbill_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP sealbill_request_duration_seconds Request latency by route."
        );
        let _ = writeln!(out, "# TYPE sealbill_request_duration_seconds histogram");
        for (route, h) in m.routes.iter().map(|(route, r)| (route, &r.latency)) {
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "sealbill_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "sealbill_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 sealbill_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 sealbill_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        let gauges = [
            (
                "sealbill_uploaded_bytes_total",
                "counter",
                "Bytes of envelopes stored.",
                m.uploaded_bytes,
            ),
            (
                "sealbill_served_bytes_total",
                "counter",
                "Bytes of envelopes served.",
                m.served_bytes,
            ),
            (
                "sealbill_envelopes",
                "gauge",
                "Envelopes held (active).",
                stats.envelopes,
            ),
            (
                "sealbill_envelope_bytes",
                "gauge",
                "Bytes of envelopes held.",
                stats.bytes,
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_buckets() {
        let m = Metrics::default();
        m.record("GET", "/api/v1/envelopes/{id}", 200, 0.003);
        m.record("GET", "/api/v1/envelopes/{id}", 200, 0.3);
        m.uploaded(10);
        let text = m.render(Stats {
            envelopes: 1,
            bytes: 10,
        });
        assert!(text.contains(
            "sealbill_requests_total{method=\"GET\",route=\"/api/v1/envelopes/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"1\"} 2"));
        assert!(text.contains("sealbill_uploaded_bytes_total 10"));
    }

    #[test]
    fn unknown_methods_share_one_label() {
        let m = Metrics::default();
        for method in ["FOO", "BAR", "get", "PROPFIND"] {
            m.record(method, "/healthz", 405, 0.001);
        }
        m.record("PATCH", "/healthz", 405, 0.001);
        let text = m.render(Stats::default());
        assert!(text.contains(
            "sealbill_requests_total{method=\"other\",route=\"/healthz\",status=\"405\"} 4"
        ));
        assert!(text.contains("method=\"PATCH\""));
        assert!(!text.contains("FOO") && !text.contains("PROPFIND"));
    }
}
