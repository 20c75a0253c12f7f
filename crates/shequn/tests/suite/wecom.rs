//! WeCom callbacks against messages encrypted here with WeCom's scheme: URL verification,
//! group joins and leaves, contacts attributed by a channel QR's `State`, retries applied
//! once, and refused messages (bad signature, wrong receiver) that change nothing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};
use shequn_app::wecom::WecomCrypto;

use crate::both_engines;
use crate::common::*;

both_engines!(
    url_verification_and_settings_that_never_show_their_secrets,
    group_events_become_joins_and_leaves_once_each,
    refused_callbacks_change_nothing,
    a_contact_added_through_a_channel_qr_is_attributed_to_its_link,
);

const CORP: &str = "ww5823bf96d3bd56c7";
const TOKEN: &str = "QDG6eK";
const CHAT: &str = "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA";
const SALES: &str = "上海南京西路店福利群";
const CALLBACK: &str = "/wecom/demo/callback";

fn key() -> String {
    STANDARD.encode([7u8; 32]).trim_end_matches('=').to_owned()
}

fn crypto() -> WecomCrypto {
    WecomCrypto::new(TOKEN, &key(), CORP).expect("a valid test key")
}

async fn configure(app: &TestApp) -> String {
    let admin = app.login(ADMIN).await;
    app.call(
        Method::PUT,
        "/api/v1/wecom",
        &admin,
        Some(&json!({ "corp_id": CORP, "token": TOKEN, "encoding_aes_key": key() })),
    )
    .await
    .expect(200);
    admin
}

/// POSTs `xml` sealed by `with` as WeCom would (nonce and timestamp vary per message).
async fn deliver(app: &TestApp, with: &WecomCrypto, xml: &str, nonce: &str) -> Reply {
    let (body, sig) = with.seal(xml, "1732700000", nonce, [3u8; 16]);
    post_sealed(app, &body, &sig, nonce).await
}

async fn post_sealed(app: &TestApp, body: &str, sig: &str, nonce: &str) -> Reply {
    let rb = app
        .request(Method::POST, CALLBACK, None)
        .query(&[
            ("msg_signature", sig),
            ("timestamp", "1732700000"),
            ("nonce", nonce),
        ])
        .header("content-type", "text/xml")
        .body(body.to_owned());
    app.send(rb).await
}

fn members_changed(detail: &str, scene_tag: &str, ids: &[&str]) -> String {
    let items: String = ids
        .iter()
        .map(|i| format!("<Item><![CDATA[{i}]]></Item>"))
        .collect();
    format!(
        "<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>\
         <CreateTime>1732700000</CreateTime><MsgType><![CDATA[event]]></MsgType>\
         <Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[{CHAT}]]></ChatId>\
         <ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[{detail}]]></UpdateDetail>\
         {scene_tag}<MemChangeCnt>{}</MemChangeCnt><MemChangeList>{items}</MemChangeList></xml>",
        ids.len()
    )
}

async fn link_sales(app: &TestApp, admin: &str, demo: &Demo) -> i64 {
    let sales = demo.community(SALES);
    app.patch(
        admin,
        &format!("/api/v1/communities/{sales}"),
        json!({ "chat_id": CHAT }),
    )
    .await
    .expect(200);
    sales
}

async fn member_count(app: &TestApp, admin: &str, community: i64) -> i64 {
    app.get(admin, &format!("/api/v1/communities/{community}/members"))
        .await
        .expect(200)["total"]
        .as_i64()
        .unwrap_or(0)
}

async fn url_verification_and_settings_that_never_show_their_secrets(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let before = app.get(&admin, "/api/v1/wecom").await.expect(200);
    assert_eq!(before["configured"], false);
    // Not configured: the callback does not exist.
    app.get_anon(CALLBACK).await.assert_status(404);
    let set = app
        .call(
            Method::PUT,
            "/api/v1/wecom",
            &admin,
            Some(&json!({ "corp_id": CORP, "token": TOKEN, "encoding_aes_key": key() })),
        )
        .await;
    set.assert_status(200);
    assert_eq!(set.body["callback_path"], CALLBACK);
    let shown = app.get(&admin, "/api/v1/wecom").await;
    for r in [&set, &shown] {
        assert!(
            !r.text.contains(&key()) && !r.text.contains(TOKEN),
            "{}",
            r.text
        );
    }
    app.call(
        Method::PUT,
        "/api/v1/wecom",
        &admin,
        Some(&json!({ "corp_id": CORP, "token": TOKEN, "encoding_aes_key": "short" })),
    )
    .await
    .assert_field("encoding_aes_key");
    let guide = app.login(GUIDE01).await;
    app.call(
        Method::PUT,
        "/api/v1/wecom",
        &guide,
        Some(&json!({ "corp_id": CORP, "token": TOKEN, "encoding_aes_key": key() })),
    )
    .await
    .assert_problem(403, "forbidden");

    // WeCom checks the URL with an encrypted echostr and expects its plaintext back.
    let c = crypto();
    let echo = c.encrypt("1616140317555161061", [9u8; 16]);
    let sig = c.signature("1732700000", "nonce1", &echo);
    let rb = app.request(Method::GET, CALLBACK, None).query(&[
        ("msg_signature", sig.as_str()),
        ("timestamp", "1732700000"),
        ("nonce", "nonce1"),
        ("echostr", echo.as_str()),
    ]);
    let r = app.send(rb).await;
    r.assert_status(200);
    assert_eq!(r.text, "1616140317555161061");
    let rb = app.request(Method::GET, CALLBACK, None).query(&[
        ("msg_signature", "0".repeat(40).as_str()),
        ("timestamp", "1732700000"),
        ("nonce", "nonce1"),
        ("echostr", echo.as_str()),
    ]);
    app.send(rb).await.assert_problem(400, "wecom_refused");
}

async fn group_events_become_joins_and_leaves_once_each(app: TestApp) {
    let demo = app.demo().await;
    let admin = configure(&app).await;
    let sales = link_sales(&app, &admin, &demo).await;
    let before = member_count(&app, &admin, sales).await;
    let c = crypto();
    let joined = members_changed(
        "add_member",
        "<JoinScene>3</JoinScene>",
        &["wmJoinerAAAA0001", "wmJoinerBBBB0002", "zhangsan"],
    );
    let r = deliver(&app, &c, &joined, "n-join").await;
    r.assert_status(200);
    assert_eq!(r.text, "success");
    assert_eq!(
        member_count(&app, &admin, sales).await,
        before + 2,
        "staff are not members"
    );
    // WeCom retries the same message: applied once.
    deliver(&app, &c, &joined, "n-join-retry")
        .await
        .assert_status(200);
    assert_eq!(member_count(&app, &admin, sales).await, before + 2);
    let found = app
        .get(&admin, "/api/v1/customers?q=企微客户0001")
        .await
        .expect(200);
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["external_id"], "wmJoinerAAAA0001");
    assert_eq!(
        found["items"][0]["channel"], "fission_poster",
        "scanned the group QR"
    );
    let members = app
        .get(
            &admin,
            &format!("/api/v1/communities/{sales}/members?q=企微客户"),
        )
        .await
        .expect(200);
    assert!(
        members["items"]
            .as_array()
            .expect("members")
            .iter()
            .all(|m| m["source"] == "platform")
    );

    let left = members_changed(
        "del_member",
        "<QuitScene>0</QuitScene>",
        &["wmJoinerAAAA0001"],
    );
    deliver(&app, &c, &left, "n-left").await.assert_status(200);
    assert_eq!(member_count(&app, &admin, sales).await, before + 1);
    // A group not linked to a community is acknowledged and changes nothing.
    let elsewhere = joined.replace(CHAT, "wrSomeOtherGroup");
    deliver(&app, &c, &elsewhere, "n-else")
        .await
        .assert_status(200);
    assert_eq!(member_count(&app, &admin, sales).await, before + 1);
    // Dismissing the group archives its community.
    let dismiss = format!(
        "<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><CreateTime>1732700100</CreateTime>\
         <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event>\
         <ChatId><![CDATA[{CHAT}]]></ChatId><ChangeType><![CDATA[dismiss]]></ChangeType></xml>"
    );
    deliver(&app, &c, &dismiss, "n-dismiss")
        .await
        .assert_status(200);
    let community = app
        .get(&admin, &format!("/api/v1/communities/{sales}"))
        .await
        .expect(200);
    assert_eq!(community["status"], "archived");
}

async fn refused_callbacks_change_nothing(app: TestApp) {
    let demo = app.demo().await;
    let admin = configure(&app).await;
    let sales = link_sales(&app, &admin, &demo).await;
    let before = app.brand_state(&admin).await;
    let xml = members_changed(
        "add_member",
        "<JoinScene>0</JoinScene>",
        &["wmIntruder0001"],
    );
    let c = crypto();
    // A wrong signature.
    let (body, _) = c.seal(&xml, "1732700000", "n1", [1u8; 16]);
    post_sealed(&app, &body, &"a".repeat(40), "n1")
        .await
        .assert_problem(400, "wecom_refused");
    // Sealed for another corp: the receiver id does not match.
    let other = WecomCrypto::new(TOKEN, &key(), "wwSomeoneElse").expect("a crypto");
    deliver(&app, &other, &xml, "n2")
        .await
        .assert_problem(400, "wecom_refused");
    // Another key altogether.
    let stranger_key = STANDARD.encode([8u8; 32]).trim_end_matches('=').to_owned();
    let stranger = WecomCrypto::new(TOKEN, &stranger_key, CORP).expect("a crypto");
    deliver(&app, &stranger, &xml, "n3")
        .await
        .assert_problem(400, "wecom_refused");
    // Not XML at all.
    post_sealed(&app, "not xml", &"b".repeat(40), "n4")
        .await
        .assert_problem(400, "wecom_refused");
    // A brand without settings, and one that does not exist.
    for path in ["/wecom/other/callback", "/wecom/no-such-brand/callback"] {
        let r = app
            .send(app.request(Method::POST, path, None).body("x"))
            .await;
        r.assert_status(404);
    }
    assert_eq!(app.brand_state(&admin).await, before);
    assert_eq!(member_count(&app, &admin, sales).await, 3);
}

async fn a_contact_added_through_a_channel_qr_is_attributed_to_its_link(app: TestApp) {
    let demo = app.demo().await;
    let admin = configure(&app).await;
    let guide = app.login(GUIDE01).await;
    let sales = demo.community(SALES);
    let inviter = demo.customer("SH-001老顾客");
    let link = app
        .post(
            &guide,
            &format!("/api/v1/communities/{sales}/join-links"),
            json!({ "channel": "new_media", "inviter_id": inviter, "label": "小红书笔记" }),
        )
        .await
        .expect(201);
    let code = link["code"].as_str().expect("a code");
    let added = format!(
        "<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>\
         <CreateTime>1732700200</CreateTime><MsgType><![CDATA[event]]></MsgType>\
         <Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>\
         <UserID><![CDATA[guide01]]></UserID><ExternalUserID><![CDATA[woContactQR9876]]></ExternalUserID>\
         <State><![CDATA[{code}]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>"
    );
    deliver(&app, &crypto(), &added, "n-contact")
        .await
        .assert_status(200);
    let found = app
        .get(&admin, "/api/v1/customers?q=企微客户9876")
        .await
        .expect(200);
    assert_eq!(found["total"], 1, "{found}");
    let c: &Value = &found["items"][0];
    assert_eq!(c["channel"], "new_media");
    assert_eq!(c["tier"], "intent");
    assert_eq!(c["invited_by"], inviter);
    assert_eq!(c["store_id"], demo.store("SH-001"));
    assert_eq!(c["guide_id"], demo.staff(GUIDE01));
    // The guide sees the new contact in their store.
    let mine = app
        .get(&guide, "/api/v1/customers?q=企微客户9876")
        .await
        .expect(200);
    assert_eq!(mine["total"], 1);
}
