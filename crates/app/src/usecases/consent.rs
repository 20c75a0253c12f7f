//! Withdrawing consent to marketing messages from outside the console: the unsubscribe
//! link each customer can be sent (`/u/{code}`, no sign-in: the code is the secret), and
//! (in the activity ingest) the unsubscribe keyword. Withdrawal cancels anything queued.

use shequn_domain::{Actor, CustomerId};

use crate::clock::now_ms;
use crate::storage::customers;
use crate::usecases::customers::visible;
use crate::{AppError, Db};

/// Codes are 20 characters of a-z and 0-9 (about 103 bits): unguessable.
const CODE_LEN: usize = 20;

fn new_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn is_code(raw: &str) -> bool {
    raw.len() == CODE_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The customer's unsubscribe link path (`/u/{code}`), made on first use.
#[tracing::instrument(skip(db), fields(brand = %actor.brand, target = %id))]
pub async fn unsubscribe_path(db: &Db, actor: &Actor, id: CustomerId) -> Result<String, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            visible(tx, &actor, id).await?;
            let code = customers::unsubscribe_code(tx, actor.brand, id, &new_code())
                .await?
                .ok_or(AppError::NotFound("customer"))?;
            Ok(format!("/u/{code}"))
        })
    })
    .await
}

/// Whether the code is a customer's (for the public page); Some(still consenting).
pub async fn lookup(db: &Db, code: &str) -> Result<Option<bool>, AppError> {
    if !is_code(code) {
        return Ok(None);
    }
    let code = code.to_owned();
    db.read(move |tx| {
        Box::pin(async move {
            Ok(customers::by_unsubscribe_code(tx, &code)
                .await?
                .map(|(_, _, consent)| consent))
        })
    })
    .await
}

/// The customer behind the code withdraws consent; None for an unknown code.
#[tracing::instrument(skip_all)]
pub async fn unsubscribe(db: &Db, code: &str) -> Result<Option<()>, AppError> {
    if !is_code(code) {
        return Ok(None);
    }
    let code = code.to_owned();
    db.write(move |tx| {
        Box::pin(async move {
            let Some((brand, id, _)) = customers::by_unsubscribe_code(tx, &code).await? else {
                return Ok(None);
            };
            customers::withdraw_consent(tx, brand, id, "unsubscribe_link", now_ms()).await?;
            Ok(Some(()))
        })
    })
    .await
}
