//! The console's segments (人群分层) and brand settings over real HTTP: an admin creates a
//! segment in the form and the list counts it live, linking to its customers; a form
//! without a condition is refused beside the conditions; a shop guide reads the list
//! without forms; lifecycle days are checked beside their stage; the WeCom page never
//! shows the token or the key; the customer page shows the whole number once, logged, to
//! whom may see it, and makes the unsubscribe link on request.

use serde_json::Value;

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    an_admin_creates_a_segment_and_the_list_counts_it,
    a_segment_without_a_condition_is_refused_beside_the_conditions,
    a_shop_guide_reads_segments_without_forms,
    lifecycle_days_are_checked_beside_their_stage,
    the_wecom_page_never_shows_its_secrets,
    the_whole_number_is_shown_once_to_whom_may_see_it,
);

const SEGMENTS: &str = "/segments";
const API_SEGMENTS: &str = "/api/v1/segments";
const LIFECYCLE: &str = "/settings/lifecycle";
const API_LIFECYCLE: &str = "/api/v1/lifecycle-thresholds";
const WECOM: &str = "/settings/wecom";
const POSTER_SEGMENT: &str = "海报新客";
/// The demo's SH-001 regular (guide01's customer) and their phone.
const SH001_REGULAR: &str = "SH-001老顾客";
const SH001_REGULAR_PHONE: &str = "13800010001";
/// Another shop guide of SH-001: not the regular's guide.
const GUIDE13: &str = "guide13@demo.shequn.test";
const CORP: &str = "ww5823bf96d3bd56c7";
const TOKEN: &str = "S3cretT0kenXyz";
/// 32 bytes of 7, base64 without its padding: a valid EncodingAESKey.
const AES_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc";

/// The brand's segments as the API lists them to `token`.
async fn stored_segments(app: &TestApp, token: &str) -> Vec<Value> {
    app.get(token, API_SEGMENTS)
        .await
        .expect(200)
        .as_array()
        .expect("a list")
        .clone()
}

async fn segment_id(app: &TestApp, token: &str, name: &str) -> i64 {
    stored_segments(app, token)
        .await
        .iter()
        .find(|s| s["name"] == name)
        .map(id)
        .unwrap_or_else(|| panic!("no segment {name}"))
}

/// The new-segment form with one condition: a channel.
fn by_channel<'a>(csrf: &'a str, name: &'a str, channel: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("name", name),
        ("tier", ""),
        ("channel", channel),
        ("lifecycle", ""),
        ("tag", ""),
        ("store_id", ""),
    ]
}

async fn an_admin_creates_a_segment_and_the_list_counts_it(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, SEGMENTS, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"id="nav-segments" href="/segments" class="current""#),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"id="segment-form""#), "admins create");
    let poster = page.part(r#"<select id="segment-channel""#, "</select>");
    assert!(
        poster.contains(r#"<option value="" selected>不限</option>"#)
            && poster.contains(r#"<option value="fission_poster">裂变海报</option>"#),
        "{poster}"
    );

    let csrf = page.csrf();
    let made = post(
        &app,
        SEGMENTS,
        &cookie,
        &by_channel(&csrf, POSTER_SEGMENT, "fission_poster"),
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    assert_eq!(made.location.as_deref(), Some(SEGMENTS));
    let shown = follow(&app, &made, &cookie).await;
    assert_eq!(shown.flash(), Some("已新建人群分层「海报新客」"));
    assert_eq!(shown.total(), Some(1));

    let seg = segment_id(&app, &demo.admin, POSTER_SEGMENT).await;
    let row = shown.part(&format!(r#"<tr id="segment-{seg}">"#), "</tr>");
    assert!(
        row.contains(POSTER_SEGMENT) && row.contains("来源渠道：裂变海报"),
        "the conditions in words: {row}"
    );
    // One poster newcomer a store, twelve stores; the count lists them.
    let count = format!("segment-{seg}-count");
    let to = format!("/customers?segment={seg}");
    assert_eq!(shown.link(&count).as_deref(), Some(to.as_str()));
    assert!(
        row.contains(&format!(r#"href="{to}" title="查看这些顾客">12</a>"#)),
        "{row}"
    );
    let customers = get(&app, &to, &cookie).await;
    assert_eq!(customers.status, 200, "{}", customers.html);
    assert_eq!(customers.total(), Some(12));
    assert!(customers.html.contains(">SH-001海报新客</a>"));
    assert!(!customers.html.contains(">SH-001老顾客</a>"));

    // Deleting asks first and says the customers stay.
    let delete = shown.part(&format!(r#"action="/segments/{seg}/delete""#), "</form>");
    assert!(
        delete.contains(
            r#"data-confirm="确定删除人群分层「海报新客」吗？删除人群分层不会删除顾客。""#
        ),
        "{delete}"
    );
    let gone = post(
        &app,
        &format!("/segments/{seg}/delete"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(gone.status, 303, "{}", gone.html);
    let after = follow(&app, &gone, &cookie).await;
    assert_eq!(
        after.flash(),
        Some("已删除人群分层「海报新客」，顾客不受影响")
    );
    assert!(stored_segments(&app, &demo.admin).await.is_empty());
    assert_eq!(
        app.list_all(&demo.admin, "/api/v1/customers?channel=fission_poster")
            .await
            .len(),
        12,
        "the customers stay"
    );
}

async fn a_segment_without_a_condition_is_refused_beside_the_conditions(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, EAST_MANAGER).await;
    let page = get(&app, SEGMENTS, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let csrf = page.csrf();
    let before = stored_segments(&app, &demo.admin).await;

    let refused = post(&app, SEGMENTS, &cookie, &by_channel(&csrf, "空人群", "")).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.html.contains(r#"<details class="create" open>"#),
        "the form is open again"
    );
    let conditions = refused.part(r#"<fieldset id="segment-conditions""#, "</fieldset>");
    assert!(
        conditions.starts_with(
            r#"<fieldset id="segment-conditions" class="stack invalid" aria-invalid="true" aria-describedby="filter-error">"#
        ) && conditions
            .contains(r#"<small class="field-error" id="filter-error">请至少选择一个条件</small>"#),
        "{conditions}"
    );
    assert!(
        refused.html.contains(r#"value="空人群""#),
        "what was typed is kept"
    );
    assert!(!refused.html.contains(r#"id="form-error""#));
    assert_eq!(
        stored_segments(&app, &demo.admin).await,
        before,
        "nothing was written"
    );

    // A tag the domain refuses is said beside the tag.
    let mut bad_tag = by_channel(&csrf, "逗号", "");
    bad_tag.retain(|(k, _)| *k != "tag");
    bad_tag.push(("tag", "宝妈,学生"));
    let refused = post(&app, SEGMENTS, &cookie, &bad_tag).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.html.contains(r#"id="tag-error""#),
        "{}",
        refused.html
    );
    assert_eq!(stored_segments(&app, &demo.admin).await, before);
}

async fn a_shop_guide_reads_segments_without_forms(app: TestApp) {
    let demo = app.demo().await;
    let made = app
        .post(
            &demo.admin,
            API_SEGMENTS,
            serde_json::json!({ "name": POSTER_SEGMENT, "filter": { "channel": "fission_poster" } }),
        )
        .await
        .expect(201);
    let seg = id(&made);
    let cookie = session_of(&app, GUIDE01).await;
    let page = get(&app, SEGMENTS, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains(POSTER_SEGMENT));
    assert!(
        page.html
            .contains("只有店长、大区经理和品牌管理员可以新建和修改。"),
        "{}",
        page.html
    );
    for absent in [
        r#"id="segment-form""#.to_owned(),
        r#"id="segment-new""#.to_owned(),
        format!(r#"id="segment-{seg}-edit""#),
        format!(r#"id="segment-{seg}-delete""#),
    ] {
        assert!(!page.html.contains(&absent), "a guide sees no {absent}");
    }
    // Counted within the guide's store: its one poster newcomer.
    let count = page.part(&format!(r#"id="segment-{seg}-count""#), "</a>");
    assert!(count.ends_with(">1"), "{count}");

    let edit = get(&app, &format!("/segments/{seg}/edit"), &cookie).await;
    assert_eq!(edit.status, 403, "{}", edit.html);
    let csrf = page.csrf();
    let refused = post(
        &app,
        SEGMENTS,
        &cookie,
        &by_channel(&csrf, "导购的人群", "event"),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    let delete = post(
        &app,
        &format!("/segments/{seg}/delete"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(delete.status, 403, "{}", delete.html);
    assert_eq!(stored_segments(&app, &demo.admin).await.len(), 1);
}

async fn lifecycle_days_are_checked_beside_their_stage(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, LIFECYCLE, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"id="settings-wecom" href="/settings/wecom""#),
        "the settings pages link each other"
    );
    let before = app.get(&demo.admin, API_LIFECYCLE).await.expect(200);
    let churned = format!(r#"name="churned_days" value="{}""#, before["churned_days"]);
    assert!(page.html.contains(&churned), "{}", page.html);
    let csrf = page.csrf();

    // Churned no later than active: refused beside 流失, in Chinese.
    let refused = post(
        &app,
        LIFECYCLE,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("new_days", "7"),
            ("active_days", "30"),
            ("churned_days", "30"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let field = refused.part(r#"<label class="field invalid">流失（天）"#, "</label>");
    assert!(
        field.contains(
            r#"<small class="field-error" id="churned_days-error">需在 31 到 3650 之间</small>"#
        ) && field.contains(r#"value="30""#),
        "{field}"
    );
    assert!(!refused.html.contains(r#"id="form-error""#));
    assert_eq!(
        app.get(&demo.admin, API_LIFECYCLE).await.expect(200),
        before,
        "nothing changed"
    );

    let saved = post(
        &app,
        LIFECYCLE,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("new_days", "7"),
            ("active_days", "30"),
            ("churned_days", "90"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(saved.location.as_deref(), Some(LIFECYCLE));
    let shown = follow(&app, &saved, &cookie).await;
    assert_eq!(shown.flash(), Some("已保存顾客阶段的天数"));
    assert!(shown.html.contains(r#"name="churned_days" value="90""#));
    assert_eq!(
        app.get(&demo.admin, API_LIFECYCLE).await.expect(200)["churned_days"],
        90
    );

    // Others read the days and cannot change them.
    let guide = session_of(&app, GUIDE01).await;
    let read = get(&app, LIFECYCLE, &guide).await;
    assert_eq!(read.status, 200, "{}", read.html);
    assert!(read.html.contains("只有品牌管理员可以修改。"));
    assert!(!read.html.contains(r#"id="lifecycle-form""#));
    let refused = post(
        &app,
        LIFECYCLE,
        &guide,
        &[
            ("_csrf", &read.csrf()),
            ("new_days", "1"),
            ("active_days", "2"),
            ("churned_days", "3"),
        ],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert_eq!(
        app.get(&demo.admin, API_LIFECYCLE).await.expect(200)["churned_days"],
        90
    );
}

async fn the_wecom_page_never_shows_its_secrets(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, WECOM, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"<dd id="wecom-status"><span class="muted">未配置</span></dd>"#),
        "{}",
        page.html
    );
    let callback = format!("{}/wecom/demo/callback", app.base);
    assert!(
        page.html.contains(&format!(
            r#"<code id="wecom-callback-url" class="wrap-anywhere">{callback}</code>"#
        )),
        "{}",
        page.html
    );
    let csrf = page.csrf();

    // A key WeCom would not accept: said beside it; the secrets are not shown back.
    let refused = post(
        &app,
        WECOM,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("corp_id", CORP),
            ("token", TOKEN),
            ("encoding_aes_key", "notAKey123"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.html.contains(
            r#"<small class="field-error" id="encoding_aes_key-error">EncodingAESKey 需为 43 位字母或数字</small>"#
        ),
        "{}",
        refused.html
    );
    assert!(refused.html.contains(&format!(r#"value="{CORP}""#)));
    assert!(!refused.html.contains(TOKEN), "the token is never shown");
    assert!(!refused.html.contains("notAKey123"), "nor the key");
    assert_eq!(
        app.get(&demo.admin, "/api/v1/wecom").await.expect(200)["configured"],
        false
    );

    let saved = post(
        &app,
        WECOM,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("corp_id", CORP),
            ("token", TOKEN),
            ("encoding_aes_key", AES_KEY),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert!(!saved.html.contains(TOKEN));
    let shown = follow(&app, &saved, &cookie).await;
    assert_eq!(shown.flash(), Some("已保存企业微信回调设置"));
    assert!(
        shown
            .html
            .contains(r#"<dd id="wecom-status"><span class="ok">已配置</span></dd>"#)
    );
    assert!(
        shown
            .html
            .contains(&format!(r#"<dd id="wecom-corp-id">{CORP}</dd>"#))
    );
    assert!(shown.html.contains(&callback));
    assert!(!shown.html.contains(TOKEN), "the token is never shown");
    assert!(!shown.html.contains(AES_KEY), "nor the key");
    let token_input = shown.part(r#"<input id="wecom-token""#, ">");
    assert!(
        token_input.contains(r#"type="password""#) && !token_input.contains("value="),
        "{token_input}"
    );
    let stored = app.get(&demo.admin, "/api/v1/wecom").await.expect(200);
    assert_eq!(stored["configured"], true);
    assert_eq!(stored["corp_id"], CORP);

    // Others read whether it is set, and cannot change it.
    let guide = session_of(&app, GUIDE01).await;
    let read = get(&app, WECOM, &guide).await;
    assert_eq!(read.status, 200, "{}", read.html);
    assert!(!read.html.contains(r#"id="wecom-form""#));
    assert!(!read.html.contains(TOKEN));
    let refused = post(
        &app,
        WECOM,
        &guide,
        &[
            ("_csrf", &read.csrf()),
            ("corp_id", "wwother"),
            ("token", "abc"),
            ("encoding_aes_key", AES_KEY),
        ],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert_eq!(
        app.get(&demo.admin, "/api/v1/wecom").await.expect(200)["corp_id"],
        CORP
    );
}

async fn the_whole_number_is_shown_once_to_whom_may_see_it(app: TestApp) {
    let demo = app.demo().await;
    let id = demo.customer(SH001_REGULAR);
    let path = format!("/customers/{id}");
    let reveal = format!("{path}/phone");

    // The customer's own guide asks, and sees it this once.
    let cookie = session_of(&app, GUIDE01).await;
    let page = get(&app, &path, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains(r#"id="phone-reveal""#), "{}", page.html);
    assert!(!page.html.contains(SH001_REGULAR_PHONE));
    let csrf = page.csrf();
    let shown = post(&app, &reveal, &cookie, &[("_csrf", &csrf)]).await;
    assert_eq!(shown.status, 200, "{}", shown.html);
    assert_eq!(shown.cache_control.as_deref(), Some("no-store"));
    assert!(
        shown.html.contains(&format!(
            r#"<dd id="customer-phone">{SH001_REGULAR_PHONE} <small class="muted" id="phone-logged">已记录到操作日志</small></dd>"#
        )),
        "{}",
        shown.html
    );
    assert!(!shown.html.contains(r#"id="phone-reveal""#));
    // Only that answer: the page itself shows it masked again.
    let again = get(&app, &path, &cookie).await;
    assert!(!again.html.contains(SH001_REGULAR_PHONE));
    let log = app
        .get(&demo.admin, "/api/v1/audit-events")
        .await
        .expect(200);
    let reveals = log["items"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "customer.phone_revealed" && e["subject_id"] == id)
        .count();
    assert_eq!(reveals, 1, "{log}");

    // Another guide of the same store sees the customer, not the whole number.
    let colleague = session_of(&app, GUIDE13).await;
    let page = get(&app, &path, &colleague).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        !page.html.contains(r#"id="phone-reveal""#),
        "not offered to a guide who is not theirs"
    );
    let refused = post(&app, &reveal, &colleague, &[("_csrf", &page.csrf())]).await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    assert!(
        refused.html.contains(
            r#"<p class="error" id="form-error" role="alert">只有顾客的专属导购、店长和管理员可以查看完整号码。</p>"#
        ),
        "{}",
        refused.html
    );
    assert!(!refused.html.contains(SH001_REGULAR_PHONE));
    assert!(
        refused
            .html
            .contains(r#"<dd id="customer-phone">138****0001</dd>"#)
    );

    // The unsubscribe link is made by a POST; the page's GET only offers it.
    assert!(page.html.contains(r#"id="unsubscribe-make""#));
    assert!(!page.html.contains(r#"id="unsubscribe-url""#));
    let link = post(
        &app,
        &format!("{path}/unsubscribe-link"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(link.status, 200, "{}", link.html);
    let url = link.part(r#"<code id="unsubscribe-url""#, "</code>");
    assert!(
        url.contains(&format!(r#">{}/u/"#, app.base)),
        "an absolute link: {url}"
    );
    assert!(!link.html.contains(SH001_REGULAR_PHONE));
}
