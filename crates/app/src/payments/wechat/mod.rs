//! WeChat Pay API v3 (微信支付), pure wire formats and an HTTP client, no database:
//! - [`config`]: a merchant's settings parsed (merchant key, APIv3 key, platform
//!   certificates);
//! - [`sign`]: the `WECHATPAY2-SHA256-RSA2048` Authorization of our requests, and the
//!   `Wechatpay-*` signatures of what WeChat Pay sends (probes, stale times, unknown serials
//!   refused);
//! - [`notify`]: notifications checked and their `AEAD_AES_256_GCM` resource opened;
//! - [`client`]: JSAPI prepay, query and refund, every request signed and every answer's
//!   signature checked.
//!
//! Crypto is aws-lc-rs only (RSA is constant-time there; the `rsa` crate is not used, see
//! RUSTSEC-2023-0071); certificates are read with x509-parser.

pub mod client;
pub mod config;
mod error;
pub mod notify;
pub mod sign;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

pub use client::WechatClient;
pub use config::{ConfigError, PlatformCert, WechatConfig};
pub use error::WechatError;
pub use notify::{Event, Notification, NotifyHeaders, verify_and_open};
