//! Request bodies. A handler reads one only after the request's other checks (signature
//! header, sender, open proof) have passed, and the reader then refuses, before taking a byte:
//! a body without a `Content-Length` (411), one longer than the route allows (413), a client
//! already sending `--bodies-per-client` bodies (429), and a body whose length does not fit
//! in what is left of `--body-memory`, the memory all bodies being received may take (503).
//! A body must then bring `--body-min-bytes` in every `--body-window`, or its request ends
//! with 408. While it arrives, its request holds no handling slot and its time limit stands
//! still ([`crate::handling`]).

use std::collections::HashMap;
use std::future::poll_fn;
use std::net::IpAddr;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::config::ServeArgs;
use crate::errors::ApiError;
use crate::handling::Handling;
use crate::limits;

/// Seconds a refused client is asked to wait (`Retry-After`).
const RETRY_AFTER: u64 = 5;
/// Bodies per default `--max-body` in the default `--body-memory`.
const DEFAULT_BODIES_IN_MEMORY: usize = 8;

const LENGTH_REQUIRED: ApiError = ApiError::new(
    StatusCode::LENGTH_REQUIRED,
    "LENGTH_REQUIRED",
    "a body needs a Content-Length",
);
const TOO_MANY_AT_ONCE: ApiError = ApiError {
    retry_after: Some(RETRY_AFTER),
    ..ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "TOO_MANY_AT_ONCE",
        "this client is already sending as many bodies at once as the relay takes",
    )
};
const BUSY: ApiError = ApiError {
    retry_after: Some(RETRY_AFTER),
    ..ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "BUSY",
        "the relay is receiving as much as it holds at once: try again shortly",
    )
};
const TOO_SLOW: ApiError = ApiError::new(
    StatusCode::REQUEST_TIMEOUT,
    "TOO_SLOW",
    "the body arrived too slowly",
);
const INCOMPLETE: ApiError = ApiError::bad_request(
    "INCOMPLETE_BODY",
    "the body does not match its Content-Length",
);

/// The limits on receiving bodies, shared by every request (in their extensions).
pub(crate) struct Bodies {
    /// The memory left for bodies, in KiB of their declared lengths.
    memory: Arc<Semaphore>,
    /// Bodies being received, per client.
    receiving: Mutex<HashMap<IpAddr, usize>>,
    per_client: usize,
    window: Duration,
    min_bytes: usize,
    trusted_hops: Option<u32>,
}

impl Bodies {
    /// The limits `config` sets.
    pub(crate) fn new(config: &ServeArgs) -> Arc<Self> {
        let memory = config
            .body_memory
            .unwrap_or(config.max_body.saturating_mul(DEFAULT_BODIES_IN_MEMORY))
            .max(config.max_body)
            .div_ceil(1024)
            .min(Semaphore::MAX_PERMITS);
        Arc::new(Bodies {
            memory: Arc::new(Semaphore::new(memory)),
            receiving: Mutex::new(HashMap::new()),
            per_client: usize::try_from(config.bodies_per_client).unwrap_or(usize::MAX),
            window: Duration::from_secs(config.body_window),
            min_bytes: config.body_min_bytes,
            trusted_hops: config.trust_proxy.then_some(config.trusted_hops),
        })
    }

    /// Counts a body `client` is sending, or refuses it beyond `--bodies-per-client`.
    fn claim(self: &Arc<Self>, client: IpAddr) -> Result<ClientShare, ApiError> {
        let mut receiving = self.receiving.lock().unwrap_or_else(|p| p.into_inner());
        let count = receiving.entry(client).or_insert(0);
        if *count >= self.per_client {
            return Err(TOO_MANY_AT_ONCE);
        }
        *count += 1;
        Ok(ClientShare {
            bodies: self.clone(),
            client,
        })
    }

    /// Reserves memory for a body of `length` bytes, or refuses it if it does not fit.
    fn reserve(&self, length: usize) -> Result<OwnedSemaphorePermit, ApiError> {
        let kib = u32::try_from(length.div_ceil(1024)).map_err(|_| BUSY)?;
        self.memory
            .clone()
            .try_acquire_many_owned(kib)
            .map_err(|_| BUSY)
    }

    /// Receives exactly `length` bytes of `body`, each window bringing enough of them.
    async fn receive(&self, mut body: Body, length: usize) -> Result<Vec<u8>, ApiError> {
        let mut bytes = Vec::with_capacity(length);
        let mut window_end = Instant::now() + self.window;
        let mut in_window = 0usize;
        while bytes.len() < length {
            let next = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
            match tokio::time::timeout_at(window_end, next).await {
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        if data.len() > length - bytes.len() {
                            return Err(INCOMPLETE);
                        }
                        bytes.extend_from_slice(&data);
                        in_window = in_window.saturating_add(data.len());
                    }
                }
                Ok(Some(Err(_)) | None) => return Err(INCOMPLETE),
                Err(_window_closed) => {}
            }
            if Instant::now() >= window_end {
                if bytes.len() < length && in_window < self.min_bytes {
                    return Err(TOO_SLOW);
                }
                window_end = Instant::now() + self.window;
                in_window = 0;
            }
        }
        Ok(bytes)
    }
}

/// One of a client's bodies being received; counted until dropped.
struct ClientShare {
    bodies: Arc<Bodies>,
    client: IpAddr,
}

impl Drop for ClientShare {
    fn drop(&mut self) {
        let mut receiving = self
            .bodies
            .receiving
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(count) = receiving.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                receiving.remove(&self.client);
            }
        }
    }
}

/// A body received in full. Its memory and its client's share stay counted until it is
/// dropped, also after its bytes were [taken](Received::take) for the store.
pub(crate) struct Received {
    bytes: Vec<u8>,
    _memory: OwnedSemaphorePermit,
    _share: ClientShare,
}

impl Received {
    /// Moves the bytes out (for the store), leaving the reservation in place.
    pub(crate) fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }
}

impl Deref for Received {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

/// Reads the body of `request`, of at most `limit` bytes, within the limits on bodies.
/// Call it only once every check that needs no body has passed.
pub(crate) async fn read(request: Request, limit: usize) -> Result<Received, ApiError> {
    let extensions = request.extensions();
    let (Some(bodies), Some(handling)) = (
        extensions.get::<Arc<Bodies>>().cloned(),
        extensions.get::<Arc<Handling>>().cloned(),
    ) else {
        tracing::error!("a body was read outside the relay's router");
        return Err(ApiError::internal());
    };
    let length = request.body().size_hint().exact().ok_or(LENGTH_REQUIRED)?;
    let length = usize::try_from(length)
        .ok()
        .filter(|n| *n <= limit)
        .ok_or_else(|| ApiError::from_status(StatusCode::PAYLOAD_TOO_LARGE))?;
    let share = bodies.claim(limits::client_of(&request, bodies.trusted_hops))?;
    let memory = bodies.reserve(length)?;
    handling.pause();
    let received = bodies.receive(request.into_body(), length).await;
    handling.resume().await;
    Ok(Received {
        bytes: received?,
        _memory: memory,
        _share: share,
    })
}
