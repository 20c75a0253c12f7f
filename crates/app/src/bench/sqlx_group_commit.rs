//! The earlier group commit on sqlx, kept only as a measured baseline for
//! `shequn bench write-path` (the product writes through `storage::sqlite`).
//!
//! Group commit on SQLite: one writer task owns a write connection and commits many
//! requests' work in one transaction, each under its own SAVEPOINT, answering every caller
//! only after the COMMIT (so an answer still means durable).
//!
//! Why: with `synchronous=FULL` each COMMIT costs an fsync (~0.4 ms here), which caps
//! one-commit-per-request at a few thousand writes/s whatever the code around it. Batching
//! divides that cost by the batch size. A job that fails rolls back to its savepoint and
//! gets its own error; the rest of the batch commits. This is the write path the hot use
//! cases (checkout, stock, ledgers) are to move onto; `shequn bench write-path` measures it
//! against one commit per request.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;

use sqlx::{Connection, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use crate::AppError;

/// The most jobs committed together. Bounds the latency one batch adds and the work lost
/// to a failed COMMIT.
pub const MAX_BATCH: usize = 512;
/// How many jobs may wait for the writer before submitters wait in turn.
pub const QUEUE_DEPTH: usize = 4096;

type Output = Result<Box<dyn Any + Send>, AppError>;
type Work = Box<
    dyn for<'c> FnOnce(
            &'c mut SqliteConnection,
        ) -> Pin<Box<dyn Future<Output = Output> + Send + 'c>>
        + Send,
>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Output>,
}

/// A handle to the writer task; cheap to clone.
#[derive(Clone)]
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer on `conn`, which it owns from now on: nothing else may write to
    /// this database while it runs.
    pub fn start(conn: SqliteConnection) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(writer(conn, rx));
        GroupCommit { queue }
    }

    /// Runs `work` inside the next batch's transaction and returns its result once the
    /// batch has committed. An `Err` from `work` undoes only `work`'s own writes.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut SqliteConnection,
            )
                -> Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'c>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |c| {
            let fut = work(c);
            Box::pin(async move { fut.await.map(|t| Box::new(t) as Box<dyn Any + Send>) })
        });
        self.queue
            .send(Job { work, reply })
            .await
            .map_err(|_| AppError::Internal("the group-commit writer has stopped".into()))?;
        let out = answer
            .await
            .map_err(|_| AppError::Internal("the group-commit writer dropped a job".into()))??;
        out.downcast::<T>()
            .map(|b| *b)
            .map_err(|_| AppError::Internal("group-commit result of the wrong type".into()))
    }
}

async fn writer(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Whatever queued while the last batch committed forms the next one: no timer, so an
    // idle server answers a lone request without waiting.
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let replies = commit_batch(&mut conn, &mut batch).await;
        for (reply, out) in replies {
            let _ = reply.send(out);
        }
    }
    let _ = conn.close().await;
}

async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &mut Vec<Job>,
) -> Vec<(oneshot::Sender<Output>, Output)> {
    let mut done = Vec::with_capacity(batch.len());
    if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await {
        for job in batch.drain(..) {
            done.push((job.reply, Err(AppError::Internal(format!("begin: {e}")))));
        }
        return done;
    }
    for job in batch.drain(..) {
        let out = match sqlx::query("SAVEPOINT job").execute(&mut *conn).await {
            Ok(_) => {
                let out = (job.work)(conn).await;
                let end = if out.is_ok() {
                    "RELEASE job"
                } else {
                    "ROLLBACK TO job; RELEASE job"
                };
                match sqlx::raw_sql(end).execute(&mut *conn).await {
                    Ok(_) => out,
                    Err(e) => Err(AppError::Internal(format!("savepoint: {e}"))),
                }
            }
            Err(e) => Err(AppError::Internal(format!("savepoint: {e}"))),
        };
        done.push((job.reply, out));
    }
    if let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await {
        // Nothing of the batch is durable: every caller hears so, none sees success.
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        for (_, out) in &mut done {
            *out = Err(AppError::Internal(format!("commit: {e}")));
        }
    }
    done
}
