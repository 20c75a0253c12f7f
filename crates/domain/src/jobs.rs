//! Durable jobs and timers (unpaid-order expiry, commission windows, group-buy deadlines,
//! reminders): what a job is, its states, and how long to wait before trying again.

use serde::{Deserialize, Serialize};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for its time (or for its next attempt).
    Scheduled,
    /// Claimed by an app server, under a lease.
    Running,
    /// Ran; its effects are committed with this status.
    Done,
    /// Failed `max_attempts` times: waits for staff to retry or cancel it.
    Dead,
    /// Cancelled by staff (or made moot by the code that scheduled it).
    Cancelled,
}

text_enum!(JobStatus, "job status",
    Scheduled => "scheduled", Running => "running", Done => "done", Dead => "dead",
    Cancelled => "cancelled");

/// Attempts before a job is dead, unless the scheduler says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;
/// The first retry waits this long; each later one twice as long as the one before.
pub const FIRST_RETRY_MS: i64 = 30_000;
/// No retry waits longer than this.
pub const MAX_RETRY_MS: i64 = 60 * 60 * 1000;

/// How long to wait after the `attempt`-th failure (1-based): 30 s, 1 min, 2 min, … up to
/// an hour.
pub fn retry_delay_ms(attempt: i64) -> i64 {
    let doublings = attempt.clamp(1, 32) - 1;
    FIRST_RETRY_MS
        .saturating_mul(1_i64 << doublings.min(20))
        .min(MAX_RETRY_MS)
}

/// A job as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// The job's input, as JSON text.
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub status: JobStatus,
    pub run_at: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 60_000);
        assert_eq!(retry_delay_ms(3), 120_000);
        assert_eq!(
            retry_delay_ms(8),
            MAX_RETRY_MS,
            "30 s × 2^7 is over an hour"
        );
        assert_eq!(retry_delay_ms(1_000), MAX_RETRY_MS);
        assert_eq!(retry_delay_ms(0), 30_000);
    }
}
