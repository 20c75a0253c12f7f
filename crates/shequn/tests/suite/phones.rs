//! Personal data stays masked (PIPL): every answer the suite gets and every line the
//! servers it runs log (spans and their fields included, at debug level) is scanned for a
//! whole mainland mobile number. Only the answers that exist to hand one out may carry it:
//! a data-subject export and a logged reveal to an allowed role.

use std::io::Write;
use std::sync::{LazyLock, Mutex, Once};

use regex::Regex;

/// An 11-digit mainland mobile number standing alone (not part of a longer digit run).
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b1[3-9][0-9]{9}\b").expect("a valid pattern"));

/// Log lines that carried a whole number.
static LEAKS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Answers allowed to carry the whole number: `POST …/customers/{id}/export` and
/// `POST …/customers/{id}/phone`.
fn may_carry_phone(what: &str) -> bool {
    let path = what.split(['?', ' ']).nth(1).unwrap_or("");
    what.starts_with("POST ") && (path.ends_with("/export") || path.ends_with("/phone"))
}

#[track_caller]
pub fn assert_none_in_response(what: &str, text: &str) {
    if may_carry_phone(what) {
        return;
    }
    if let Some(m) = PHONE.find(text) {
        panic!(
            "{what} answered a whole phone number ({}): {text}",
            m.as_str()
        );
    }
}

#[track_caller]
pub fn assert_none_in_logs() {
    let leaks = LEAKS.lock().unwrap_or_else(|e| e.into_inner());
    assert!(
        leaks.is_empty(),
        "a server logged a whole phone number: {leaks:?}"
    );
}

struct Scanner;

impl Write for Scanner {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let line = String::from_utf8_lossy(buf);
        if PHONE.is_match(&line) {
            LEAKS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(line.into_owned());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every log line of this test process (the servers run in it) to the scanner.
pub fn watch_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::new(
            "debug,sqlx=warn,hyper=warn,hyper_util=warn,reqwest=warn,tower_http=debug,h2=warn",
        );
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::NEW)
            .with_ansi(false)
            .with_writer(|| Scanner)
            .try_init();
    });
}

#[test]
fn the_scanner_finds_whole_numbers_only() {
    assert!(PHONE.is_match("phone=13800010001&x"));
    assert!(PHONE.is_match("\"13912345678\""));
    assert!(!PHONE.is_match("138****0001"));
    assert!(
        !PHONE.is_match("1616140317555161061"),
        "a longer run of digits"
    );
    assert!(!PHONE.is_match("1732700000000"), "a time in ms");
    assert!(may_carry_phone("POST /api/v1/customers/3/export"));
    assert!(may_carry_phone("POST /api/v1/customers/3/phone"));
    assert!(!may_carry_phone("GET /api/v1/customers?phone=13800010001"));
}
