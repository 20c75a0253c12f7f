//! The console's communities (社群) pages over real HTTP: a store manager opens one and the
//! list counts it, a refused form says why beside the field, a shop guide sees only their
//! store's communities and runs the ones they open, the detail page keeps the kind
//! history, archiving asks first naming the community, 开新群 names the new group and
//! shows it.

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    a_store_manager_opens_a_community_and_the_list_counts_it,
    a_refused_community_says_why_beside_the_field,
    a_shop_guide_sees_only_their_stores_communities_and_runs_what_they_open,
    the_detail_page_keeps_the_kind_history,
    archiving_asks_first_naming_the_community,
    opening_the_next_group_names_it_and_shows_it,
);

/// guide13 (胡佳) works in SH-001 too (40 guides over 12 stores).
const GUIDE13: &str = "guide13@demo.shequn.test";
const SH001_SALES: &str = "上海南京西路店福利群";
const SH001_SERVICE: &str = "上海南京西路店会员服务群";
const HZ001_SALES: &str = "杭州湖滨店福利群";

/// The names of the communities the demo admin sees through the API.
async fn community_names(app: &TestApp, admin: &str) -> Vec<String> {
    app.list_all(admin, "/api/v1/communities")
        .await
        .iter()
        .map(|c| c["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn a_store_manager_opens_a_community_and_the_list_counts_it(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, SH001_MANAGER).await;
    let list = get(&app, "/communities", &cookie).await;
    assert_eq!(list.status, 200, "{}", list.html);
    assert!(
        list.html
            .contains(r#"id="nav-communities" href="/communities" class="current""#)
    );
    assert!(list.html.contains(SH001_SALES) && list.html.contains(SH001_SERVICE));
    assert!(
        !list.html.contains(HZ001_SALES),
        "another store's community"
    );
    assert_eq!(list.total(), Some(2), "the store's two demo communities");
    let sh001 = demo.store("SH-001").to_string();
    let manager = demo.staff(SH001_MANAGER).to_string();
    // The manager's only store is chosen, and the manager runs the group unless they
    // choose a guide.
    assert!(
        list.html.contains(&format!(
            r#"<option value="{sh001}" selected>SH-001 上海南京西路店</option>"#
        )),
        "{}",
        list.html
    );
    assert!(list.html.contains(&format!(
        r#"<option value="{manager}" selected>上海南京西路店店长 · 店长</option>"#
    )));
    assert!(list.html.contains(r#"<optgroup label="营销">"#));
    assert!(list.html.contains(r#"value="500""#), "500 by default");

    let csrf = list.csrf();
    let guide13 = demo.staff(GUIDE13).to_string();
    let made = post(
        &app,
        "/communities",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("store_id", &sh001),
            ("owner_id", &guide13),
            ("name", "宝妈福利群"),
            ("purpose", "sales"),
            ("kind", "discount"),
            ("capacity", "300"),
            ("rules", "1. 不发广告\n2. 友善交流"),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    assert_eq!(made.location.as_deref(), Some("/communities"));
    let shown = follow(&app, &made, &cookie).await;
    assert_eq!(shown.flash(), Some("已新建社群「宝妈福利群」"));
    assert_eq!(shown.total(), Some(3), "the list counts the new community");
    let row = shown.part(">宝妈福利群</a>", "</tr>");
    assert!(
        row.contains("胡佳") && row.contains("福利群") && row.contains("300"),
        "{row}"
    );

    let stored = app
        .list_all(&demo.admin, "/api/v1/communities")
        .await
        .into_iter()
        .find(|c| c["name"] == "宝妈福利群")
        .expect("the community is stored");
    assert_eq!(stored["owner_id"], demo.staff(GUIDE13));
    assert_eq!(stored["capacity"], 300);
    assert_eq!(stored["rules"], "1. 不发广告\n2. 友善交流");
}

async fn a_refused_community_says_why_beside_the_field(app: TestApp) {
    let demo = app.demo().await;
    let before = community_names(&app, &demo.admin).await;
    let cookie = session_of(&app, SH001_MANAGER).await;
    let csrf = get(&app, "/communities", &cookie).await.csrf();
    let sh001 = demo.store("SH-001").to_string();
    let manager = demo.staff(SH001_MANAGER).to_string();

    let no_kind = post(
        &app,
        "/communities",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("store_id", &sh001),
            ("owner_id", &manager),
            ("name", "没选类型的群"),
            ("purpose", "sales"),
            ("capacity", "500"),
            ("rules", ""),
        ],
    )
    .await;
    assert_eq!(no_kind.status, 422, "{}", no_kind.html);
    assert!(
        no_kind.html.contains(r#"<details class="create" open>"#),
        "the form is open again"
    );
    assert!(
        no_kind
            .html
            .contains(r#"<small class="field-error" id="kind-error">请从列表中选择</small>"#),
        "{}",
        no_kind.html
    );
    assert!(
        no_kind
            .html
            .contains(r#"aria-invalid="true" aria-describedby="kind-error""#),
        "the kind select is marked"
    );
    assert!(
        no_kind.html.contains(r#"value="没选类型的群""#),
        "what was typed is kept"
    );
    assert!(
        !no_kind.html.contains(r#"id="form-error""#),
        "beside the field, not above the page"
    );

    let too_small = post(
        &app,
        "/communities",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("store_id", &sh001),
            ("owner_id", &manager),
            ("name", "一个人的群"),
            ("purpose", "brand"),
            ("kind", "topic"),
            ("capacity", "1"),
            ("rules", ""),
        ],
    )
    .await;
    assert_eq!(too_small.status, 422, "{}", too_small.html);
    assert!(
        too_small.html.contains(
            r#"<small class="field-error" id="capacity-error">需在 2 到 2000 之间</small>"#
        ),
        "{}",
        too_small.html
    );
    assert!(too_small.html.contains(r#"value="1""#));
    assert!(
        too_small
            .html
            .contains(r#"<option value="topic" selected>话题群</option>"#),
        "the chosen kind is kept"
    );
    assert!(!too_small.html.contains(r#"id="form-error""#));

    assert_eq!(
        community_names(&app, &demo.admin).await,
        before,
        "nothing was written"
    );
}

async fn a_shop_guide_sees_only_their_stores_communities_and_runs_what_they_open(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, GUIDE01).await;
    let list = get(&app, "/communities", &cookie).await;
    assert_eq!(list.status, 200, "{}", list.html);
    assert!(
        list.html.contains(r#"id="nav-communities""#),
        "guides run communities"
    );
    assert!(list.html.contains(SH001_SALES) && list.html.contains(SH001_SERVICE));
    assert!(
        !list.html.contains(HZ001_SALES),
        "a guide sees no other store's communities"
    );
    assert_eq!(list.total(), Some(2));
    assert!(
        list.html.contains(r#"id="community-new""#),
        "guides open communities"
    );
    assert!(
        !list.html.contains(r#"name="owner_id""#),
        "a guide runs what they open: no owner to choose"
    );
    // Asking for another store's communities shows none.
    let hz001 = demo.store("HZ-001");
    let other = get(&app, &format!("/communities?store_id={hz001}"), &cookie).await;
    assert_eq!(other.total(), Some(0));
    assert!(!other.html.contains(HZ001_SALES));

    let csrf = list.csrf();
    let sh001 = demo.store("SH-001").to_string();
    let made = post(
        &app,
        "/communities",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("store_id", &sh001),
            ("name", "王芳的教程群"),
            ("purpose", "brand"),
            ("kind", "tutorial"),
            ("capacity", "500"),
            ("rules", ""),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    assert_eq!(
        follow(&app, &made, &cookie).await.flash(),
        Some("已新建社群「王芳的教程群」")
    );
    let stored = app
        .list_all(&demo.admin, "/api/v1/communities")
        .await
        .into_iter()
        .find(|c| c["name"] == "王芳的教程群")
        .expect("the community is stored");
    assert_eq!(stored["owner_id"], demo.staff(GUIDE01), "the guide runs it");

    // Their own community: editable, never handed over by them.
    let mine = get(&app, &format!("/communities/{}", id(&stored)), &cookie).await;
    assert!(mine.html.contains(r#"id="community-save""#));
    assert!(!mine.html.contains(r#"name="owner_id""#));
    // The manager's community of the same store: visible, not theirs to edit.
    let service = format!("/communities/{}", demo.community(SH001_SERVICE));
    let theirs = get(&app, &service, &cookie).await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.html.contains(r#"id="community-save""#));
    // Another store's community does not exist for them.
    let elsewhere = format!("/communities/{}", demo.community(HZ001_SALES));
    assert_eq!(get(&app, &elsewhere, &cookie).await.status, 404);
}

async fn the_detail_page_keeps_the_kind_history(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, SH001_MANAGER).await;
    let path = format!("/communities/{}", demo.community(SH001_SALES));
    let page = get(&app, &path, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"<h1 id="community-title">上海南京西路店福利群</h1>"#)
    );
    assert!(page.html.contains(r#"<dd id="community-owner">王芳</dd>"#));
    let history = page.part(r#"<table id="kind-history""#, "</table>");
    assert_eq!(history.matches("<tr>").count(), 2, "a head and one entry");
    assert!(
        history.contains("福利群") && history.contains("系统"),
        "the demo's kind, set by an operator command: {history}"
    );

    let csrf = page.csrf();
    let guide01 = demo.staff(GUIDE01).to_string();
    let saved = post(
        &app,
        &path,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("name", SH001_SALES),
            ("purpose", "sales"),
            ("kind", "topic"),
            ("capacity", "500"),
            ("rules", ""),
            ("owner_id", &guide01),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(saved.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &saved, &cookie).await;
    assert_eq!(shown.flash(), Some("已保存社群「上海南京西路店福利群」"));
    assert!(
        shown
            .html
            .contains(r#"<dd id="community-kind">话题群 <small class="muted">内容</small></dd>"#),
        "{}",
        shown.html
    );
    let history = shown.part(r#"<table id="kind-history""#, "</table>");
    assert_eq!(history.matches("<tr>").count(), 3, "{history}");
    let was = history.find("福利群").expect("the first kind");
    let now = history.find("话题群").expect("the new kind");
    assert!(was < now, "oldest first: {history}");
    assert!(
        history.contains("上海南京西路店店长"),
        "who changed it: {history}"
    );
    // Saving again without a change of kind adds nothing.
    let again = post(
        &app,
        &path,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("name", SH001_SALES),
            ("purpose", "sales"),
            ("kind", "topic"),
            ("capacity", "400"),
            ("rules", ""),
            ("owner_id", &guide01),
        ],
    )
    .await;
    assert_eq!(again.status, 303, "{}", again.html);
    let shown = get(&app, &path, &cookie).await;
    assert!(
        shown
            .html
            .contains(r#"<dd id="community-capacity">400</dd>"#)
    );
    let history = shown.part(r#"<table id="kind-history""#, "</table>");
    assert_eq!(history.matches("<tr>").count(), 3, "{history}");
}

async fn archiving_asks_first_naming_the_community(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, SH001_MANAGER).await;
    let path = format!("/communities/{}", demo.community(SH001_SALES));
    let page = get(&app, &path, &cookie).await;
    let archive = page.part(r#"data-confirm="确定归档社群"#, "</form>");
    assert!(
        archive.starts_with(
            r#"data-confirm="确定归档社群「上海南京西路店福利群」吗？归档后不再运营，记录仍保留。""#
        ),
        "{archive}"
    );
    assert!(archive.contains(r#"name="status" value="archived""#));
    assert!(
        page.html
            .contains(r#"data-confirm="确定为社群「上海南京西路店福利群」开新群吗？""#)
    );

    let csrf = page.csrf();
    let archived = post(
        &app,
        &path,
        &cookie,
        &[("_csrf", &csrf), ("status", "archived")],
    )
    .await;
    assert_eq!(archived.status, 303, "{}", archived.html);
    let shown = follow(&app, &archived, &cookie).await;
    assert_eq!(shown.flash(), Some("已归档社群「上海南京西路店福利群」"));
    assert!(
        shown
            .html
            .contains(r#"<dd id="community-status"><span class="muted">已归档</span></dd>"#)
    );
    assert!(shown.html.contains(r#"id="community-restore""#));
    assert!(
        !shown.html.contains("确定归档社群") && !shown.html.contains(r#"id="community-overflow""#),
        "an archived community is neither archived again nor overflowed"
    );
    let archived_list = get(&app, "/communities?status=archived", &cookie).await;
    assert_eq!(archived_list.total(), Some(1));
    assert!(archived_list.html.contains(SH001_SALES));
    assert!(
        archived_list
            .html
            .contains(r#"<option value="archived" selected>已归档</option>"#)
    );
    let active_list = get(&app, "/communities?status=active", &cookie).await;
    assert_eq!(active_list.total(), Some(1));
    assert!(!active_list.html.contains(SH001_SALES));

    let restored = post(
        &app,
        &path,
        &cookie,
        &[("_csrf", &csrf), ("status", "active")],
    )
    .await;
    assert_eq!(
        follow(&app, &restored, &cookie).await.flash(),
        Some("社群「上海南京西路店福利群」已恢复运营")
    );
}

async fn opening_the_next_group_names_it_and_shows_it(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, GUIDE01).await;
    let first = demo.community(SH001_SALES);
    let path = format!("/communities/{first}");
    let csrf = get(&app, &path, &cookie).await.csrf();
    let opened = post(
        &app,
        &format!("{path}/overflow"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(opened.status, 303, "{}", opened.html);
    let to = opened.location.clone().expect("a redirect");
    assert!(
        to.starts_with("/communities/") && to != path,
        "to the new group: {to}"
    );
    let shown = follow(&app, &opened, &cookie).await;
    assert_eq!(shown.flash(), Some("已开新群「上海南京西路店福利2群」"));
    assert!(
        shown
            .html
            .contains(r#"<h1 id="community-title">上海南京西路店福利2群</h1>"#)
    );
    assert!(
        shown.html.contains(&format!(
            r#"<a id="community-original" href="{path}">{SH001_SALES}</a>"#
        )),
        "{}",
        shown.html
    );
    assert!(shown.html.contains(r#"<dd id="community-owner">王芳</dd>"#));
}
