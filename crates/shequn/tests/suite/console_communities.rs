//! The console's communities (社群) pages over real HTTP: a store manager opens one and the
//! list counts it, a refused form says why beside the field, a shop guide sees only their
//! store's communities and runs the ones they open, the detail page keeps the kind
//! history, archiving asks first naming the community, 开新群 names the new group and
//! shows it.

use reqwest::Method;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_store_manager_opens_a_community_and_the_list_counts_it,
    a_refused_community_says_why_beside_the_field,
    a_shop_guide_sees_only_their_stores_communities_and_runs_what_they_open,
    the_detail_page_keeps_the_kind_history,
    archiving_asks_first_naming_the_community,
    opening_the_next_group_names_it_and_shows_it,
);

const SESSION: &str = "shequn_session";
/// guide13 (胡佳) works in SH-001 too (40 guides over 12 stores).
const GUIDE13: &str = "guide13@demo.shequn.test";
const SH001_SALES: &str = "上海南京西路店福利群";
const SH001_SERVICE: &str = "上海南京西路店会员服务群";
const HZ001_SALES: &str = "杭州湖滨店福利群";

struct Page {
    status: u16,
    location: Option<String>,
    set_cookie: Vec<String>,
    html: String,
}

impl Page {
    /// The value this response sets for cookie `name`, if any.
    fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie.iter().find_map(|c| {
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            pair.strip_prefix(&format!("{name}=")).map(str::to_owned)
        })
    }

    /// The done-message the page shows, if any.
    fn flash(&self) -> Option<&str> {
        let open = r#"<p class="flash" id="flash" role="status">"#;
        let at = self.html.find(open)? + open.len();
        let rest = &self.html[at..];
        Some(&rest[..rest.find("</p>")?])
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

    /// The list's total (「共 3 条」), if the page shows one.
    fn total(&self) -> Option<i64> {
        let open = r#"id="list-total">"#;
        let at = self.html.find(open)? + open.len();
        let rest = &self.html[at..];
        let text = &rest[..rest.find('<')?];
        text.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()
    }

    /// The HTML of the element that starts with `open` up to `close`.
    fn part(&self, open: &str, close: &str) -> &str {
        let at = self
            .html
            .find(open)
            .unwrap_or_else(|| panic!("{open} on the page: {}", self.html));
        let rest = &self.html[at..];
        &rest[..rest.find(close).expect("the end of the part")]
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

/// The page a redirect leads to, fetched as a browser would: with the session and the
/// cookies the redirect set (a cleared cookie is dropped).
async fn follow(app: &TestApp, from: &Page, session: &str) -> Page {
    let to = from.location.as_deref().expect("a redirect");
    let mut jar: Vec<(String, String)> = vec![(SESSION.to_owned(), session.to_owned())];
    for line in &from.set_cookie {
        let pair = line.split(';').next().unwrap_or("");
        if let Some((name, value)) = pair.split_once('=') {
            jar.retain(|(n, _)| n != name);
            if !value.is_empty() {
                jar.push((name.to_owned(), value.to_owned()));
            }
        }
    }
    let cookies: Vec<String> = jar.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let header = cookies.join("; ");
    fetch(
        app,
        Method::GET,
        to,
        None,
        None,
        &[(COOKIE.as_str(), &header)],
    )
    .await
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> Page {
    fetch(app, Method::GET, path, Some(cookie), None, &[]).await
}

async fn post(app: &TestApp, path: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
    fetch(app, Method::POST, path, Some(cookie), Some(form), &[]).await
}

async fn session_of(app: &TestApp, email: &str) -> String {
    let form = [
        ("email", email),
        ("password", DEMO_PASSWORD),
        ("next", "/communities"),
    ];
    let p = fetch(app, Method::POST, "/login", None, Some(&form), &[]).await;
    assert_eq!(p.status, 303, "sign-in redirects: {}", p.html);
    p.cookie(SESSION).expect("a session cookie")
}

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
