//! Liveness reads shared between concurrent fetches: [`Store::liveness_later`] on
//! PostgreSQL. Each fetch of a body kept in memory must ask the database whether its envelope
//! is still live (a revoke or a burn on another node takes effect at once), and under load one
//! query per fetch costs the database more than the relay's own work. Reads that arrive while
//! [`IN_FLIGHT`] queries are out wait together and go as one query for all their ids.
//!
//! A read joins only a query not yet sent, so each answer comes from a statement that began
//! after its fetch arrived, as a query of its own would: a change committed before the fetch
//! is seen.
//!
//! [`Store::liveness_later`]: crate::store::Store::liveness_later

use std::collections::HashMap;
use std::sync::Arc;

use deadpool_postgres::Pool;
use tokio::sync::{mpsc, oneshot, Semaphore};

use super::{get, int, liveness_row, rows, Params};
use crate::store::{State, StoreError, StoreResult};

/// Queries of batched reads out at once; reads that arrive meanwhile wait for the next.
const IN_FLIGHT: usize = 4;

/// The most ids in one query.
const BATCH: usize = 256;

/// The state of each id that is unexpired at a time not later than every read's `now`:
/// each read then keeps the row only if it is unexpired at its own `now`.
const LIVENESS_OF: &str = "SELECT id, state, max_opens IS NOT NULL, expires_at
    FROM envelopes WHERE id = ANY($1) AND expires_at > $2";

/// What a liveness read answers: the state and whether there is an open limit, or `None`
/// for an envelope that is unknown or expired.
pub(super) type Liveness = Option<(State, bool)>;

/// One fetch's read: the id, the fetch's time, and where its answer goes.
struct Ask {
    id: String,
    now: u64,
    answer: oneshot::Sender<StoreResult<Liveness>>,
}

/// The sending side of the batching task; the task ends when this is dropped.
pub(super) struct Batcher(mpsc::UnboundedSender<Ask>);

impl Batcher {
    /// Starts the batching task on the current Tokio runtime (the store's).
    pub(super) fn start(pool: Pool) -> Batcher {
        let (send, asks) = mpsc::unbounded_channel();
        tokio::spawn(batch_loop(pool, asks));
        Batcher(send)
    }

    /// Queues a read; the receiver takes its answer, or closes if the task has stopped.
    pub(super) fn ask(&self, id: String, now: u64) -> oneshot::Receiver<StoreResult<Liveness>> {
        let (answer, taken) = oneshot::channel();
        // A stopped task drops the sender, which closes `taken`: the caller's error.
        let _ = self.0.send(Ask { id, now, answer });
        taken
    }
}

/// Takes every read queued once a query slot is free (up to [`BATCH`]) and sends them as one
/// query. Unbounded: the relay bounds the requests in flight.
async fn batch_loop(pool: Pool, mut asks: mpsc::UnboundedReceiver<Ask>) {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(first) = asks.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match asks.try_recv() {
                Ok(ask) => batch.push(ask),
                Err(_) => break,
            }
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            answer(&pool, batch).await;
            drop(slot);
        });
    }
}

/// Runs one query for `batch` and answers each read.
async fn answer(pool: &Pool, batch: Vec<Ask>) {
    // Each id once: a hot envelope's reads often fill a batch.
    let mut ids: Vec<String> = batch.iter().map(|a| a.id.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    let earliest = batch.iter().map(|a| a.now).min().unwrap_or(0);
    let params: Params = vec![Box::new(ids), Box::new(int(earliest))];
    let found = rows(pool.clone(), LIVENESS_OF, params)
        .await
        .and_then(|rows| {
            rows.iter()
                .map(|row| {
                    Ok((
                        get::<String>(row, 0)?,
                        (liveness_row(row, 1)?, get::<i64>(row, 3)?),
                    ))
                })
                .collect::<StoreResult<HashMap<_, _>>>()
        });
    for ask in batch {
        let result = match &found {
            Ok(found) => Ok(found
                .get(&ask.id)
                .filter(|(_, expires_at)| *expires_at > int(ask.now))
                .map(|(live, _)| *live)),
            Err(e) => Err(StoreError(e.0.clone())),
        };
        let _ = ask.answer.send(result);
    }
}
