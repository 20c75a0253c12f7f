//! The shop guide's workbench (工作台) on the console home and a community's join links,
//! over real HTTP: the home counts today's joins and lists the new strong-intent
//! customers; members waiting for review and the guide's removal tasks show there and on
//! the community's page; a join link made on the community's page has its QR code as SVG
//! and PNG for its store and for nobody else, and switching it off asks first and closes
//! its join page; a link without a label is refused beside the field.

use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE};
use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    the_guides_home_counts_todays_joins_and_who_to_follow_up,
    the_workbench_lists_reviews_and_removal_tasks,
    a_join_link_has_qr_codes_for_its_store_only_and_can_be_switched_off,
    a_link_without_a_label_is_refused_beside_the_field,
);

const SH001_SALES: &str = "上海南京西路店福利群";
const SH001_SERVICE: &str = "上海南京西路店会员服务群";
const DUP_PRESET: &str = "叠字昵称（弱意向）";

/// The number shown in the element with this id.
#[track_caller]
fn number(page: &Page, id: &str) -> i64 {
    let open = format!(r#"id="{id}">"#);
    let at = page
        .html
        .find(&open)
        .unwrap_or_else(|| panic!("no {id} on the page: {}", page.html))
        + open.len();
    let rest = &page.html[at..];
    rest[..rest.find('<').expect("the end of the number")]
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{id} is no number: {rest}"))
}

/// A QR code image as the console serves it, with the headers that matter.
struct Image {
    status: u16,
    content_type: Option<String>,
    cache_control: Option<String>,
    body: Vec<u8>,
}

async fn image(app: &TestApp, path: &str, cookie: &str) -> Image {
    let res = app
        .client
        .get(app.url(path))
        .header(COOKIE, format!("{SESSION}={cookie}"))
        .send()
        .await
        .expect("the server answers");
    let header = |name: reqwest::header::HeaderName| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header(CONTENT_TYPE);
    let cache_control = header(CACHE_CONTROL);
    Image {
        status: res.status().as_u16(),
        content_type,
        cache_control,
        body: res.bytes().await.expect("the body").to_vec(),
    }
}

/// A new customer of SH-001 added by the admin, in the sales group as `source` says.
async fn member(app: &TestApp, demo: &Demo, nickname: &str, source: &str) -> Value {
    let customer = app
        .post(
            &demo.admin,
            "/api/v1/customers",
            json!({ "nickname": nickname, "channel": "fission_poster", "store_id": demo.store("SH-001") }),
        )
        .await
        .expect(201);
    app.post(
        &demo.admin,
        &format!(
            "/api/v1/communities/{}/members",
            demo.community(SH001_SALES)
        ),
        json!({ "customer_id": id(&customer), "source": source }),
    )
    .await
    .expect(201)
}

/// The id of the brand's screening rule named `name`.
async fn rule_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let rules = app.get(token, "/api/v1/screening-rules").await.expect(200);
    rules
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["name"] == name)
        .map(id)
        .unwrap_or_else(|| panic!("no rule {name} in {rules}"))
}

async fn the_guides_home_counts_todays_joins_and_who_to_follow_up(app: TestApp) {
    let demo = app.demo().await;
    let sales = demo.community(SH001_SALES);
    let cookie = session_of(&app, GUIDE01).await;
    let before = get(&app, "/", &cookie).await;
    assert_eq!(before.status, 200, "{}", before.html);
    assert!(
        before
            .html
            .contains(r#"<h1 id="workbench-title">工作台</h1>"#),
        "{}",
        before.html
    );
    let mine = before.part(r#"id="my-communities""#, "</section>");
    assert!(
        mine.contains(&format!(
            r#"<a href="/communities/{sales}">{SH001_SALES}</a>"#
        )),
        "{mine}"
    );
    assert!(
        !mine.contains(SH001_SERVICE),
        "the manager's group is not the guide's: {mine}"
    );
    assert!(mine.contains("今日入群") && mine.contains("今日退群"));
    let joins = number(&before, &format!("joins-{sales}"));
    let members = number(&before, &format!("members-{sales}"));
    assert_eq!(number(&before, &format!("leaves-{sales}")), 0);
    // Nothing waits yet, and the page says so.
    assert_eq!(number(&before, "review-count"), 0);
    assert!(before.html.contains("没有等待审核的成员，一切正常。"));
    assert!(before.html.contains("没有需要移出的成员。"));
    assert!(before.html.contains("没有沉默成员，大家都很活跃。"));
    // The demo's customer from the official account is the guide's, new and strong.
    let strong = before.part(r#"id="strong-new""#, "</ul>");
    assert!(strong.contains("SH-001老顾客"), "{strong}");
    assert!(
        !strong.contains("SH-001海报新客"),
        "a weak-intent customer: {strong}"
    );

    // A customer of the guide's joins through a link, through the API.
    let guide = app.login(GUIDE01).await;
    let link = app
        .post(
            &guide,
            &format!("/api/v1/communities/{sales}/join-links"),
            json!({ "channel": "offline_store", "label": "收银台立牌" }),
        )
        .await
        .expect(201);
    let fan = app
        .post(
            &guide,
            "/api/v1/customers",
            json!({ "nickname": "今日新人", "channel": "official_account",
                    "store_id": demo.store("SH-001"), "consent": true }),
        )
        .await
        .expect(201);
    app.post(
        &guide,
        "/api/v1/joins",
        json!({ "code": link["code"], "customer_id": id(&fan) }),
    )
    .await
    .expect(201);

    let after = get(&app, "/", &cookie).await;
    assert_eq!(after.status, 200, "{}", after.html);
    assert_eq!(
        number(&after, &format!("joins-{sales}")),
        joins + 1,
        "today's joins count the new member"
    );
    assert_eq!(number(&after, &format!("members-{sales}")), members + 1);
    let strong = after.part(r#"id="strong-new""#, "</ul>");
    assert!(
        strong.contains(&format!(
            r#"<a href="/customers/{}">今日新人</a>"#,
            id(&fan)
        )),
        "{strong}"
    );
    let me = demo.staff(GUIDE01);
    assert_eq!(
        after.link("strong-new-all"),
        Some(format!(
            "/customers?tier=strong&lifecycle=new&guide_id={me}"
        ))
    );

    // The community's page counts the link's join and the welcome waiting to be sent.
    let page = get(&app, &format!("/communities/{sales}"), &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"<p id="welcomes-queued">欢迎语待发送 1 条</p>"#),
        "{}",
        page.html
    );
    assert_eq!(number(&page, &format!("link-{}-joins", id(&link))), 1);

    // Managers keep their home, with the communities of their scope today.
    let manager = session_of(&app, SH001_MANAGER).await;
    let theirs = get(&app, "/", &manager).await;
    assert!(!theirs.html.contains("workbench-title") && !theirs.html.contains("to-review"));
    assert!(theirs.html.contains(r#"id="count-stores">1<"#));
    let scope = theirs.part(r#"id="my-communities""#, "</section>");
    assert!(
        scope.contains("社群今日动态")
            && scope.contains(SH001_SALES)
            && scope.contains(SH001_SERVICE),
        "{scope}"
    );
    assert_eq!(number(&theirs, &format!("joins-{sales}")), joins + 1);
}

async fn the_workbench_lists_reviews_and_removal_tasks(app: TestApp) {
    let demo = app.demo().await;
    let sales = demo.community(SH001_SALES);
    // A preset flags 丽丽 for review; a rule of the admin's asks the 群主 (guide01) to
    // remove 小李微商, whose join the platform reported.
    let dup = rule_id(&app, &demo.admin, DUP_PRESET).await;
    app.post_empty(
        &demo.admin,
        &format!("/api/v1/screening-rules/{dup}/enable"),
    )
    .await
    .expect(200);
    let flagged = member(&app, &demo, "丽丽", "invite_link").await;
    assert_eq!(flagged["decisions"][0]["status"], "open");
    let rule = app
        .post(
            &demo.admin,
            "/api/v1/screening-rules",
            json!({ "name": "微商后缀", "conditions": [{ "kind": "nickname_suffix", "value": "微商" }], "action": "remove" }),
        )
        .await
        .expect(201);
    app.post_empty(
        &demo.admin,
        &format!("/api/v1/screening-rules/{}/enable", id(&rule)),
    )
    .await
    .expect(200);
    let removed = member(&app, &demo, "小李微商", "platform").await;
    assert_eq!(removed["decisions"][0]["status"], "confirmed");

    let cookie = session_of(&app, GUIDE01).await;
    let home = get(&app, "/", &cookie).await;
    assert_eq!(home.status, 200, "{}", home.html);
    assert_eq!(number(&home, "review-count"), 1);
    let review = home.part(r#"id="to-review""#, "</section>");
    for part in [
        "丽丽",
        DUP_PRESET,
        "意向等级为弱意向；昵称含叠字“丽丽”",
        r#"id="review-all" href="/screening/decisions""#,
    ] {
        assert!(review.contains(part), "{part} in {review}");
    }
    assert_eq!(number(&home, "task-count"), 1);
    let tasks = home.part(r#"id="my-tasks""#, "</section>");
    let community_link = format!(r#"<a href="/communities/{sales}">{SH001_SALES}</a>"#);
    for part in [
        "小李微商",
        community_link.as_str(),
        r#"id="tasks-all" href="/screening/tasks?mine=1""#,
    ] {
        assert!(tasks.contains(part), "{part} in {tasks}");
    }

    // The community's page lists the task with 已移出, which goes back to the guide's own
    // tasks.
    let page = get(&app, &format!("/communities/{sales}"), &cookie).await;
    let list = page.part(r#"<table id="removal-tasks""#, "</table>");
    for part in [
        "小李微商",
        r#"data-confirm="确认已把「小李微商」移出社群「上海南京西路店福利群」吗？""#,
        r#"<input type="hidden" name="mine" value="1">"#,
        "已移出",
    ] {
        assert!(list.contains(part), "{part} in {list}");
    }
    let task = id(&app
        .get(
            &app.login(GUIDE01).await,
            "/api/v1/removal-tasks?mine=true&status=open",
        )
        .await
        .expect(200)["items"][0]);
    assert!(list.contains(&format!(r#"action="/screening/tasks/{task}/done""#)));
    let done = post(
        &app,
        &format!("/screening/tasks/{task}/done"),
        &cookie,
        &[("_csrf", &page.csrf()), ("mine", "1")],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.html);
    let page = get(&app, &format!("/communities/{sales}"), &cookie).await;
    let list = page.part(r#"<table id="removal-tasks""#, "</table>");
    assert!(
        !list.contains("小李微商") && list.contains("没有需要移出的成员。"),
        "{list}"
    );
    let home = get(&app, "/", &cookie).await;
    assert_eq!(number(&home, "task-count"), 0);
}

async fn a_join_link_has_qr_codes_for_its_store_only_and_can_be_switched_off(app: TestApp) {
    let demo = app.demo().await;
    let sales = demo.community(SH001_SALES);
    let path = format!("/communities/{sales}");
    let cookie = session_of(&app, GUIDE01).await;
    let page = get(&app, &path, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains(r#"id="no-links""#), "no links yet");
    assert!(
        page.html
            .contains(r#"<option value="offline_store">门店</option>"#)
    );
    let made = post(
        &app,
        &format!("{path}/links"),
        &cookie,
        &[
            ("_csrf", &page.csrf()),
            ("channel", "offline_store"),
            ("label", "门店海报"),
            ("inviter_id", ""),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    assert_eq!(made.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &made, &cookie).await;
    assert_eq!(shown.flash(), Some("已创建入群链接「门店海报」"));

    let guide = app.login(GUIDE01).await;
    let stored = app
        .get(&guide, &format!("/api/v1/communities/{sales}/join-links"))
        .await
        .expect(200);
    let link = stored[0].clone();
    assert_eq!(link["label"], "门店海报");
    assert_eq!(link["channel"], "offline_store");
    let link_id = id(&link);
    let code = link["code"].as_str().expect("a code").to_owned();
    let url = format!("{}/j/{code}", app.base);
    let card = shown.part(
        &format!(r#"<article class="card link-card" id="link-{link_id}">"#),
        "</article>",
    );
    for part in [
        format!(r#"src="{path}/links/{link_id}/qr.svg""#),
        format!(r#"href="{path}/links/{link_id}/qr.png" download"#),
        format!(r#"<code id="link-{link_id}-url">{url}</code>"#),
        "门店海报".to_owned(),
        r#"<span class="ok">启用</span>"#.to_owned(),
        r#"data-confirm="确定停用入群链接「门店海报」吗？停用后二维码将无法入群。""#.to_owned(),
    ] {
        assert!(card.contains(&part), "{part} in {card}");
    }

    // The QR codes: for the guide of the store, and not found for a guide of another
    // store, nor under another community's address.
    let svg = image(&app, &format!("{path}/links/{link_id}/qr.svg"), &cookie).await;
    assert_eq!(svg.status, 200);
    assert_eq!(svg.content_type.as_deref(), Some("image/svg+xml"));
    assert!(
        svg.cache_control
            .as_deref()
            .is_some_and(|c| c.starts_with("private")),
        "{:?}",
        svg.cache_control
    );
    assert!(String::from_utf8_lossy(&svg.body).contains("<svg"));
    let png = image(&app, &format!("{path}/links/{link_id}/qr.png"), &cookie).await;
    assert_eq!(png.status, 200);
    assert_eq!(png.content_type.as_deref(), Some("image/png"));
    assert!(png.body.starts_with(b"\x89PNG"), "a PNG");
    let other = session_of(&app, GUIDE02).await;
    for ext in ["svg", "png"] {
        let refused = image(&app, &format!("{path}/links/{link_id}/qr.{ext}"), &other).await;
        assert_eq!(refused.status, 404, "qr.{ext} for another store's guide");
    }
    let service = demo.community(SH001_SERVICE);
    let elsewhere = image(
        &app,
        &format!("/communities/{service}/links/{link_id}/qr.svg"),
        &cookie,
    )
    .await;
    assert_eq!(
        elsewhere.status, 404,
        "a link is found under its own community only"
    );
    // Nor can they switch it off.
    let other_csrf = get(&app, "/", &other).await.csrf();
    let hijack = post(
        &app,
        &format!("{path}/links/{link_id}/deactivate"),
        &other,
        &[("_csrf", &other_csrf)],
    )
    .await;
    assert_eq!(hijack.status, 404, "{}", hijack.html);

    // Switched off, its join page lets nobody in; switched on again, it does.
    assert_eq!(
        app.get_anon(&format!("/j/{code}")).await.status.as_u16(),
        200
    );
    let off = post(
        &app,
        &format!("{path}/links/{link_id}/deactivate"),
        &cookie,
        &[("_csrf", &shown.csrf())],
    )
    .await;
    assert_eq!(off.status, 303, "{}", off.html);
    let shown = follow(&app, &off, &cookie).await;
    assert_eq!(shown.flash(), Some("已停用入群链接「门店海报」"));
    assert!(
        shown.html.contains(&format!(
            r#"<span id="link-{link_id}-status"><span class="muted">已停用</span></span>"#
        )),
        "{}",
        shown.html
    );
    assert_eq!(
        app.get_anon(&format!("/j/{code}")).await.status.as_u16(),
        404
    );
    let on = post(
        &app,
        &format!("{path}/links/{link_id}/activate"),
        &cookie,
        &[("_csrf", &shown.csrf())],
    )
    .await;
    assert_eq!(
        follow(&app, &on, &cookie).await.flash(),
        Some("已启用入群链接「门店海报」")
    );
    assert_eq!(
        app.get_anon(&format!("/j/{code}")).await.status.as_u16(),
        200
    );
}

async fn a_link_without_a_label_is_refused_beside_the_field(app: TestApp) {
    let demo = app.demo().await;
    let sales = demo.community(SH001_SALES);
    let path = format!("/communities/{sales}");
    let cookie = session_of(&app, GUIDE01).await;
    let csrf = get(&app, &path, &cookie).await.csrf();
    let refused = post(
        &app,
        &format!("{path}/links"),
        &cookie,
        &[
            ("_csrf", &csrf),
            ("channel", "fission_poster"),
            ("label", "  "),
            ("inviter_id", ""),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused
            .html
            .contains(r#"<small class="field-error" id="label-error">不能为空</small>"#),
        "{}",
        refused.html
    );
    assert!(
        refused
            .html
            .contains(r#"aria-invalid="true" aria-describedby="label-error""#),
        "the label input is marked: {}",
        refused.html
    );
    assert!(
        refused
            .html
            .contains(r#"<option value="fission_poster" selected>裂变海报</option>"#),
        "the chosen channel is kept"
    );
    assert!(
        !refused.html.contains(r#"id="form-error""#),
        "beside the field, not above the page"
    );

    // An inviter who is nobody is refused beside the inviter.
    let nobody = post(
        &app,
        &format!("{path}/links"),
        &cookie,
        &[
            ("_csrf", &csrf),
            ("channel", "friend_invite"),
            ("label", "老带新"),
            ("inviter_id", &NO_SUCH_ID.to_string()),
        ],
    )
    .await;
    assert_eq!(nobody.status, 422, "{}", nobody.html);
    assert!(
        nobody
            .html
            .contains(r#"<small class="field-error" id="inviter_id-error">没有这位顾客</small>"#),
        "{}",
        nobody.html
    );
    assert!(
        nobody.html.contains(r#"value="老带新""#),
        "what was typed is kept"
    );

    let guide = app.login(GUIDE01).await;
    let stored = app
        .get(&guide, &format!("/api/v1/communities/{sales}/join-links"))
        .await
        .expect(200);
    assert_eq!(stored, json!([]), "nothing was written");
}
