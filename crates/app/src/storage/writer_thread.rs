//! Group commit on a dedicated OS thread with rusqlite: the same contract as
//! [`super::group_commit`] (a SAVEPOINT per job, one COMMIT per batch, every caller
//! answered only after the COMMIT), without sqlx-sqlite's hop to a worker thread and back
//! for every statement, which `shequn bench write-path` shows to be the limit there.
//!
//! Jobs are synchronous closures over a `rusqlite::Connection`; they run on the writer
//! thread and must not block on anything but SQLite.

use std::any::Any;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{mpsc, oneshot};

use super::group_commit::{MAX_BATCH, QUEUE_DEPTH};
use crate::AppError;

type Output = Result<Box<dyn Any + Send>, AppError>;
type Work = Box<dyn FnOnce(&Connection) -> Output + Send>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Output>,
}

/// A handle to the writer thread; cheap to clone. The thread ends when every handle is gone.
#[derive(Clone)]
pub struct WriterThread {
    queue: mpsc::Sender<Job>,
}

/// Opens `file` the way the product does: WAL, `synchronous=FULL`, foreign keys on.
pub fn open(file: &Path) -> Result<Connection, AppError> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(internal)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
        .map_err(internal)?;
    Ok(conn)
}

pub fn internal(e: rusqlite::Error) -> AppError {
    AppError::Internal(format!("sqlite: {e}"))
}

impl WriterThread {
    pub fn start(conn: Connection) -> Result<Self, AppError> {
        let (queue, rx) = mpsc::channel(QUEUE_DEPTH);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer(conn, rx))
            .map_err(|e| AppError::Internal(format!("writer thread: {e}")))?;
        Ok(WriterThread { queue })
    }

    /// Runs `work` in the next batch and returns its result after that batch commits.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |c| work(c).map(|t| Box::new(t) as Box<dyn Any + Send>));
        self.queue
            .send(Job { work, reply })
            .await
            .map_err(|_| AppError::Internal("the writer thread has stopped".into()))?;
        let out = answer
            .await
            .map_err(|_| AppError::Internal("the writer thread dropped a job".into()))??;
        out.downcast::<T>()
            .map(|b| *b)
            .map_err(|_| AppError::Internal("writer result of the wrong type".into()))
    }
}

fn writer(conn: Connection, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        for (reply, out) in commit_batch(&conn, &mut batch) {
            let _ = reply.send(out);
        }
    }
}

fn commit_batch(conn: &Connection, batch: &mut Vec<Job>) -> Vec<(oneshot::Sender<Output>, Output)> {
    let mut done = Vec::with_capacity(batch.len());
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let why = format!("begin: {e}");
        for job in batch.drain(..) {
            done.push((job.reply, Err(AppError::Internal(why.clone()))));
        }
        return done;
    }
    for job in batch.drain(..) {
        let out = match conn.execute_batch("SAVEPOINT job") {
            Ok(()) => {
                let out = (job.work)(conn);
                let end = if out.is_ok() {
                    "RELEASE job"
                } else {
                    "ROLLBACK TO job; RELEASE job"
                };
                match conn.execute_batch(end) {
                    Ok(()) => out,
                    Err(e) => Err(internal(e)),
                }
            }
            Err(e) => Err(internal(e)),
        };
        done.push((job.reply, out));
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        // Nothing of the batch is durable: every caller hears so, none sees success.
        let why = format!("commit: {e}");
        for (_, out) in &mut done {
            *out = Err(AppError::Internal(why.clone()));
        }
    }
    done
}
