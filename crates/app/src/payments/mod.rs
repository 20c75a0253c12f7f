//! Payment providers: their wire formats, signatures and clients. The shop's use cases
//! (`usecases::payments`, `usecases::shop`) call them; what a provider reports reaches an
//! order only through `usecases::orders::confirm_payment`.

pub mod gateways;
pub mod sandbox;
pub mod wechat;
