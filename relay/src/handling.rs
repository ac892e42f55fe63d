//! The limits on handling a request: how many are handled at once (`--concurrency`; more
//! wait) and for how long (`--request-timeout`; then 408). Neither counts the transfer of a
//! request's body, which has limits of its own ([`crate::body`]): a slow upload holds no slot
//! that other clients need, and an honest upload on a slow link is not cut off.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::errors::ApiError;

/// The relay-wide handling limits.
pub(crate) struct HandlingLimits {
    slots: Arc<Semaphore>,
    timeout: Duration,
}

impl HandlingLimits {
    /// `concurrency` requests handled at once, each for at most `timeout`.
    pub(crate) fn new(concurrency: usize, timeout: Duration) -> Arc<Self> {
        Arc::new(HandlingLimits {
            slots: Arc::new(Semaphore::new(concurrency.min(Semaphore::MAX_PERMITS))),
            timeout,
        })
    }
}

/// Where a request's time limit stands.
enum Clock {
    /// Handling: the request ends with 408 at this instant.
    Running(Instant),
    /// Receiving the body: this much time is left once handling resumes.
    Paused(Duration),
}

/// One request's handling slot and time limit, in its extensions for the body reader.
pub(crate) struct Handling {
    slots: Arc<Semaphore>,
    slot: Mutex<Option<OwnedSemaphorePermit>>,
    clock: Mutex<Clock>,
    resumed: Notify,
}

impl Handling {
    /// Gives up the handling slot and stops the clock while the body arrives.
    pub(crate) fn pause(&self) {
        lock(&self.slot).take();
        let mut clock = lock(&self.clock);
        if let Clock::Running(deadline) = *clock {
            *clock = Clock::Paused(deadline.saturating_duration_since(Instant::now()));
        }
    }

    /// Takes a handling slot again (waiting like a new request) and restarts the clock with
    /// the time that was left.
    pub(crate) async fn resume(&self) {
        if let Ok(slot) = self.slots.clone().acquire_owned().await {
            *lock(&self.slot) = Some(slot);
        }
        let mut clock = lock(&self.clock);
        if let Clock::Paused(left) = *clock {
            *clock = Clock::Running(Instant::now() + left);
        }
        drop(clock);
        self.resumed.notify_one();
    }

    /// The instant the request ends with 408, unless its body is arriving.
    fn deadline(&self) -> Option<Instant> {
        match *lock(&self.clock) {
            Clock::Running(deadline) => Some(deadline),
            Clock::Paused(_) => None,
        }
    }
}

/// Locks a mutex whose data stays consistent even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Handles a request (`handle` runs it) within a slot and its time limit, both set aside
/// while it receives its body ([`Handling::pause`]).
pub(crate) async fn within_limits<F: Future<Output = Response>>(
    limits: &HandlingLimits,
    mut request: Request,
    handle: impl FnOnce(Request) -> F,
) -> Response {
    let Ok(slot) = limits.slots.clone().acquire_owned().await else {
        return ApiError::internal().into_response();
    };
    let handling = Arc::new(Handling {
        slots: limits.slots.clone(),
        slot: Mutex::new(Some(slot)),
        clock: Mutex::new(Clock::Running(Instant::now() + limits.timeout)),
        resumed: Notify::new(),
    });
    request.extensions_mut().insert(handling.clone());
    let mut run = pin!(handle(request));
    loop {
        let deadline = handling.deadline();
        let expiry = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            response = &mut run => return response,
            () = expiry => {
                if handling.deadline().is_some_and(|at| at <= Instant::now()) {
                    return ApiError::from_status(StatusCode::REQUEST_TIMEOUT).into_response();
                }
            }
            () = handling.resumed.notified() => {}
        }
    }
}
