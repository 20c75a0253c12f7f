//! Secrets kept in the database (payment keys, the sandbox gateway's signing secret) are
//! sealed with AES-256-GCM under the server's own key, which lives outside the database:
//! in `SHEQUN_SECRET_KEY` (base64 of 32 bytes, for several app servers on one PostgreSQL)
//! or in the file `secret.key` in the data directory (made, readable by the owner only,
//! when missing). A copied database alone gives nothing away.

use std::path::Path;
use std::sync::Arc;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;

use crate::AppError;

pub const ENV_VAR: &str = "SHEQUN_SECRET_KEY";
const FILE_NAME: &str = "secret.key";

/// The server's sealing key.
#[derive(Clone)]
pub struct SealKey(Arc<LessSafeKey>);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

impl SealKey {
    fn from_bytes(bytes: &[u8]) -> Result<SealKey, AppError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes)
            .map_err(|_| AppError::Internal("the secret key must be 32 bytes".into()))?;
        Ok(SealKey(Arc::new(LessSafeKey::new(key))))
    }

    /// The key from the environment, else from (or newly into) `dir/secret.key`.
    pub fn from_env_or_dir(dir: Option<&Path>) -> Result<SealKey, AppError> {
        if let Ok(text) = std::env::var(ENV_VAR) {
            let bytes = B64
                .decode(text.trim())
                .map_err(|_| AppError::Internal(format!("{ENV_VAR} is not base64")))?;
            return SealKey::from_bytes(&bytes);
        }
        let Some(dir) = dir else {
            return Err(AppError::Internal(format!(
                "set {ENV_VAR} (base64 of 32 random bytes): there is no data directory to keep the key in"
            )));
        };
        let path = dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = B64
                    .decode(text.trim())
                    .map_err(|_| AppError::Internal(format!("{} is not base64", path.display())))?;
                SealKey::from_bytes(&bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                write_private(&path, &B64.encode(bytes))
                    .map_err(|e| AppError::Internal(format!("{}: {e}", path.display())))?;
                SealKey::from_bytes(&bytes)
            }
            Err(e) => Err(AppError::Internal(format!("{}: {e}", path.display()))),
        }
    }

    /// A random key, for tests and throwaway servers.
    pub fn random() -> SealKey {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        // 32 bytes is always a valid AES-256 key.
        match SealKey::from_bytes(&bytes) {
            Ok(k) => k,
            Err(e) => unreachable!("{e}"),
        }
    }

    /// base64(nonce ‖ ciphertext ‖ tag), with a fresh random nonce each time.
    pub fn seal(&self, plain: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut buf = plain.to_vec();
        // Sealing only fails on inputs beyond GCM's 64 GiB limit.
        if self
            .0
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buf)
            .is_err()
        {
            unreachable!("a secret beyond GCM's size limit");
        }
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        B64.encode(out)
    }

    /// The plaintext, or an error when the text was not sealed under this key.
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, AppError> {
        let wrong = || {
            AppError::Internal("a stored secret does not open with this server's secret key".into())
        };
        let raw = B64.decode(sealed).map_err(|_| wrong())?;
        if raw.len() < NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, rest) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| wrong())?;
        let mut buf = rest.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::empty(), &mut buf)
            .map_err(|_| wrong())?;
        Ok(plain.to_vec())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_under_its_key() {
        let k = SealKey::random();
        let s = k.seal(b"apiv3-key-0123456789abcdef012345");
        assert!(!s.contains("apiv3"));
        assert_eq!(k.open(&s).unwrap(), b"apiv3-key-0123456789abcdef012345");
        assert_ne!(k.seal(b"x"), k.seal(b"x"), "a fresh nonce each time");
        assert!(SealKey::random().open(&s).is_err());
        let mut tampered = B64.decode(&s).unwrap();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(k.open(&B64.encode(tampered)).is_err());
    }

    #[test]
    fn the_key_file_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let a = SealKey::from_env_or_dir(Some(dir.path())).unwrap();
        let b = SealKey::from_env_or_dir(Some(dir.path())).unwrap();
        assert_eq!(b.open(&a.seal(b"same")).unwrap(), b"same");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
