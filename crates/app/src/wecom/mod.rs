//! WeCom (企业微信) callback adapter: the wire format of the customer-contact and
//! customer-group callbacks.
//!
//! [`crypto`] verifies and opens the encrypted envelopes WeCom sends (and seals replies);
//! [`event`] turns the decrypted event XML into a typed [`WecomEvent`]. Everything here is a
//! pure function of its input: no I/O, no clock, so the HTTP handler decides what to store.

pub mod crypto;
pub mod event;

pub use crypto::{WecomCrypto, WecomError};
pub use event::{WecomEvent, parse_event};
