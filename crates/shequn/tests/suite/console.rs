//! The web console's security contract over real HTTP: session cookies (flags, rotation at
//! login, server-side end at logout, password change and idleness), CSRF tokens and the
//! same-origin check on forms, brand isolation of pages, and the language choice.

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
);

const SESSION: &str = "shequn_session";

struct Page {
    status: u16,
    location: Option<String>,
    set_cookie: Vec<String>,
    html: String,
}

impl Page {
    /// The value this response sets for the session cookie, if any.
    fn session(&self) -> Option<String> {
        self.set_cookie.iter().find_map(|c| {
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            pair.strip_prefix(&format!("{SESSION}=")).map(str::to_owned)
        })
    }

    /// The CSRF token of the first form on the page.
    fn csrf(&self) -> String {
        let at = self
            .html
            .find(r#"name="_csrf" value=""#)
            .expect("a form with a CSRF token");
        let rest = &self.html[at + r#"name="_csrf" value=""#.len()..];
        rest[..rest.find('"').expect("end of the token")].to_owned()
    }
}

async fn fetch(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    form: Option<&[(&str, &str)]>,
    extra: &[(&str, &str)],
) -> Page {
    let mut rb = app.client.request(method, app.url(path));
    if let Some(c) = cookie {
        rb = rb.header(COOKIE, format!("{SESSION}={c}"));
    }
    for (k, v) in extra {
        rb = rb.header(*k, *v);
    }
    if let Some(f) = form {
        rb = rb.form(f);
    }
    let res = rb.send().await.expect("the server answers");
    Page {
        status: res.status().as_u16(),
        location: res
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        set_cookie: res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect(),
        html: res.text().await.unwrap_or_default(),
    }
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> Page {
    fetch(app, Method::GET, path, Some(cookie), None, &[]).await
}

async fn post(app: &TestApp, path: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
    fetch(app, Method::POST, path, Some(cookie), Some(form), &[]).await
}

async fn sign_in(app: &TestApp, email: &str, previous: Option<&str>) -> Page {
    let form = [
        ("email", email),
        ("password", DEMO_PASSWORD),
        ("next", "/stores"),
    ];
    fetch(app, Method::POST, "/login", previous, Some(&form), &[]).await
}

async fn session_of(app: &TestApp, email: &str) -> String {
    let p = sign_in(app, email, None).await;
    assert_eq!(p.status, 303, "sign-in redirects: {}", p.html);
    p.session().expect("a session cookie")
}

/// Whether the cookie still opens the console (rather than sending us to the login page).
async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    let p = get(app, "/", cookie).await;
    match p.status {
        200 => true,
        303 => {
            assert!(
                p.location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("/login"))
            );
            false
        }
        s => panic!("GET / answered {s}"),
    }
}

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
    assert!((400..500).contains(&missing.status));
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
    assert_eq!(ok.location.as_deref(), Some("/regions?done=created"));
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
    assert_eq!(changed.location.as_deref(), Some("/account?done=password"));
    let fresh = changed
        .session()
        .expect("this browser gets a fresh session");
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
    assert_eq!(made.status, 201, "{}", made.html);
    let at = made.html.find("shq_").expect("the new token is shown");
    let secret = format!("shq_{}", &made.html[at + 4..at + 4 + 64]);
    assert_eq!(secret.len(), 68);
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
        refused.html.contains("家营业中的门店，请先停用或移走"),
        "the reason is shown in Chinese: {}",
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
    assert!(home.html.contains("recent-events") && home.html.contains("store.updated"));
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
