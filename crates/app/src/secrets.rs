//! Random secrets (session ids, API tokens, CSRF tokens), their stored hashes, and
//! argon2id password hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use crate::AppError;

/// 32 random bytes from the OS generator, hex-encoded, with a prefix that says what it is
/// (so a leaked token is recognisable by secret scanners).
pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    // ThreadRng is a CSPRNG (ChaCha) seeded from the OS.
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// SHA-256 of a high-entropy secret. Tokens carry 256 random bits, so a fast hash is
/// enough: a slow one protects guessable inputs, and these are not guessable.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// argon2id with the crate's defaults (OWASP's 19 MiB, 2 passes). Runs on the blocking
/// pool: hashing takes tens of milliseconds on purpose.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hash task: {e}")))?
}

/// Checks `password` against a stored PHC string. A hash that does not parse counts as a
/// mismatch, so a corrupt row cannot be logged into.
pub async fn verify_password(password: String, phc: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| AppError::Internal(format!("verify task: {e}")))
}

/// An argon2id hash of a random password, made once: verified against when the account
/// does not exist, so a login for an unknown email costs the same time as a real one.
pub fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY
        .get_or_init(|| {
            // An empty string if hashing ever failed: it verifies nothing, which is safe.
            SaltString::encode_b64(b"shequn-dummy-salt")
                .and_then(|salt| {
                    Argon2::default()
                        .hash_password(random_secret("").as_bytes(), &salt)
                        .map(|h| h.to_string())
                })
                .unwrap_or_default()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn password_round_trip_and_mismatch() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), h.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery".into(), h)
                .await
                .unwrap()
        );
        assert!(
            !verify_password("x".into(), "not a hash".into())
                .await
                .unwrap()
        );
        let dummy = tokio::task::spawn_blocking(dummy_hash).await.unwrap();
        assert!(dummy.starts_with("$argon2id$"));
        assert!(!verify_password("x".into(), dummy).await.unwrap());
    }

    #[test]
    fn secrets_are_random_and_hash_is_stable() {
        let a = random_secret("shq_");
        assert_ne!(a, random_secret("shq_"));
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(hash_secret("x"), hash_secret("x"));
        assert_ne!(hash_secret("x"), hash_secret("y"));
    }
}
