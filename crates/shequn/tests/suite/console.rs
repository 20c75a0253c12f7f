//! The web console's security contract over real HTTP: session cookies (flags, rotation at
//! login, server-side end at logout, password change and idleness), CSRF tokens on every
//! form and the same-origin check, brand isolation of pages, `no-store` pages, the language
//! choice; and its conventions: post/redirect/get with a message naming what was done, a
//! new token's secret shown once, errors beside their field, paging both ways.

use reqwest::Method;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use serde_json::json;
use shequn::http::state::ServerOptions;

use crate::both_engines;
use crate::common::*;

both_engines!(
    signing_in_sets_an_httponly_lax_cookie_and_rotates_the_session,
    a_secure_deployment_marks_the_cookie_secure,
    behind_a_tls_proxy_the_cookie_is_secure,
    forms_without_the_session_csrf_token_change_nothing,
    cross_site_form_posts_are_refused_even_with_a_token,
    signing_out_ends_the_session_on_the_server,
    idle_sessions_expire,
    changing_the_password_ends_every_other_session,
    pages_of_another_brand_or_store_are_not_found,
    the_console_speaks_the_browsers_language_until_switched,
    api_tokens_are_made_shown_once_and_revoked_from_the_console,
    the_store_and_staff_pages_search_within_scope,
    an_admin_renames_and_deactivates_a_region_from_the_console,
    the_home_page_shows_the_scope_figures_and_latest_events,
    signing_in_with_an_email_of_two_brands_asks_for_the_brand,
    status_words_fit_their_objects_and_destructive_actions_ask_first,
    create_forms_open_from_their_button_and_again_after_a_refusal,
    error_pages_keep_the_navigation,
    every_console_form_refuses_a_missing_or_wrong_csrf_token,
    console_pages_are_never_stored_by_the_browser,
    a_new_token_is_shown_once_after_a_redirect,
    after_a_change_the_page_says_what_was_done_to_which_object,
    a_refused_field_is_marked_and_explained_beside_it,
    lists_page_forwards_and_back,
);

use crate::pages::*;

async fn signing_in_sets_an_httponly_lax_cookie_and_rotates_the_session(app: TestApp) {
    let anonymous = fetch(&app, Method::GET, "/stores", None, None, &[]).await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.location.as_deref(), Some("/login?next=%2Fstores"));

    let wrong = fetch(
        &app,
        Method::POST,
        "/login",
        None,
        Some(&[("email", ADMIN), ("password", "not the password")]),
        &[],
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.session().is_none());

    let first = sign_in(&app, ADMIN, None).await;
    assert_eq!(first.status, 303);
    assert_eq!(first.location.as_deref(), Some("/stores"));
    let cookie = first
        .set_cookie
        .iter()
        .find(|c| c.starts_with(SESSION))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP in tests: {cookie}");
    let a = first.session().expect("a session id");
    assert!(signed_in(&app, &a).await);

    // Signing in again from the same browser gives a new id and ends the old one.
    let second = sign_in(&app, ADMIN, Some(&a)).await;
    let b = second.session().expect("a new session id");
    assert_ne!(a, b);
    assert!(
        !signed_in(&app, &a).await,
        "the pre-login session id must die at login"
    );
    assert!(signed_in(&app, &b).await);

    // The stored row is keyed by a hash: the cookie value is not in the database.
    let stored = app.stored_strings("SELECT id_hash FROM sessions").await;
    assert!(!stored.is_empty() && stored.iter().all(|h| h != &b));
}

async fn a_secure_deployment_marks_the_cookie_secure(app: TestApp) {
    let app = app
        .with_options(ServerOptions {
            secure_cookies: true,
            ..test_options()
        })
        .await;
    let p = sign_in(&app, ADMIN, None).await;
    let cookie = p
        .set_cookie
        .iter()
        .find(|c| c.starts_with(SESSION))
        .expect("a session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

async fn behind_a_tls_proxy_the_cookie_is_secure(app: TestApp) {
    let form = [("email", ADMIN), ("password", DEMO_PASSWORD)];
    let p = fetch(
        &app,
        Method::POST,
        "/login",
        None,
        Some(&form),
        &[("x-forwarded-proto", "https")],
    )
    .await;
    let cookie = p
        .set_cookie
        .iter()
        .find(|c| c.starts_with(SESSION))
        .expect("a session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

async fn regions_seen_by_admin(app: &TestApp) -> Vec<String> {
    let token = app.login(ADMIN).await;
    app.list_all(&token, "/api/v1/regions")
        .await
        .iter()
        .map(|r| r["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn forms_without_the_session_csrf_token_change_nothing(app: TestApp) {
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, "/regions", &cookie).await;
    let token = page.csrf();

    for bad in ["", "0000", &"a".repeat(token.len())] {
        let p = post(
            &app,
            "/regions",
            &cookie,
            &[("_csrf", bad), ("name", "西北大区")],
        )
        .await;
        assert_eq!(p.status, 403, "token {bad:?} accepted");
    }
    let missing = post(&app, "/regions", &cookie, &[("name", "西北大区")]).await;
    assert_eq!(missing.status, 403);
    assert!(missing.html.contains("表单已过期"), "{}", missing.html);
    // Another session's token does not work in this one.
    let other_cookie = session_of(&app, ADMIN).await;
    let other_token = get(&app, "/regions", &other_cookie).await.csrf();
    assert_ne!(other_token, token);
    assert_eq!(
        post(
            &app,
            "/regions",
            &cookie,
            &[("_csrf", &other_token), ("name", "西北大区")]
        )
        .await
        .status,
        403
    );
    assert!(
        !regions_seen_by_admin(&app)
            .await
            .contains(&"西北大区".to_owned())
    );

    let ok = post(
        &app,
        "/regions",
        &cookie,
        &[("_csrf", &token), ("name", "西北大区")],
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.html);
    assert_eq!(ok.location.as_deref(), Some("/regions"));
    assert_eq!(
        follow(&app, &ok, &cookie).await.flash(),
        Some("已新增大区「西北大区」")
    );
    assert!(
        regions_seen_by_admin(&app)
            .await
            .contains(&"西北大区".to_owned())
    );
}

async fn cross_site_form_posts_are_refused_even_with_a_token(app: TestApp) {
    let cookie = session_of(&app, ADMIN).await;
    let token = get(&app, "/regions", &cookie).await.csrf();
    let form = [("_csrf", token.as_str()), ("name", "跨站大区")];
    let evil = fetch(
        &app,
        Method::POST,
        "/regions",
        Some(&cookie),
        Some(&form),
        &[(ORIGIN.as_str(), "https://evil.example")],
    )
    .await;
    assert_eq!(evil.status, 403);
    let fetch_meta = fetch(
        &app,
        Method::POST,
        "/regions",
        Some(&cookie),
        Some(&form),
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(fetch_meta.status, 403);
    let login_csrf = fetch(
        &app,
        Method::POST,
        "/login",
        None,
        Some(&[("email", ADMIN), ("password", DEMO_PASSWORD)]),
        &[(ORIGIN.as_str(), "https://evil.example")],
    )
    .await;
    assert_eq!(
        login_csrf.status, 403,
        "login CSRF: a foreign site must not sign the browser in"
    );
    assert!(
        !regions_seen_by_admin(&app)
            .await
            .contains(&"跨站大区".to_owned())
    );
    let same_origin = fetch(
        &app,
        Method::POST,
        "/regions",
        Some(&cookie),
        Some(&form),
        &[(ORIGIN.as_str(), app.base.as_str())],
    )
    .await;
    assert_eq!(same_origin.status, 303);
}

async fn signing_out_ends_the_session_on_the_server(app: TestApp) {
    let cookie = session_of(&app, ADMIN).await;
    let token = get(&app, "/", &cookie).await.csrf();
    assert_eq!(
        post(&app, "/logout", &cookie, &[("_csrf", "wrong")])
            .await
            .status,
        403
    );
    assert!(
        signed_in(&app, &cookie).await,
        "a forged logout must not end the session"
    );
    let out = post(&app, "/logout", &cookie, &[("_csrf", &token)]).await;
    assert_eq!(out.status, 303);
    assert!(
        out.set_cookie
            .iter()
            .any(|c| c.starts_with(&format!("{SESSION}=;")) && c.contains("Max-Age=0"))
    );
    // Replaying the old cookie (as a thief would) no longer works.
    assert!(!signed_in(&app, &cookie).await);
}

async fn idle_sessions_expire(app: TestApp) {
    let cookie = session_of(&app, ADMIN).await;
    assert!(signed_in(&app, &cookie).await);
    let three_hours_ago = shequn_app::clock::now_ms() - 3 * 60 * 60 * 1000;
    let updated = app
        .db
        .write(move |tx| {
            Box::pin(async move {
                Ok(tx
                    .execute(
                        "UPDATE sessions SET last_seen_at = $1",
                        &shequn_app::params![three_hours_ago],
                    )
                    .await?)
            })
        })
        .await
        .expect("age the session");
    assert_eq!(updated, 1);
    assert!(
        !signed_in(&app, &cookie).await,
        "a session idle for 3 h must be gone"
    );
    assert!(
        app.stored_strings("SELECT id_hash FROM sessions")
            .await
            .is_empty(),
        "and removed"
    );
}

async fn changing_the_password_ends_every_other_session(app: TestApp) {
    let mine = session_of(&app, ADMIN).await;
    let other_device = session_of(&app, ADMIN).await;
    let token = get(&app, "/account", &mine).await.csrf();
    let wrong = post(
        &app,
        "/account/password",
        &mine,
        &[
            ("_csrf", &token),
            ("current_password", "nope nope nope"),
            ("new_password", "a-new-password-2026"),
        ],
    )
    .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.html.contains(
            r#"<small class="field-error" id="current_password-error">当前密码不正确</small>"#
        ),
        "{}",
        wrong.html
    );
    assert!(signed_in(&app, &other_device).await);

    let changed = post(
        &app,
        "/account/password",
        &mine,
        &[
            ("_csrf", &token),
            ("current_password", DEMO_PASSWORD),
            ("new_password", "a-new-password-2026"),
        ],
    )
    .await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    assert_eq!(changed.location.as_deref(), Some("/account"));
    let fresh = changed
        .session()
        .expect("this browser gets a fresh session");
    assert_eq!(
        follow(&app, &changed, &fresh).await.flash(),
        Some("密码已修改，其他会话已退出")
    );
    assert_ne!(fresh, mine);
    assert!(!signed_in(&app, &mine).await);
    assert!(
        !signed_in(&app, &other_device).await,
        "other devices are signed out"
    );
    assert!(signed_in(&app, &fresh).await);
    app.try_login(ADMIN, DEMO_PASSWORD).await.assert_status(401);
    app.try_login(ADMIN, "a-new-password-2026")
        .await
        .assert_status(200);
}

async fn pages_of_another_brand_or_store_are_not_found(app: TestApp) {
    let demo = app.demo().await;
    let other = session_of(&app, OTHER_ADMIN).await;
    for path in [
        format!("/stores/{}", demo.store("SH-001")),
        format!("/staff/{}", demo.staff(GUIDE01)),
    ] {
        let p = get(&app, &path, &other).await;
        assert_eq!(p.status, 404, "{path} for brand other");
        assert!(!p.html.contains("上海南京西路店") && !p.html.contains("王芳"));
    }
    let token = get(&app, "/", &other).await.csrf();
    let hijack = post(
        &app,
        &format!("/stores/{}", demo.store("SH-001")),
        &other,
        &[("_csrf", &token), ("name", "hijacked")],
    )
    .await;
    assert_eq!(hijack.status, 404);

    let guide = session_of(&app, GUIDE01).await;
    assert_eq!(
        get(&app, &format!("/stores/{}", demo.store("SH-001")), &guide)
            .await
            .status,
        200
    );
    assert_eq!(
        get(&app, &format!("/stores/{}", demo.store("HZ-001")), &guide)
            .await
            .status,
        404
    );
    let token = get(&app, "/", &guide).await.csrf();
    let edit = post(
        &app,
        &format!("/stores/{}", demo.store("SH-001")),
        &guide,
        &[("_csrf", &token), ("name", "导购改名")],
    )
    .await;
    assert_eq!(
        edit.status, 403,
        "a guide may see its store but not change it"
    );
    let admin = app.login(ADMIN).await;
    assert_eq!(
        app.get(&admin, &format!("/api/v1/stores/{}", demo.store("SH-001")))
            .await
            .expect(200)["name"],
        "上海南京西路店"
    );
}

async fn the_console_speaks_the_browsers_language_until_switched(app: TestApp) {
    let page = |lang: Option<&'static str>, cookie: Option<&'static str>| {
        let mut rb = app.client.get(app.url("/login"));
        if let Some(l) = lang {
            rb = rb.header(ACCEPT_LANGUAGE, l);
        }
        if let Some(c) = cookie {
            rb = rb.header(COOKIE, c);
        }
        async move { rb.send().await.expect("answer").text().await.expect("html") }
    };
    assert!(
        page(Some("en-US,en;q=0.9"), None)
            .await
            .contains("Staff sign-in")
    );
    assert!(
        page(Some("zh-CN,zh;q=0.9,en;q=0.8"), None)
            .await
            .contains("员工登录")
    );
    assert!(
        page(None, None).await.contains("员工登录"),
        "Chinese by default"
    );
    assert!(
        page(Some("en-US"), Some("shequn_lang=zh-CN"))
            .await
            .contains("员工登录"),
        "the switch wins"
    );

    let switch = app
        .client
        .get(app.url("/lang/en?next=/stores"))
        .send()
        .await
        .expect("answer");
    assert_eq!(switch.status().as_u16(), 303);
    assert_eq!(
        switch.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
        Some("/stores")
    );
    let set = switch
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(set.starts_with("shequn_lang=en;"), "{set}");
    // No open redirect through the language switch.
    let away = app
        .client
        .get(app.url("/lang/zh?next=//evil.example/x"))
        .send()
        .await
        .expect("answer");
    assert_eq!(
        away.headers().get(LOCATION).and_then(|v| v.to_str().ok()),
        Some("/")
    );
}

async fn api_tokens_are_made_shown_once_and_revoked_from_the_console(app: TestApp) {
    let cookie = session_of(&app, SH001_MANAGER).await;
    let csrf = get(&app, "/account/tokens", &cookie).await.csrf();
    let bad = post(
        &app,
        "/account/tokens",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("name", "ERP"),
            ("expires_in_days", "400"),
        ],
    )
    .await;
    assert_eq!(bad.status, 422, "more than 365 days is refused on the form");
    assert!(
        bad.html.contains(r#"id="expires_in_days-error""#),
        "beside its field: {}",
        bad.html
    );
    let made = post(
        &app,
        "/account/tokens",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("name", "ERP 同步"),
            ("expires_in_days", "30"),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "post/redirect/get: {}", made.html);
    let secret = made
        .cookie(NEW_TOKEN)
        .expect("the secret crosses the redirect");
    assert_eq!(secret.len(), 68);
    assert!(
        follow(&app, &made, &cookie)
            .await
            .html
            .contains(&format!(r#"<code id="new-token">{secret}</code>"#)),
        "and is shown on the page it leads to"
    );
    let me = app.me(&secret).await;
    assert_eq!(me["staff"]["email"], SH001_MANAGER);
    // Shown once: the list page no longer carries it.
    let list = get(&app, "/account/tokens", &cookie).await;
    assert!(list.html.contains("ERP 同步") && !list.html.contains(&secret));
    assert!(list.html.contains(r#"<span class="ok">有效</span>"#));
    assert!(
        list.html
            .contains(r#"data-confirm="确定吊销令牌「ERP 同步」吗？吊销后无法恢复。""#),
        "revoking asks first, naming the token"
    );

    let api = app.login(SH001_MANAGER).await;
    let erp_id = app
        .list_all(&api, "/api/v1/tokens")
        .await
        .iter()
        .find(|t| t["name"] == "ERP 同步")
        .map(id)
        .expect("listed in the API");
    let revoked = post(
        &app,
        &format!("/account/tokens/{erp_id}/revoke"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(revoked.status, 303);
    assert_eq!(
        follow(&app, &revoked, &cookie).await.flash(),
        Some("已吊销令牌「ERP 同步」")
    );
    app.get(&secret, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    assert!(
        get(&app, "/account/tokens", &cookie)
            .await
            .html
            .contains(r#"<span class="off">已吊销</span>"#)
    );
    // Someone else's token id is not found, and stays live.
    let other = session_of(&app, GUIDE01).await;
    let other_csrf = get(&app, "/", &other).await.csrf();
    let api_id = app
        .list_all(&api, "/api/v1/tokens")
        .await
        .iter()
        .find(|t| t["revoked_at"].is_null())
        .map(id)
        .expect("a live token");
    assert_eq!(
        post(
            &app,
            &format!("/account/tokens/{api_id}/revoke"),
            &other,
            &[("_csrf", &other_csrf)]
        )
        .await
        .status,
        404
    );
    app.get(&api, "/api/v1/me").await.assert_status(200);
}

async fn the_store_and_staff_pages_search_within_scope(app: TestApp) {
    let admin = session_of(&app, ADMIN).await;
    let page = get(&app, "/stores?q=%E6%9D%AD%E5%B7%9E", &admin).await; // 杭州
    assert_eq!(page.status, 200);
    assert!(page.html.contains("杭州湖滨店") && !page.html.contains("上海南京西路店"));
    assert!(
        page.html.contains(r#"value="杭州""#),
        "the search box keeps the text"
    );
    let page = get(&app, "/staff?q=guide01", &admin).await;
    assert!(
        page.html.contains("guide01@demo.shequn.test")
            && !page.html.contains("guide02@demo.shequn.test")
    );
    let guide = session_of(&app, GUIDE01).await;
    let page = get(&app, "/stores?q=HZ", &guide).await;
    assert!(!page.html.contains("杭州湖滨店"));
}

async fn an_admin_renames_and_deactivates_a_region_from_the_console(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let csrf = get(&app, "/regions", &cookie).await.csrf();
    let north = demo.region(NORTH);
    let path = format!("/regions/{north}");
    let renamed = post(
        &app,
        &path,
        &cookie,
        &[("_csrf", &csrf), ("name", "华北一区")],
    )
    .await;
    assert_eq!(renamed.status, 303);
    let region = app
        .get(&demo.admin, &format!("/api/v1/regions/{north}"))
        .await
        .expect(200);
    assert_eq!(region["name"], "华北一区");
    assert_eq!(region["active"], true);
    // Still has open stores: refused on the page, nothing changed.
    let refused = post(
        &app,
        &path,
        &cookie,
        &[("_csrf", &csrf), ("active", "false")],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.html.contains("家营业中的门店，请先停用或移走")
            && refused.html.contains(r#"id="form-error""#),
        "the reason is shown above the list (the rows share their inputs' names), in Chinese: {}",
        refused.html
    );
    assert_eq!(
        app.get(&demo.admin, &format!("/api/v1/regions/{north}"))
            .await
            .expect(200)["active"],
        true
    );
    // A region manager sees the list but cannot rename.
    let east = session_of(&app, EAST_MANAGER).await;
    let east_csrf = get(&app, "/regions", &east).await.csrf();
    let east_path = format!("/regions/{}", demo.region(EAST));
    assert_eq!(
        post(
            &app,
            &east_path,
            &east,
            &[("_csrf", &east_csrf), ("name", "东区")]
        )
        .await
        .status,
        403
    );
}

async fn the_home_page_shows_the_scope_figures_and_latest_events(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let home = get(&app, "/", &cookie).await;
    assert!(
        home.html.contains(r#"id="count-stores">12<"#),
        "12 demo stores"
    );
    assert!(
        home.html.contains(r#"id="count-staff">56<"#),
        "56 demo staff"
    );
    assert!(!home.html.contains("recent-events"), "no events yet");
    app.patch(
        &demo.admin,
        &format!("/api/v1/stores/{}", demo.store("SH-001")),
        json!({ "address": "上海市静安区南京西路 1 号" }),
    )
    .await
    .expect(200);
    let home = get(&app, "/", &cookie).await;
    assert!(
        home.html.contains("recent-events")
            && home.html.contains("上海南京西路店（SH-001）")
            && home.html.contains("地址改为上海市静安区南京西路 1 号")
            && !home.html.contains("store.updated"),
        "the latest events read as sentences: {}",
        home.html
    );
    let guide = session_of(&app, GUIDE01).await;
    let home = get(&app, "/", &guide).await;
    assert!(home.html.contains(r#"id="count-stores">1<"#));
    assert!(!home.html.contains("recent-events") && !home.html.contains("nav-audit"));
}

async fn signing_in_with_an_email_of_two_brands_asks_for_the_brand(app: TestApp) {
    let other = app.login(OTHER_ADMIN).await;
    let store = id(&app.list_all(&other, "/api/v1/stores").await[0]);
    app.post(
        &other,
        "/api/v1/staff",
        json!({
            "email": GUIDE01, "display_name": "兼职导购", "role": "shop_guide",
            "store_id": store, "password": DEMO_PASSWORD,
        }),
    )
    .await
    .expect(201);
    let ask = sign_in(&app, GUIDE01, None).await;
    assert_eq!(ask.status, 409);
    assert!(ask.session().is_none());
    assert!(
        ask.html.contains(r#"id="login-brand""#) && ask.html.contains("请选择：demo、other"),
        "{}",
        ask.html
    );
    let form = [
        ("email", GUIDE01),
        ("password", DEMO_PASSWORD),
        ("brand", "other"),
    ];
    let picked = fetch(&app, Method::POST, "/login", None, Some(&form), &[]).await;
    assert_eq!(picked.status, 303);
    let cookie = picked.session().expect("a session");
    assert!(get(&app, "/", &cookie).await.html.contains("另一个品牌"));
}

/// 门店 营业中, 员工 在职, 大区 启用, in both languages; deactivating, closing and
/// resetting a password ask first, naming their object; a new member has no role until
/// one is chosen.
async fn status_words_fit_their_objects_and_destructive_actions_ask_first(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let stores = get(&app, "/stores", &cookie).await;
    assert!(stores.html.contains(r#"<span class="ok">营业中</span>"#));
    let english = fetch(
        &app,
        Method::GET,
        "/stores",
        Some(&cookie),
        None,
        &[(ACCEPT_LANGUAGE.as_str(), "en")],
    )
    .await;
    assert!(english.html.contains(r#"<span class="ok">Open</span>"#));

    let regions = get(&app, "/regions", &cookie).await;
    assert!(regions.html.contains(r#"<span class="ok">启用</span>"#));
    assert!(
        regions
            .html
            .contains(r#"data-confirm="确定停用大区「华北大区」吗？""#),
        "{}",
        regions.html
    );

    let staff = get(&app, "/staff", &cookie).await;
    assert!(staff.html.contains(r#"<span class="ok">在职</span>"#));
    assert!(
        staff
            .html
            .contains(r#"<option value="" disabled selected>请选择角色</option>"#),
        "the role starts unchosen"
    );
    assert!(
        !staff.html.contains(r#"value="brand_admin" selected"#),
        "never brand admin by default"
    );

    let store = get(&app, &format!("/stores/{}", demo.store("SH-001")), &cookie).await;
    assert!(
        store
            .html
            .contains(r#"data-confirm="确定停用门店 上海南京西路店（SH-001）吗？""#),
        "{}",
        store.html
    );
    let member = get(&app, &format!("/staff/{}", demo.staff(GUIDE01)), &cookie).await;
    assert!(member.html.contains(r#"<span class="ok">在职</span>"#));
    assert!(
        member
            .html
            .contains(r#"data-confirm="确定停用员工 王芳（guide01@demo.shequn.test）吗？""#)
    );
    assert!(member.html.contains(
        r#"data-confirm="确定重置 王芳（guide01@demo.shequn.test）的密码吗？其会话与令牌将失效。""#
    ));
}

/// The create form of a list waits behind its 新增 button, and is open again, with what
/// was typed, when the server refuses it.
async fn create_forms_open_from_their_button_and_again_after_a_refusal(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, "/stores", &cookie).await;
    assert!(page.html.contains(r#"<details class="create">"#));
    let region = demo.region(EAST).to_string();
    let csrf = page.csrf();
    let refused = post(
        &app,
        "/stores",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("region_id", &region),
            ("code", "SH-001"),
            ("name", "重复编码店"),
            ("address", ""),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.html.contains(r#"<details class="create" open>"#)
            && refused.html.contains(r#"value="重复编码店""#),
        "{}",
        refused.html
    );
    assert!(
        !refused.html.contains(r#"id="form-error""#),
        "a field's error is shown beside it, not above the page"
    );
}

/// A page that is not found, or a form whose object is gone, keeps the console around
/// it: the navigation and a way back.
async fn error_pages_keep_the_navigation(app: TestApp) {
    let cookie = session_of(&app, ADMIN).await;
    let missing = get(&app, &format!("/stores/{NO_SUCH_ID}"), &cookie).await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.html.contains(r#"id="nav-stores""#) && missing.html.contains("返回控制台"),
        "{}",
        missing.html
    );
    let csrf = missing.csrf();
    let gone = post(
        &app,
        &format!("/regions/{NO_SUCH_ID}"),
        &cookie,
        &[("_csrf", &csrf), ("name", "不存在")],
    )
    .await;
    assert_eq!(gone.status, 404);
    assert!(
        gone.html
            .contains(r#"id="nav-regions" href="/regions" class="current""#)
    );
}

/// Every form action the templates post to, with `{{ … }}` parts as `{id}`: the console's
/// state-changing routes, found where a new one is added.
fn posted_actions() -> std::collections::BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut actions = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("the templates directory") {
        let path = entry.expect("a template").path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(&path).expect("a readable template");
        let mut rest = html.as_str();
        while let Some(at) = rest.find(r#"method="post" action=""#) {
            rest = &rest[at + r#"method="post" action=""#.len()..];
            let action = &rest[..rest.find('"').expect("the end of the action")];
            let mut route = String::new();
            let mut tail = action;
            while let Some(open) = tail.find("{{") {
                route.push_str(&tail[..open]);
                route.push_str("{id}");
                let close = tail[open..].find("}}").expect("a closed expression");
                tail = &tail[open + close + 2..];
            }
            route.push_str(tail);
            actions.insert(route);
        }
    }
    actions
}

/// The CSRF check is one middleware on the whole console: every form the templates post,
/// sent without the session's token or with a wrong one, is refused and changes nothing.
async fn every_console_form_refuses_a_missing_or_wrong_csrf_token(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let api = app.login(ADMIN).await;
    let login_token = app
        .list_all(&api, "/api/v1/tokens")
        .await
        .iter()
        .find(|t| t["revoked_at"].is_null())
        .map(id)
        .expect("the API login's token");
    let actions = posted_actions();
    for known in [
        "/login",
        "/logout",
        "/regions",
        "/regions/{id}",
        "/stores",
        "/stores/{id}",
        "/staff",
        "/staff/{id}",
        "/staff/{id}/password",
        "/account/password",
        "/account/tokens",
        "/account/tokens/{id}/revoke",
    ] {
        assert!(actions.contains(known), "{known} not found in {actions:?}");
    }
    let region = demo.region(EAST).to_string();
    let store = demo.store("SH-001").to_string();
    // Every field any of these forms reads, valid, so only the token is missing.
    let fields: [(&str, &str); 12] = [
        ("name", "改了名"),
        ("code", "CSRF-1"),
        ("address", "改了地址"),
        ("region_id", region.as_str()),
        ("store_id", store.as_str()),
        ("email", "csrf@demo.shequn.test"),
        ("display_name", "改了名"),
        ("role", "shop_guide"),
        ("password", "csrf-password-2026"),
        ("current_password", DEMO_PASSWORD),
        ("new_password", "csrf-password-2026"),
        ("expires_in_days", "30"),
    ];
    // The customers' unsubscribe page is not the console: its unguessable code is the
    // credential (whoever holds it can post it from anywhere), and it changes only the
    // consent of that code's customer (tests/suite/segments.rs).
    for action in actions
        .iter()
        // The sandbox gateway's pay page stands for the gateway's own site, not the
        // console: the payer's browser comes from the shop with no console session.
        .filter(|a| *a != "/login" && !a.starts_with("/u/") && !a.starts_with("/sandbox-pay/"))
    {
        let id = match action.split('/').nth(1) {
            Some("regions") => demo.region(NORTH),
            Some("stores") => demo.store("SH-001"),
            Some("staff") => demo.staff(GUIDE01),
            _ => login_token,
        };
        let path = action.replace("{id}", &id.to_string());
        let missing = post(&app, &path, &cookie, &fields).await;
        assert_eq!(missing.status, 403, "POST {path} without a token");
        let mut wrong = fields.to_vec();
        wrong.push(("_csrf", "not-the-token"));
        assert_eq!(
            post(&app, &path, &cookie, &wrong).await.status,
            403,
            "POST {path} with a wrong token"
        );
        // No session: the login page, as for any page.
        let anonymous = fetch(&app, Method::POST, &path, None, Some(&fields), &[]).await;
        assert_eq!(anonymous.status, 303, "POST {path} without a session");
        assert!(
            anonymous
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with("/login?next=")),
            "POST {path} without a session"
        );
    }
    // Nothing changed.
    assert!(signed_in(&app, &cookie).await, "not signed out");
    let admin = &demo.admin;
    let region = app
        .get(admin, &format!("/api/v1/regions/{}", demo.region(NORTH)))
        .await
        .expect(200);
    assert_eq!(region["name"], NORTH);
    assert!(
        !app.list_all(admin, "/api/v1/regions")
            .await
            .iter()
            .any(|r| r["name"] == "改了名")
    );
    let sh001 = app
        .get(admin, &format!("/api/v1/stores/{}", demo.store("SH-001")))
        .await
        .expect(200);
    assert_eq!(sh001["name"], "上海南京西路店");
    assert_eq!(sh001["active"], true);
    let guide = app
        .get(admin, &format!("/api/v1/staff/{}", demo.staff(GUIDE01)))
        .await
        .expect(200);
    assert_eq!(guide["display_name"], "王芳");
    assert!(
        !app.list_all(admin, "/api/v1/stores")
            .await
            .iter()
            .any(|s| s["code"] == "CSRF-1")
    );
    assert!(
        !app.list_all(admin, "/api/v1/staff")
            .await
            .iter()
            .any(|m| m["email"] == "csrf@demo.shequn.test")
    );
    app.try_login(ADMIN, DEMO_PASSWORD).await.assert_status(200);
    app.try_login(GUIDE01, DEMO_PASSWORD)
        .await
        .assert_status(200);
    app.get(&api, "/api/v1/me").await.assert_status(200);
    assert!(
        !app.list_all(&api, "/api/v1/tokens")
            .await
            .iter()
            .any(|t| t["name"] == "改了名")
    );
    // And with the token the same form goes through.
    let csrf = get(&app, "/regions", &cookie).await.csrf();
    let mut with_token = fields.to_vec();
    with_token.push(("_csrf", &csrf));
    assert_eq!(
        post(&app, "/regions", &cookie, &with_token).await.status,
        303
    );
}

/// Every console page says `Cache-Control: no-store`, so Back after signing out shows no
/// copy of a page; the style sheet, not a page, may be cached.
async fn console_pages_are_never_stored_by_the_browser(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let pages = [
        "/".to_owned(),
        "/regions".to_owned(),
        "/stores".to_owned(),
        format!("/stores/{}", demo.store("SH-001")),
        "/staff".to_owned(),
        format!("/staff/{}", demo.staff(GUIDE01)),
        "/audit".to_owned(),
        "/account".to_owned(),
        "/account/tokens".to_owned(),
        format!("/stores/{NO_SUCH_ID}"),
        "/no/such/page".to_owned(),
    ];
    for path in &pages {
        let p = get(&app, path, &cookie).await;
        assert_eq!(p.cache_control.as_deref(), Some("no-store"), "GET {path}");
    }
    let csrf = get(&app, "/regions", &cookie).await.csrf();
    let refused = post(&app, "/regions", &cookie, &[("_csrf", &csrf), ("name", "")]).await;
    assert_eq!(refused.cache_control.as_deref(), Some("no-store"));
    let login = fetch(&app, Method::GET, "/login", None, None, &[]).await;
    assert_eq!(login.cache_control.as_deref(), Some("no-store"));
    let out = post(&app, "/logout", &cookie, &[("_csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.cache_control.as_deref(), Some("no-store"));
    // What Back would fetch again after signing out: the login page, not the list.
    let back = get(&app, "/stores", &cookie).await;
    assert_eq!(back.status, 303);
    assert_eq!(back.cache_control.as_deref(), Some("no-store"));
    let css = fetch(&app, Method::GET, "/static/console.css", None, None, &[]).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.cache_control, None);
}

/// Creating a token redirects (post/redirect/get): the secret crosses the redirect in a
/// short-lived cookie sent only to the token list, which shows it once and clears it; a
/// reload shows no secret and creates nothing.
async fn a_new_token_is_shown_once_after_a_redirect(app: TestApp) {
    let cookie = session_of(&app, SH001_MANAGER).await;
    let csrf = get(&app, "/account/tokens", &cookie).await.csrf();
    let made = post(
        &app,
        "/account/tokens",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("name", "收银同步"),
            ("expires_in_days", "30"),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    assert_eq!(made.location.as_deref(), Some("/account/tokens"));
    assert!(
        !made.html.contains("shq_"),
        "the answer to the POST has no secret"
    );
    let line = made
        .cookie_line(NEW_TOKEN)
        .expect("the secret crosses the redirect in a cookie");
    for part in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/account/tokens",
        "Max-Age=60",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(!line.contains("Secure"), "plain HTTP in tests: {line}");
    let secret = made.cookie(NEW_TOKEN).expect("a secret");
    assert!(secret.starts_with("shq_") && secret.len() == 68, "{secret}");

    let shown = follow(&app, &made, &cookie).await;
    assert_eq!(shown.status, 200);
    assert!(
        shown.html.contains(&format!(
            r#"<code class="token-prefix">{}…</code>"#,
            &secret[..12]
        )),
        "the list tells the token by its first characters"
    );
    assert!(
        shown
            .html
            .contains(&format!(r#"<code id="new-token">{secret}</code>"#)),
        "{}",
        shown.html
    );
    assert_eq!(shown.flash(), Some("已创建令牌「收银同步」"));
    let cleared = shown.cookie_line(NEW_TOKEN).expect("the cookie is cleared");
    assert!(
        cleared.starts_with(&format!("{NEW_TOKEN}=;"))
            && cleared.contains("Max-Age=0")
            && cleared.contains("Path=/account/tokens"),
        "{cleared}"
    );
    assert!(
        shown
            .cookie_line(FLASH)
            .is_some_and(|l| l.contains("Max-Age=0")),
        "the message is shown once too"
    );

    // Reloading (the browser has dropped the cookies) shows no secret and creates nothing.
    for _ in 0..2 {
        let again = get(&app, "/account/tokens", &cookie).await;
        assert_eq!(again.status, 200);
        assert!(!again.html.contains(&secret) && !again.html.contains(r#"id="new-token""#));
        assert_eq!(again.flash(), None);
    }
    let api = app.login(SH001_MANAGER).await;
    let made_here = app
        .list_all(&api, "/api/v1/tokens")
        .await
        .iter()
        .filter(|t| t["name"] == "收银同步")
        .count();
    assert_eq!(made_here, 1, "one token, however often the page is loaded");
    assert_eq!(app.me(&secret).await["staff"]["email"], SH001_MANAGER);
    // The secret is stored nowhere: only its hash.
    assert!(
        !app.stored_strings("SELECT token_hash FROM api_tokens")
            .await
            .contains(&secret)
    );
    // A cookie that is not a token is not shown.
    let forged = fetch(
        &app,
        Method::GET,
        "/account/tokens",
        None,
        None,
        &[(
            COOKIE.as_str(),
            &format!("{SESSION}={cookie}; {NEW_TOKEN}=<b>hi</b>"),
        )],
    )
    .await;
    assert_eq!(forged.status, 200);
    assert!(!forged.html.contains(r#"id="new-token""#));
}

/// After a change the browser is redirected to a page that says, once, what was done to
/// which object, in the language of the page the change was made from.
async fn after_a_change_the_page_says_what_was_done_to_which_object(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let path = format!("/stores/{}", demo.store("SH-001"));
    let csrf = get(&app, &path, &cookie).await.csrf();
    let closed = post(
        &app,
        &path,
        &cookie,
        &[("_csrf", &csrf), ("active", "false")],
    )
    .await;
    assert_eq!(closed.status, 303);
    assert_eq!(closed.location.as_deref(), Some(path.as_str()));
    let line = closed
        .cookie_line(FLASH)
        .expect("the message crosses the redirect in a cookie");
    assert!(
        line.contains("HttpOnly")
            && line.contains("SameSite=Strict")
            && line.contains("Max-Age=60"),
        "{line}"
    );
    let page = follow(&app, &closed, &cookie).await;
    assert_eq!(page.flash(), Some("已停用门店 上海南京西路店（SH-001）"));
    assert!(
        page.cookie_line(FLASH)
            .is_some_and(|l| l.contains("Max-Age=0")),
        "shown once"
    );
    assert_eq!(get(&app, &path, &cookie).await.flash(), None);

    let reopened = fetch(
        &app,
        Method::POST,
        &path,
        Some(&cookie),
        Some(&[("_csrf", &csrf), ("active", "true")]),
        &[(ACCEPT_LANGUAGE.as_str(), "en")],
    )
    .await;
    assert_eq!(
        follow(&app, &reopened, &cookie).await.flash(),
        Some("Store 上海南京西路店 (SH-001) reopened")
    );

    // guide13 runs no community and serves no customer: deactivating needs no handover.
    let member = format!("/staff/{}", demo.staff("guide13@demo.shequn.test"));
    let reset = post(
        &app,
        &format!("{member}/password"),
        &cookie,
        &[("_csrf", &csrf), ("new_password", "a-fresh-password-2026")],
    )
    .await;
    assert_eq!(
        follow(&app, &reset, &cookie).await.flash(),
        Some("已重置 胡佳（guide13@demo.shequn.test）的密码，其会话与令牌已失效")
    );
    let off = post(
        &app,
        &member,
        &cookie,
        &[("_csrf", &csrf), ("active", "false")],
    )
    .await;
    assert_eq!(
        follow(&app, &off, &cookie).await.flash(),
        Some("已停用员工 胡佳（guide13@demo.shequn.test）")
    );

    let created = post(
        &app,
        "/regions",
        &cookie,
        &[("_csrf", &csrf), ("name", "西北大区")],
    )
    .await;
    assert_eq!(created.status, 303);
    let list = follow(&app, &created, &cookie).await;
    assert_eq!(list.flash(), Some("已新增大区「西北大区」"));
    let region = app
        .list_all(&demo.admin, "/api/v1/regions")
        .await
        .iter()
        .find(|r| r["name"] == "西北大区")
        .map(id)
        .expect("the new region");
    let off = post(
        &app,
        &format!("/regions/{region}"),
        &cookie,
        &[("_csrf", &csrf), ("active", "false")],
    )
    .await;
    assert_eq!(
        follow(&app, &off, &cookie).await.flash(),
        Some("已停用大区「西北大区」")
    );

    // A message is text, never markup, whatever the cookie holds.
    let forged = fetch(
        &app,
        Method::GET,
        "/",
        None,
        None,
        &[(
            COOKIE.as_str(),
            &format!("{SESSION}={cookie}; {FLASH}=%3Cb%3Ehi%3C%2Fb%3E"),
        )],
    )
    .await;
    assert!(forged.flash().is_some_and(|f| f.contains("hi")));
    assert!(!forged.html.contains("<b>hi</b>"));
}

/// A refused value is marked on its own input (`aria-invalid`, the red border) with the
/// message under it in the page's language, and the form keeps what was typed.
async fn a_refused_field_is_marked_and_explained_beside_it(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let csrf = get(&app, "/stores", &cookie).await.csrf();
    let region = demo.region(EAST).to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("region_id", region.as_str()),
        ("code", "SH-001"),
        ("name", "重复编码店"),
        ("address", ""),
    ];
    let zh = post(&app, "/stores", &cookie, &form).await;
    assert_eq!(zh.status, 422);
    assert!(
        zh.html.contains(r#"<label class="field invalid">"#)
            && zh.html.contains(r#"name="code" value="SH-001""#)
            && zh
                .html
                .contains(r#"aria-invalid="true" aria-describedby="code-error""#)
            && zh.html.contains(
                r#"<small class="field-error" id="code-error">已有编码相同的门店，请换一个</small>"#
            ),
        "{}",
        zh.html
    );
    assert!(
        !zh.html
            .contains(r#"name="name" value="重复编码店" maxlength=100 required aria-invalid"#),
        "only the input at fault is marked"
    );
    let en = fetch(
        &app,
        Method::POST,
        "/stores",
        Some(&cookie),
        Some(&form),
        &[(ACCEPT_LANGUAGE.as_str(), "en")],
    )
    .await;
    assert!(
        en.html
            .contains("Another store already has this code; choose another"),
        "{}",
        en.html
    );
    // On an edit form too: the store page keeps the typed name and marks it.
    let store = format!("/stores/{}", demo.store("HZ-001"));
    let edit = post(
        &app,
        &store,
        &cookie,
        &[
            ("_csrf", csrf.as_str()),
            ("code", "SH-001"),
            ("name", "改名店"),
            ("address", ""),
        ],
    )
    .await;
    assert_eq!(edit.status, 422);
    assert!(
        edit.html.contains(r#"id="code-error""#) && edit.html.contains(r#"value="改名店""#),
        "{}",
        edit.html
    );
}

/// A list longer than a page links to the next page, and from there back (the cursors of
/// the pages before travel in the address).
async fn lists_page_forwards_and_back(app: TestApp) {
    let cookie = session_of(&app, ADMIN).await;
    let first = get(&app, "/staff", &cookie).await; // 56 demo staff, 50 a page
    assert_eq!(first.link("page-prev"), None);
    let next = first.link("page-next").expect("a next page");
    assert!(next.starts_with("/staff?cursor="), "{next}");
    let second = get(&app, &next, &cookie).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.link("page-prev").as_deref(), Some("/staff"));
    assert_eq!(second.link("page-next"), None);
    assert!(
        !first.html.contains("history.back"),
        "a real link, not the browser's history"
    );
    // Both pages say how many there are in all.
    for page in [&first, &second] {
        assert!(
            page.html
                .contains(r#"<span class="muted" id="list-total">共 56 条</span>"#),
            "{}",
            page.html
        );
    }
}
