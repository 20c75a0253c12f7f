//! The error contract: bad input of every kind, on every route family, is a 4xx
//! problem+json naming the field at fault (never a 500), and writes nothing.

use reqwest::Method;
use serde_json::{Value, json};
use shequn::http::extract::MAX_BODY_BYTES;

use crate::both_engines;
use crate::common::*;

both_engines!(
    bad_bodies_on_every_write_route_are_4xx_problems_and_write_nothing,
    bad_ids_in_paths_are_400_invalid_id,
    bad_paging_parameters_are_422_naming_the_parameter,
    unknown_routes_and_wrong_methods_answer_in_problem_json,
    domain_rules_are_422_or_409_naming_the_field_and_write_nothing,
);

/// A route that takes a JSON body, and bodies that are wrong in each way.
struct WriteRoute {
    method: Method,
    path: String,
    /// A body the route accepts (sent only in ways that must be refused before it is read).
    valid: Value,
    /// A body with a value of the wrong type, and the field it is in.
    wrong_type: (Value, &'static str),
    /// A body with a field the route does not know, and that field.
    unknown_field: (Value, &'static str),
    /// A body without a required field, and that field (None: every field is optional).
    missing: Option<(Value, &'static str)>,
}

fn write_routes(demo: &Demo) -> Vec<WriteRoute> {
    let east = demo.region(EAST);
    let sh001 = demo.store("SH-001");
    let new_store = json!({ "region_id": east, "code": "SH-900", "name": "上海新店" });
    let new_staff = json!({
        "email": "new.hire@demo.shequn.test", "display_name": "新人", "role": "shop_guide",
        "store_id": sh001, "password": "first-password-1",
    });
    let with = |base: &Value, key: &str, value: Value| {
        let mut v = base.clone();
        v[key] = value;
        v
    };
    let without = |base: &Value, key: &str| {
        let mut v = base.clone();
        v.as_object_mut().expect("an object").remove(key);
        v
    };
    let guide02 = demo.staff(GUIDE02);
    let sales = demo.community("上海南京西路店福利群");
    let rule =
        json!({ "name": "头像", "conditions": [{ "kind": "avatar_flagged" }], "action": "flag" });
    let segment = json!({ "name": "弱意向", "filter": { "tier": "weak" } });
    let link = json!({ "channel": "offline_store", "label": "收银台" });
    let join = json!({ "code": "zzzzzzzzzz", "customer_id": demo.customer("SH-001老顾客") });
    let wecom = json!({ "corp_id": "ww1", "token": "abc", "encoding_aes_key": "A".repeat(43) });
    let days = json!({ "new_days": 7, "active_days": 14, "churned_days": 60 });
    let wechat = json!({ "mchid": "1900000001", "appid": "wx0000000000000001", "serial": "ABC",
        "private_key": "-----BEGIN PRIVATE KEY-----", "apiv3_key": "0".repeat(32), "platform_certs": [] });
    let reject = json!({ "note": "已超过售后期" });
    let ask = json!({ "amount": 100, "reason": "少发一件", "line_no": 0 });
    vec![
        WriteRoute {
            method: Method::POST,
            path: format!("/api/v1/staff/{guide02}/password"),
            valid: json!({ "new_password": "never-applied-2026" }),
            wrong_type: (json!({ "new_password": 12345678901_i64 }), "new_password"),
            unknown_field: (
                json!({ "new_password": "never-applied-2026", "confirm": "x" }),
                "confirm",
            ),
            missing: Some((json!({}), "new_password")),
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/regions".into(),
            valid: json!({ "name": "华西大区" }),
            wrong_type: (json!({ "name": 5 }), "name"),
            unknown_field: (json!({ "name": "华西大区", "bogus": 1 }), "bogus"),
            missing: Some((json!({}), "name")),
        },
        WriteRoute {
            method: Method::PATCH,
            path: format!("/api/v1/regions/{east}"),
            valid: json!({ "name": "华东新区" }),
            wrong_type: (json!({ "active": "no" }), "active"),
            unknown_field: (json!({ "bogus": true }), "bogus"),
            missing: None,
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/stores".into(),
            valid: new_store.clone(),
            wrong_type: (with(&new_store, "region_id", json!("华东")), "region_id"),
            unknown_field: (with(&new_store, "manager", json!("me")), "manager"),
            missing: Some((without(&new_store, "code"), "code")),
        },
        WriteRoute {
            method: Method::PATCH,
            path: format!("/api/v1/stores/{sh001}"),
            valid: json!({ "name": "改名店" }),
            wrong_type: (json!({ "address": 12 }), "address"),
            unknown_field: (json!({ "bogus": null }), "bogus"),
            missing: None,
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/staff".into(),
            valid: new_staff.clone(),
            wrong_type: (with(&new_staff, "store_id", json!("SH-001")), "store_id"),
            unknown_field: (with(&new_staff, "is_admin", json!(true)), "is_admin"),
            missing: Some((without(&new_staff, "password"), "password")),
        },
        WriteRoute {
            method: Method::PATCH,
            path: format!("/api/v1/staff/{}", demo.staff(GUIDE01)),
            valid: json!({ "display_name": "改名" }),
            wrong_type: (json!({ "active": "false" }), "active"),
            // The email is the login; it cannot be patched.
            unknown_field: (json!({ "email": "x@demo.shequn.test" }), "email"),
            missing: None,
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/tokens".into(),
            valid: json!({ "name": "ci" }),
            wrong_type: (
                json!({ "name": "ci", "expires_in_days": "30" }),
                "expires_in_days",
            ),
            unknown_field: (json!({ "name": "ci", "scopes": [] }), "scopes"),
            missing: Some((json!({ "expires_in_days": 30 }), "name")),
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/auth/login".into(),
            valid: json!({ "email": ADMIN, "password": DEMO_PASSWORD }),
            wrong_type: (
                json!({ "email": [ADMIN], "password": DEMO_PASSWORD }),
                "email",
            ),
            unknown_field: (
                json!({ "email": ADMIN, "password": DEMO_PASSWORD, "remember": true }),
                "remember",
            ),
            missing: Some((json!({ "email": ADMIN }), "password")),
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/me/password".into(),
            valid: json!({ "current_password": DEMO_PASSWORD, "new_password": "never-applied-2026" }),
            wrong_type: (
                json!({ "current_password": 1, "new_password": "never-applied-2026" }),
                "current_password",
            ),
            unknown_field: (
                json!({ "current_password": DEMO_PASSWORD, "new_password": "never-applied-2026", "confirm": "x" }),
                "confirm",
            ),
            missing: Some((json!({ "current_password": DEMO_PASSWORD }), "new_password")),
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/screening-rules".into(),
            valid: rule.clone(),
            wrong_type: (with(&rule, "name", json!(5)), "name"),
            unknown_field: (with(&rule, "enabled", json!(true)), "enabled"),
            missing: Some((without(&rule, "action"), "action")),
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/segments".into(),
            valid: segment.clone(),
            wrong_type: (with(&segment, "filter", json!("weak")), "filter"),
            unknown_field: (with(&segment, "count", json!(1)), "count"),
            missing: Some((without(&segment, "filter"), "filter")),
        },
        WriteRoute {
            method: Method::POST,
            path: format!("/api/v1/communities/{sales}/join-links"),
            valid: link.clone(),
            wrong_type: (with(&link, "label", json!(3)), "label"),
            unknown_field: (with(&link, "code", json!("abcdefghij")), "code"),
            missing: Some((without(&link, "label"), "label")),
        },
        WriteRoute {
            method: Method::POST,
            path: "/api/v1/joins".into(),
            valid: join.clone(),
            wrong_type: (with(&join, "customer_id", json!("1")), "customer_id"),
            unknown_field: (with(&join, "source", json!("staff")), "source"),
            missing: Some((without(&join, "code"), "code")),
        },
        WriteRoute {
            method: Method::PUT,
            path: "/api/v1/wecom".into(),
            valid: wecom.clone(),
            wrong_type: (with(&wecom, "token", json!(1)), "token"),
            unknown_field: (with(&wecom, "agent_id", json!("1")), "agent_id"),
            missing: Some((without(&wecom, "encoding_aes_key"), "encoding_aes_key")),
        },
        WriteRoute {
            method: Method::PUT,
            path: "/api/v1/lifecycle-thresholds".into(),
            valid: days.clone(),
            wrong_type: (with(&days, "new_days", json!("7")), "new_days"),
            unknown_field: (with(&days, "dormant_days", json!(30)), "dormant_days"),
            missing: Some((without(&days, "churned_days"), "churned_days")),
        },
        WriteRoute {
            method: Method::PUT,
            path: "/api/v1/payment-settings/wechat".into(),
            valid: wechat.clone(),
            wrong_type: (with(&wechat, "mchid", json!(1900000001)), "mchid"),
            unknown_field: (with(&wechat, "secret", json!("x")), "secret"),
            missing: Some((without(&wechat, "apiv3_key"), "apiv3_key")),
        },
        WriteRoute {
            method: Method::POST,
            path: format!("/api/v1/refund-requests/{NO_SUCH_ID}/reject"),
            valid: reject.clone(),
            wrong_type: (with(&reject, "note", json!(1)), "note"),
            unknown_field: (with(&reject, "status", json!("rejected")), "status"),
            missing: Some((json!({}), "note")),
        },
        WriteRoute {
            method: Method::POST,
            path: format!("/api/v1/orders/{NO_SUCH_ID}/refund-requests"),
            valid: ask.clone(),
            wrong_type: (with(&ask, "amount", json!("1.00")), "amount"),
            unknown_field: (with(&ask, "refund_no", json!("x")), "refund_no"),
            missing: Some((without(&ask, "reason"), "reason")),
        },
        WriteRoute {
            method: Method::PUT,
            path: "/api/v1/welcome-texts/weak".into(),
            valid: json!({ "body": "欢迎" }),
            wrong_type: (json!({ "body": 1 }), "body"),
            unknown_field: (json!({ "body": "欢迎", "tier": "weak" }), "tier"),
            missing: Some((json!({}), "body")),
        },
    ]
}

async fn bad_bodies_on_every_write_route_are_4xx_problems_and_write_nothing(app: TestApp) {
    let demo = app.demo().await;
    let token = demo.admin.as_str();
    let oversize = format!(r#"{{"name":"{}"}}"#, "x".repeat(MAX_BODY_BYTES + 1024));
    for r in write_routes(&demo) {
        let before = app.brand_state(token).await;
        let (m, p) = (r.method.clone(), r.path.as_str());

        for malformed in [r#"{"name": "#, "{name: 1}", "not json", ""] {
            app.send_raw(m.clone(), p, token, Some("application/json"), malformed)
                .await
                .assert_problem(400, "malformed_json");
        }
        let (body, field) = &r.wrong_type;
        app.call(m.clone(), p, token, Some(body))
            .await
            .assert_problem(422, "validation_failed")
            .assert_field(field);
        let (body, field) = &r.unknown_field;
        app.call(m.clone(), p, token, Some(body))
            .await
            .assert_problem(422, "validation_failed")
            .assert_field(field);
        if let Some((body, field)) = &r.missing {
            app.call(m.clone(), p, token, Some(body))
                .await
                .assert_problem(422, "validation_failed")
                .assert_field(field);
        }
        // The body is judged by its Content-Type before it is read.
        let valid = r.valid.to_string();
        app.send_raw(m.clone(), p, token, None, valid.clone())
            .await
            .assert_problem(415, "unsupported_media_type");
        app.send_raw(m.clone(), p, token, Some("text/plain"), valid)
            .await
            .assert_problem(415, "unsupported_media_type");
        app.send_raw(
            m.clone(),
            p,
            token,
            Some("application/json"),
            oversize.clone(),
        )
        .await
        .assert_problem(413, "payload_too_large");

        assert_eq!(
            app.brand_state(token).await,
            before,
            "{m} {p}: refused requests wrote something"
        );
    }
    // The password was never changed by any of the refused password changes.
    app.try_login(ADMIN, DEMO_PASSWORD).await.assert_status(200);
}

async fn bad_ids_in_paths_are_400_invalid_id(app: TestApp) {
    let demo = app.demo().await;
    let token = demo.admin.as_str();
    let before = app.brand_state(token).await;
    let routes = [
        (Method::GET, "/api/v1/regions", "region_id"),
        (Method::PATCH, "/api/v1/regions", "region_id"),
        (Method::GET, "/api/v1/stores", "store_id"),
        (Method::PATCH, "/api/v1/stores", "store_id"),
        (Method::GET, "/api/v1/staff", "staff_id"),
        (Method::PATCH, "/api/v1/staff", "staff_id"),
        (Method::DELETE, "/api/v1/tokens", "token_id"),
        (Method::GET, "/api/v1/screening-rules", "rule_id"),
        (Method::GET, "/api/v1/segments", "segment_id"),
        (Method::GET, "/api/v1/join-links", "link_id"),
        (Method::GET, "/api/v1/customers", "customer_id"),
        (Method::GET, "/api/v1/communities", "community_id"),
        (Method::GET, "/api/v1/refund-requests", "request_id"),
        (Method::GET, "/api/v1/orders", "order_id"),
    ];
    // PATCH bodies are valid: only the id is wrong.
    let body = |m: &Method| (*m == Method::PATCH).then(|| json!({}));
    for (m, collection, field) in &routes {
        for raw in ["abc", "0", "-1", "1.5", "1e3", "99999999999999999999"] {
            app.call(
                m.clone(),
                &format!("{collection}/{raw}"),
                token,
                body(m).as_ref(),
            )
            .await
            .assert_problem(400, "invalid_id")
            .assert_field(field);
        }
        app.call(
            m.clone(),
            &format!("{collection}/{NO_SUCH_ID}"),
            token,
            body(m).as_ref(),
        )
        .await
        .assert_problem(404, "not_found");
    }
    // Ids in query filters are held to the same rule.
    app.get(token, "/api/v1/stores?region_id=east")
        .await
        .assert_problem(400, "invalid_id")
        .assert_field("region_id");
    app.get(token, "/api/v1/staff?store_id=0")
        .await
        .assert_problem(400, "invalid_id")
        .assert_field("store_id");
    assert_eq!(app.brand_state(token).await, before);
}

async fn bad_paging_parameters_are_422_naming_the_parameter(app: TestApp) {
    let token = app.login(ADMIN).await;
    let demo = app.demo().await;
    let sales = format!(
        "/api/v1/communities/{}/members",
        demo.community("上海南京西路店福利群")
    );
    for list in [
        "/api/v1/regions",
        "/api/v1/stores",
        "/api/v1/staff",
        "/api/v1/tokens",
        "/api/v1/customers",
        "/api/v1/communities",
        sales.as_str(),
    ] {
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=-1", "limit"),
            ("limit=201", "limit"),
            ("limit=1000", "limit"),
            ("limit=ten", "limit"),
            ("cursor=garbage", "cursor"),
            ("cursor=c-1", "cursor"),
            ("cursor=42", "cursor"),
        ] {
            app.get(&token, &format!("{list}?{query}"))
                .await
                .assert_problem(422, "validation_failed")
                .assert_field(field);
        }
        let one = app
            .get(&token, &format!("{list}?limit=1"))
            .await
            .expect(200);
        assert_eq!(
            one["items"].as_array().map(Vec::len),
            Some(1),
            "{list}?limit=1: {one}"
        );
        app.get(&token, &format!("{list}?limit=200"))
            .await
            .assert_status(200);
    }
    // Lists that start empty in the demo refuse bad paging the same way.
    for list in [
        "/api/v1/screening-decisions",
        "/api/v1/removal-tasks",
        "/api/v1/audit-events",
    ] {
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=ten", "limit"),
            ("cursor=c-1", "cursor"),
        ] {
            app.get(&token, &format!("{list}?{query}"))
                .await
                .assert_problem(422, "validation_failed")
                .assert_field(field);
        }
    }
}

async fn unknown_routes_and_wrong_methods_answer_in_problem_json(app: TestApp) {
    let demo = app.demo().await;
    let token = demo.admin.as_str();
    for path in [
        "/api/v1/nope",
        "/api/v2/regions",
        "/api/v1/regions/1/stores",
        "/api",
    ] {
        app.get(token, path).await.assert_problem(404, "not_found");
        app.get_anon(path).await.assert_problem(404, "not_found");
    }
    let sh001 = demo.store("SH-001");
    for (method, path) in [
        (Method::DELETE, "/api/v1/regions".to_owned()),
        (Method::PUT, format!("/api/v1/stores/{sh001}")),
        (Method::DELETE, format!("/api/v1/stores/{sh001}")),
        (Method::GET, "/api/v1/auth/login".to_owned()),
        (Method::DELETE, "/api/v1/me".to_owned()),
        (Method::POST, "/api/v1/tokens/1".to_owned()),
    ] {
        app.call(method, &path, token, None)
            .await
            .assert_problem(405, "method_not_allowed");
    }
    let r = app
        .call(Method::DELETE, "/api/v1/regions", token, None)
        .await;
    let allow = r.header("allow").unwrap_or_default();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "405 names the allowed methods: {allow:?}"
    );
}

async fn domain_rules_are_422_or_409_naming_the_field_and_write_nothing(app: TestApp) {
    let demo = app.demo().await;
    let token = demo.admin.as_str();
    let (east, sh001) = (demo.region(EAST), demo.store("SH-001"));
    let store = |code: &str| json!({ "region_id": east, "code": code, "name": "新店" });
    let guide = |email: &str, password: &str| json!({ "email": email, "display_name": "新人", "role": "shop_guide", "store_id": sh001, "password": password });
    let before = app.brand_state(token).await;
    // (method, path, body, status, code, field)
    let cases: Vec<(Method, String, Value, u16, &str, &str)> = vec![
        (
            Method::POST,
            "/api/v1/regions".into(),
            json!({ "name": "   " }),
            422,
            "validation_failed",
            "name",
        ),
        (
            Method::POST,
            "/api/v1/regions".into(),
            json!({ "name": "区".repeat(101) }),
            422,
            "validation_failed",
            "name",
        ),
        (
            Method::POST,
            "/api/v1/regions".into(),
            json!({ "name": EAST }),
            409,
            "taken",
            "name",
        ),
        (
            Method::PATCH,
            format!("/api/v1/regions/{east}"),
            json!({ "name": SOUTH }),
            409,
            "taken",
            "name",
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            store("SH 002"),
            422,
            "validation_failed",
            "code",
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            store(""),
            422,
            "validation_failed",
            "code",
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            json!({ "region_id": east, "code": "SH-002", "name": "" }),
            422,
            "validation_failed",
            "name",
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            json!({ "region_id": east, "code": "SH-002", "name": "新店", "address": "路".repeat(201) }),
            422,
            "validation_failed",
            "address",
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            store("sh-001"),
            409,
            "taken",
            "code",
        ),
        (
            Method::PATCH,
            format!("/api/v1/stores/{sh001}"),
            json!({ "code": "HZ-001" }),
            409,
            "taken",
            "code",
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            guide("not-an-email", "long-enough-1"),
            422,
            "validation_failed",
            "email",
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            guide("short.pw@demo.shequn.test", "short"),
            422,
            "validation_failed",
            "password",
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            json!({ "email": "role@demo.shequn.test", "display_name": "x", "role": "owner", "password": "long-enough-1" }),
            422,
            "validation_failed",
            "role",
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            json!({ "email": "nostore@demo.shequn.test", "display_name": "x", "role": "shop_guide", "password": "long-enough-1" }),
            422,
            "validation_failed",
            "store_id",
        ),
        (
            Method::POST,
            "/api/v1/staff".into(),
            guide("GUIDE01@Demo.shequn.test", "long-enough-1"),
            409,
            "taken",
            "email",
        ),
        (
            Method::POST,
            "/api/v1/tokens".into(),
            json!({ "name": "ci", "expires_in_days": 0 }),
            422,
            "validation_failed",
            "expires_in_days",
        ),
        (
            Method::POST,
            "/api/v1/tokens".into(),
            json!({ "name": "ci", "expires_in_days": 366 }),
            422,
            "validation_failed",
            "expires_in_days",
        ),
        (
            Method::POST,
            "/api/v1/tokens".into(),
            json!({ "name": "" }),
            422,
            "validation_failed",
            "name",
        ),
        (
            Method::POST,
            "/api/v1/me/password".into(),
            json!({ "current_password": DEMO_PASSWORD, "new_password": "short" }),
            422,
            "validation_failed",
            "new_password",
        ),
    ];
    for (method, path, body, status, code, field) in &cases {
        app.call(method.clone(), path, token, Some(body))
            .await
            .assert_problem(*status, code)
            .assert_field(field);
    }
    assert_eq!(
        app.brand_state(token).await,
        before,
        "refused requests wrote something"
    );
}
