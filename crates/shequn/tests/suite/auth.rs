//! Logging in, bearer tokens, logout, password change and login rate limits.

use reqwest::Method;
use serde_json::json;
use shequn::http::state::ServerOptions;
use shequn_app::Engine;

use crate::both_engines;
use crate::common::*;

both_engines!(
    one_email_can_hold_an_account_in_each_brand_and_the_password_or_brand_picks_it,
    login_returns_a_bearer_token_for_the_staff_member,
    wrong_password_and_unknown_email_get_the_same_401,
    requests_without_a_live_bearer_token_get_401,
    deactivated_staff_cannot_log_in_and_their_tokens_stop_working,
    logout_revokes_the_token_it_was_called_with,
    api_tokens_can_be_created_listed_and_revoked_by_their_owner_only,
    api_tokens_are_stored_only_as_hashes,
    a_token_created_with_an_idempotency_key_is_not_stored_in_plain_text,
    password_change_needs_the_current_password_and_revokes_the_other_tokens,
    login_is_rate_limited_per_account_even_with_the_right_password,
    login_is_rate_limited_per_client_ip,
);

const NEW_PASSWORD: &str = "a-brand-new-password-2026";

async fn login_returns_a_bearer_token_for_the_staff_member(app: TestApp) {
    let out = app.try_login(ADMIN, DEMO_PASSWORD).await.expect(200);
    let token = out["token"].as_str().expect("a token");
    assert!(
        token.starts_with("shq_") && token.len() > 40,
        "token: {token}"
    );
    assert!(out["expires_at"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(out["staff"]["email"], ADMIN);
    assert_eq!(out["staff"]["role"], "brand_admin");
    assert!(
        !out.to_string().contains("argon2"),
        "the password hash never leaves the server: {out}"
    );

    let me = app.me(token).await;
    assert_eq!(me["staff"]["email"], ADMIN);
    assert_eq!(me["brand"]["slug"], "demo");

    // An email is one account however it is typed.
    app.try_login("  Admin@Demo.SHEQUN.test ", DEMO_PASSWORD)
        .await
        .assert_status(200);
    // Every login is a new token.
    assert_ne!(app.login(ADMIN).await, token);
}

async fn wrong_password_and_unknown_email_get_the_same_401(app: TestApp) {
    let wrong = app.try_login(ADMIN, "not-the-password").await;
    wrong.assert_problem(401, "bad_credentials");
    for (email, password) in [
        ("nobody@demo.shequn.test", DEMO_PASSWORD),
        ("not an email", DEMO_PASSWORD),
        (ADMIN, ""),
    ] {
        let r = app.try_login(email, password).await;
        r.assert_problem(401, "bad_credentials");
        assert_eq!(
            r.body, wrong.body,
            "login must not reveal whether {email:?} has an account"
        );
    }
}

async fn requests_without_a_live_bearer_token_get_401(app: TestApp) {
    app.get_anon("/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    let token = app.login(ADMIN).await;
    let unknown = format!("shq_{}", "0".repeat(64));
    for header in [
        "Bearer".to_owned(),
        "Bearer nonsense".to_owned(),
        format!("Bearer {unknown}"),
        format!("Basic {token}"),
        token.clone(),
    ] {
        let r = app
            .send(
                app.request(Method::GET, "/api/v1/me", None)
                    .header("authorization", &header),
            )
            .await;
        r.assert_problem(401, "unauthorized");
    }
    // The scheme is case-insensitive (RFC 9110).
    let r = app
        .send(
            app.request(Method::GET, "/api/v1/me", None)
                .header("authorization", format!("bearer {token}")),
        )
        .await;
    r.assert_status(200);
}

async fn deactivated_staff_cannot_log_in_and_their_tokens_stop_working(app: TestApp) {
    let demo = app.demo().await;
    // guide14 (杭州湖滨店) runs no community and serves no customer: no handover needed.
    let guide14 = "guide14@demo.shequn.test";
    let guide = app.login(guide14).await;
    let path = format!("/api/v1/staff/{}", demo.staff(guide14));

    let out = app
        .patch(&demo.admin, &path, json!({ "active": false }))
        .await
        .expect(200);
    assert_eq!(out["active"], false);
    app.get(&guide, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    let refused = app.try_login(guide14, DEMO_PASSWORD).await;
    refused.assert_problem(401, "bad_credentials");
    let wrong = app.try_login(guide14, "not-the-password").await;
    assert_eq!(
        refused.body, wrong.body,
        "a deactivated account looks like a wrong password"
    );

    // Reactivation allows logging in again; the old token stays dead.
    app.patch(&demo.admin, &path, json!({ "active": true }))
        .await
        .assert_status(200);
    let fresh = app.login(guide14).await;
    app.get(&fresh, "/api/v1/me").await.assert_status(200);
    app.get(&guide, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
}

async fn logout_revokes_the_token_it_was_called_with(app: TestApp) {
    let first = app.login(ADMIN).await;
    let second = app.login(ADMIN).await;
    app.post_empty(&first, "/api/v1/auth/logout")
        .await
        .assert_status(204);
    app.get(&first, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.get(&second, "/api/v1/me").await.assert_status(200);
    app.post_empty(&first, "/api/v1/auth/logout")
        .await
        .assert_problem(401, "unauthorized");
}

async fn api_tokens_can_be_created_listed_and_revoked_by_their_owner_only(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let created = app
        .post(
            &admin,
            "/api/v1/tokens",
            json!({ "name": "ERP sync", "expires_in_days": 30 }),
        )
        .await
        .expect(201);
    let secret = created["token"]
        .as_str()
        .expect("the secret, shown once")
        .to_owned();
    assert!(secret.starts_with("shq_"));
    // Lists show the first characters so people can tell tokens apart, never the rest.
    let prefix = &secret[..12];
    assert_eq!(created["prefix"], prefix);
    assert_eq!(created["name"], "ERP sync");
    assert!(created["revoked_at"].is_null());
    let token_id = id(&created);
    assert_eq!(app.me(&secret).await["staff"]["email"], ADMIN);

    let listed = app.get(&admin, "/api/v1/tokens").await;
    listed.assert_status(200);
    assert!(
        !listed.text.contains(&secret),
        "a token list never shows secrets: {}",
        listed.text
    );
    let items = listed.body["items"].as_array().expect("items");
    assert!(
        items
            .iter()
            .any(|t| id(t) == token_id && t["name"] == "ERP sync" && t["prefix"] == prefix)
    );
    assert!(items.iter().all(|t| t.get("token").is_none()));

    // Another staff member of the same brand cannot even see it.
    let guide = app.login(GUIDE01).await;
    let path = format!("/api/v1/tokens/{token_id}");
    app.delete(&guide, &path)
        .await
        .assert_problem(404, "not_found");
    assert!(
        app.list_all(&guide, "/api/v1/tokens")
            .await
            .iter()
            .all(|t| id(t) != token_id)
    );
    app.get(&secret, "/api/v1/me").await.assert_status(200);

    let revoked = app.delete(&admin, &path).await.expect(200);
    assert!(revoked["revoked_at"].as_str().is_some(), "{revoked}");
    app.get(&secret, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    let kept = app.list_all(&admin, "/api/v1/tokens").await;
    let row = kept
        .iter()
        .find(|t| id(t) == token_id)
        .expect("a revoked token stays listed");
    assert!(row["revoked_at"].as_str().is_some());
}

async fn api_tokens_are_stored_only_as_hashes(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let created = app
        .post(&admin, "/api/v1/tokens", json!({ "name": "hash check" }))
        .await
        .expect(201);
    let secret = created["token"].as_str().expect("a token").to_owned();

    let stored = app
        .stored_strings("SELECT token_hash FROM api_tokens")
        .await;
    for plain in [&admin, &secret] {
        let random_part = plain.trim_start_matches("shq_");
        assert!(
            stored.iter().all(|h| !h.contains(random_part)),
            "api_tokens holds a token in plain text"
        );
        assert!(
            stored.contains(&shequn_app::secrets::hash_secret(plain)),
            "the token's hash is stored"
        );
    }
}

/// A replayed creation must give the caller the same answer, but the secret in that answer
/// must not sit in the database in plain text for the day the key is kept.
async fn a_token_created_with_an_idempotency_key_is_not_stored_in_plain_text(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let created = app
        .send(
            app.request(Method::POST, "/api/v1/tokens", Some(&admin))
                .header("idempotency-key", "token-once")
                .json(&json!({ "name": "retried" })),
        )
        .await
        .expect(201);
    let secret = created["token"].as_str().expect("a token").to_owned();
    let random_part = secret.trim_start_matches("shq_");
    let responses = app
        .stored_strings("SELECT result FROM idempotency_records WHERE result IS NOT NULL")
        .await;
    assert!(
        responses.iter().all(|r| !r.contains(random_part)),
        "idempotency_records.result holds the new token's secret in plain text"
    );
    // A retry gets the same token back, without its secret.
    let replay = app
        .send(
            app.request(Method::POST, "/api/v1/tokens", Some(&admin))
                .header("idempotency-key", "token-once")
                .json(&json!({ "name": "retried" })),
        )
        .await
        .expect(201);
    assert_eq!(replay["id"], created["id"]);
    assert!(replay["token"].is_null());
}

async fn password_change_needs_the_current_password_and_revokes_the_other_tokens(app: TestApp) {
    let caller = app.login(ADMIN).await;
    let other_login = app.login(ADMIN).await;
    let api_token = app
        .post(&caller, "/api/v1/tokens", json!({ "name": "cron" }))
        .await
        .expect(201)["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let path = "/api/v1/me/password";

    app.post(
        &caller,
        path,
        json!({ "current_password": "not-my-password", "new_password": NEW_PASSWORD }),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("current_password");
    app.post(
        &caller,
        path,
        json!({ "current_password": DEMO_PASSWORD, "new_password": "short" }),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("new_password");
    app.get(&other_login, "/api/v1/me").await.assert_status(200);
    app.try_login(ADMIN, DEMO_PASSWORD).await.assert_status(200);

    app.post(
        &caller,
        path,
        json!({ "current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD }),
    )
    .await
    .assert_status(204);
    app.get(&caller, "/api/v1/me").await.assert_status(200);
    app.get(&other_login, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.get(&api_token, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.try_login(ADMIN, DEMO_PASSWORD)
        .await
        .assert_problem(401, "bad_credentials");
    app.try_login(ADMIN, NEW_PASSWORD).await.assert_status(200);
}

async fn login_is_rate_limited_per_account_even_with_the_right_password(app: TestApp) {
    let app = app
        .with_options(ServerOptions {
            login_per_account_per_min: 3,
            ..test_options()
        })
        .await;
    for _ in 0..3 {
        app.try_login(ADMIN, "not-the-password")
            .await
            .assert_problem(401, "bad_credentials");
    }
    let limited = app.try_login(ADMIN, DEMO_PASSWORD).await;
    limited.assert_problem(429, "rate_limited");
    let wait: u64 = limited
        .header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    // The account is counted however its email is typed.
    app.try_login("ADMIN@demo.shequn.test", DEMO_PASSWORD)
        .await
        .assert_problem(429, "rate_limited");
    // Other accounts are not held up.
    app.try_login(GUIDE01, DEMO_PASSWORD)
        .await
        .assert_status(200);
}

async fn login_is_rate_limited_per_client_ip(app: TestApp) {
    let app = app
        .with_options(ServerOptions {
            login_per_ip_per_min: 2,
            ..test_options()
        })
        .await;
    app.try_login(ADMIN, DEMO_PASSWORD).await.assert_status(200);
    app.try_login(GUIDE01, "not-the-password")
        .await
        .assert_problem(401, "bad_credentials");
    let limited = app.try_login(EAST_MANAGER, DEMO_PASSWORD).await;
    limited.assert_problem(429, "rate_limited");
    assert!(
        limited.header("retry-after").is_some(),
        "a Retry-After header"
    );
}

async fn one_email_can_hold_an_account_in_each_brand_and_the_password_or_brand_picks_it(
    app: TestApp,
) {
    let other = app.login(OTHER_ADMIN).await;
    let other_store = id(&app.list_all(&other, "/api/v1/stores").await[0]);
    // Brand `other` hires someone whose email is also a demo guide's: no conflict, and
    // nothing tells brand `other` that the email has an account elsewhere.
    let hired = app
        .post(
            &other,
            "/api/v1/staff",
            json!({
                "email": GUIDE01, "display_name": "兼职导购", "role": "shop_guide",
                "store_id": other_store, "password": "other-brand-pass-1",
            }),
        )
        .await
        .expect(201);
    // Within one brand an email is still one account.
    app.post(
        &other,
        "/api/v1/staff",
        json!({
            "email": GUIDE01, "display_name": "重复", "role": "shop_guide",
            "store_id": other_store, "password": "other-brand-pass-2",
        }),
    )
    .await
    .assert_problem(409, "taken")
    .assert_field("email");

    // The password picks the account.
    let demo_login = app.try_login(GUIDE01, DEMO_PASSWORD).await.expect(200);
    assert_eq!(demo_login["staff"]["display_name"], "王芳");
    let other_login = app
        .try_login(GUIDE01, "other-brand-pass-1")
        .await
        .expect(200);
    assert_eq!(other_login["staff"]["id"], hired["id"]);
    let me = app.me(other_login["token"].as_str().expect("token")).await;
    assert_eq!(me["brand"]["slug"], "other");

    // Same password in both brands: the brand must be named.
    app.post(
        &other,
        &format!("/api/v1/staff/{}/password", id(&hired)),
        json!({ "new_password": DEMO_PASSWORD }),
    )
    .await
    .assert_status(204);
    app.try_login(GUIDE01, DEMO_PASSWORD)
        .await
        .assert_problem(409, "brand_required")
        .assert_field("brand");
    let picked = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({
                    "email": GUIDE01, "password": DEMO_PASSWORD, "brand": "other",
                })),
        )
        .await
        .expect(200);
    assert_eq!(picked["staff"]["id"], hired["id"]);
    let wrong_brand = app
        .send(
            app.request(Method::POST, "/api/v1/auth/login", None)
                .json(&json!({
                    "email": GUIDE01, "password": DEMO_PASSWORD, "brand": "no-such-brand",
                })),
        )
        .await;
    wrong_brand.assert_problem(401, "bad_credentials");
}

/// Bearer lookups are cached per app server for `BEARER_TTL_MS`: the server that revokes a
/// token refuses it at once, another server on the same PostgreSQL within that time.
#[tokio::test]
async fn a_revoked_token_is_refused_at_once_here_and_within_seconds_by_another_server() {
    let Some(here) = spawn_app(Engine::Postgres).await else {
        return;
    };
    let there = here
        .another_server()
        .await
        .expect("a second server on the same PostgreSQL");
    let token = here.login(GUIDE01).await;
    // Both servers have looked the token up (and cached it).
    here.get(&token, "/api/v1/me").await.assert_status(200);
    there.get(&token, "/api/v1/me").await.assert_status(200);

    here.post(&token, "/api/v1/auth/logout", json!({}))
        .await
        .assert_status(204);
    here.get(&token, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    let started = std::time::Instant::now();
    let bound = std::time::Duration::from_millis(
        u64::try_from(shequn_app::cache::BEARER_TTL_MS).expect("a positive TTL") + 1_000,
    );
    loop {
        let status = there.get(&token, "/api/v1/me").await.status;
        if status == 401 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            started.elapsed() < bound,
            "the other server still accepts a revoked token after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
