//! A short-lived, per-process cache of bearer-token lookups, so that an API call does not
//! pay a database read to learn who is calling.
//!
//! Entries live [`BEARER_TTL_MS`]. Every use case of this process that can end or narrow
//! access (revoking a token, deactivating or re-placing a staff member, changing or
//! resetting a password, moving a store) clears the cache, so this server refuses at once;
//! other app servers on the same PostgreSQL refuse within [`BEARER_TTL_MS`].

use std::collections::HashMap;
use std::sync::Mutex;

use shequn_domain::{Actor, TokenId};

/// How long another app server may still accept a token revoked elsewhere.
pub const BEARER_TTL_MS: i64 = 5_000;
/// Bound on entries; the cache is emptied when it would grow past it.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    actor: Actor,
    token: TokenId,
    expires_at: i64,
    fetched_at: i64,
}

#[derive(Default)]
pub struct BearerCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl BearerCache {
    /// The caller behind a token hash, if looked up less than the TTL ago and not expired.
    pub fn get(&self, hash: &str, now: i64) -> Option<(Actor, TokenId)> {
        let entries = self.entries.lock().ok()?;
        let e = entries.get(hash)?;
        (now - e.fetched_at < BEARER_TTL_MS && e.expires_at > now).then_some((e.actor, e.token))
    }

    pub fn put(&self, hash: String, actor: Actor, token: TokenId, expires_at: i64, now: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                hash,
                Entry {
                    actor,
                    token,
                    expires_at,
                    fetched_at: now,
                },
            );
        }
    }

    /// Forgets every lookup: access may have narrowed.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shequn_domain::{BrandId, Placement, Role, StaffId};

    const ACTOR: Actor = Actor {
        brand: BrandId(1),
        staff: StaffId(2),
        role: Role::ShopGuide,
        placement: Placement::Brand,
    };

    #[test]
    fn entries_expire_with_the_ttl_and_the_token_and_on_clear() {
        let c = BearerCache::default();
        c.put("h".into(), ACTOR, TokenId(3), 100_000, 0);
        assert!(c.get("h", BEARER_TTL_MS - 1).is_some());
        assert!(c.get("h", BEARER_TTL_MS).is_none(), "stale after the TTL");
        c.put("h".into(), ACTOR, TokenId(3), 10, 0);
        assert!(c.get("h", 10).is_none(), "an expired token is never served");
        c.put("h".into(), ACTOR, TokenId(3), 100_000, 0);
        c.clear();
        assert!(c.get("h", 1).is_none());
        assert!(c.get("other", 1).is_none());
    }
}
