//! The console's customer import (导入顾客, `/customers/import`) over real HTTP: a file
//! with one bad line imports nothing and the page lists that line and column; the fixed
//! file is checked (仅校验), then imported with its counts said; importing it again creates
//! nobody; only a brand admin with the session's token imports; a wrong header is said
//! beside the file input. No whole phone number ever shows.

use reqwest::header::{CACHE_CONTROL, COOKIE, LOCATION, SET_COOKIE};
use reqwest::multipart::{Form, Part};

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    a_bad_line_imports_nothing_and_the_fixed_file_imports_once,
    only_a_brand_admin_with_the_sessions_token_imports,
    a_wrong_header_is_refused_beside_the_file_input,
);

const PATH: &str = "/customers/import";
const HEADER: &str = "external_id,nickname,phone,channel,invited_by,tags,joined_at,community";
/// The demo community the fixed file puts its first customer in.
const COMMUNITY: &str = "上海南京西路店福利群";

/// Three customers; with `bad_phone`, the second (line 3) has a phone that is no number.
fn customers_csv(bad_phone: bool) -> String {
    let second = if bad_phone { "12345" } else { "13900000002" };
    format!(
        "{HEADER}\n\
         imp-1,导入一号,13900000001,new_media,,宝妈,2026-11-01,{COMMUNITY}\n\
         imp-2,导入二号,{second},,,,,\n\
         imp-3,导入三号,,event,imp-1,,,\n"
    )
}

/// Posts `csv` as the import form does: multipart, with the CSRF token and, when asked,
/// 仅校验 ticked.
async fn upload(app: &TestApp, cookie: &str, csrf: &str, csv: &str, dry_run: bool) -> Page {
    let file = Part::bytes(csv.as_bytes().to_vec())
        .file_name("customers.csv")
        .mime_str("text/csv")
        .expect("a MIME type");
    let mut form = Form::new()
        .text("_csrf", csrf.to_owned())
        .part("file", file);
    if dry_run {
        form = form.text("dry_run", "true");
    }
    let res = app
        .client
        .post(app.url(PATH))
        .header(COOKIE, format!("{SESSION}={cookie}"))
        .multipart(form)
        .send()
        .await
        .expect("the server answers");
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
        cache_control: res
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        html: res.text().await.unwrap_or_default(),
    }
}

#[track_caller]
fn no_whole_phone(page: &Page) {
    for phone in ["13900000001", "13900000002"] {
        assert!(!page.html.contains(phone), "{phone} shown: {}", page.html);
    }
}

async fn a_bad_line_imports_nothing_and_the_fixed_file_imports_once(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let form = get(&app, PATH, &cookie).await;
    assert_eq!(form.status, 200, "{}", form.html);
    assert_eq!(form.cache_control.as_deref(), Some("no-store"));
    assert!(
        form.html.contains(&format!(
            r#"<code id="import-header" class="wrap-anywhere">{HEADER}</code>"#
        )),
        "{}",
        form.html
    );
    assert!(
        form.html
            .contains("整份文件先校验，有任何错误则一行都不导入")
    );
    assert!(form.html.contains("仅校验（不导入）"));
    assert!(form.html.contains(r#"enctype="multipart/form-data""#));
    let csrf = form.csrf();
    let before = app.list_all(&demo.admin, "/api/v1/customers").await;

    let refused = upload(&app, &cookie, &csrf, &customers_csv(true), false).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("一行都没有导入"), "{}", refused.html);
    assert!(refused.html.contains("共 1 处错误"), "{}", refused.html);
    let lines = refused.part(r#"<table id="import-error-lines""#, "</table>");
    assert!(
        lines.contains(r#"data-label="行号">3</td>"#)
            && lines.contains("<code>phone</code>")
            && lines.contains("须为 11 位手机号，以 1 开头"),
        "{lines}"
    );
    assert!(
        !lines.contains(r#"data-label="行号">2</td>"#)
            && !lines.contains(r#"data-label="行号">4</td>"#),
        "only the bad line is listed: {lines}"
    );
    no_whole_phone(&refused);
    assert_eq!(
        app.list_all(&demo.admin, "/api/v1/customers").await,
        before,
        "nothing imported"
    );

    let fixed = customers_csv(false);
    let checked = upload(&app, &cookie, &csrf, &fixed, true).await;
    assert_eq!(checked.status, 303, "{}", checked.html);
    assert_eq!(checked.location.as_deref(), Some(PATH));
    let shown = follow(&app, &checked, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("校验通过，未导入。共 3 行，导入后将新建 3、更新 0。"),
        "{}",
        shown.html
    );
    assert_eq!(
        app.list_all(&demo.admin, "/api/v1/customers").await,
        before,
        "a dry run writes nothing"
    );

    let imported = upload(&app, &cookie, &csrf, &fixed, false).await;
    assert_eq!(imported.status, 303, "{}", imported.html);
    let shown = follow(&app, &imported, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("导入完成，共 3 行：新建 3、更新 0、入群 1。"),
        "{}",
        shown.html
    );
    no_whole_phone(&shown);
    let after = app.list_all(&demo.admin, "/api/v1/customers").await;
    assert_eq!(after.len(), before.len() + 3);
    let list = get(&app, "/customers?q=导入", &cookie).await;
    assert_eq!(list.total(), Some(3), "{}", list.html);
    assert!(list.row("导入一号").contains("139****0001"));
    no_whole_phone(&list);

    let again = upload(&app, &cookie, &csrf, &fixed, false).await;
    assert_eq!(again.status, 303, "{}", again.html);
    let shown = follow(&app, &again, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("导入完成，共 3 行：新建 0、更新 3、入群 0。"),
        "{}",
        shown.html
    );
    assert_eq!(
        app.list_all(&demo.admin, "/api/v1/customers").await.len(),
        before.len() + 3,
        "matched by external_id: nobody twice"
    );
}

async fn only_a_brand_admin_with_the_sessions_token_imports(app: TestApp) {
    let demo = app.demo().await;
    let before = app.list_all(&demo.admin, "/api/v1/customers").await;
    let fixed = customers_csv(false);

    let guide = session_of(&app, GUIDE01).await;
    let page = get(&app, PATH, &guide).await;
    assert_eq!(page.status, 403, "{}", page.html);
    // The guide's own token (from the sign-out form) does not open it either.
    let token = get(&app, "/", &guide).await.csrf();
    let posted = upload(&app, &guide, &token, &fixed, false).await;
    assert_eq!(posted.status, 403, "{}", posted.html);

    let admin = session_of(&app, ADMIN).await;
    let wrong = upload(&app, &admin, "not-the-token", &fixed, false).await;
    assert_eq!(wrong.status, 403, "{}", wrong.html);
    let other = session_of(&app, OTHER_ADMIN).await;
    let other_token = get(&app, PATH, &other).await.csrf();
    let borrowed = upload(&app, &admin, &other_token, &fixed, false).await;
    assert_eq!(borrowed.status, 403, "another session's token");
    // Without a session: the login page, as for any page.
    let anonymous = app
        .client
        .post(app.url(PATH))
        .multipart(Form::new().text("_csrf", token))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(anonymous.status().as_u16(), 303);

    assert_eq!(
        app.list_all(&demo.admin, "/api/v1/customers").await,
        before,
        "nothing imported"
    );
}

async fn a_wrong_header_is_refused_beside_the_file_input(app: TestApp) {
    let demo = app.demo().await;
    let before = app.list_all(&demo.admin, "/api/v1/customers").await;
    let cookie = session_of(&app, ADMIN).await;
    let csrf = get(&app, PATH, &cookie).await.csrf();

    let extra = format!("{HEADER},age\nimp-9,多一列,,,,,,,30\n");
    let refused = upload(&app, &cookie, &csrf, &extra, false).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let input = refused.part(r#"<input id="import-file""#, ">");
    assert!(input.contains(r#"aria-invalid="true""#), "{input}");
    let error = refused.part(r#"<small class="field-error" id="file-error">"#, "</small>");
    assert!(
        error.contains("「age」不是可用的列"),
        "the extra column is named: {error}"
    );
    assert!(
        !refused.html.contains(r#"id="import-errors""#),
        "no line was judged"
    );

    let missing = upload(&app, &cookie, &csrf, "external_id,nickname\nx,y\n", false).await;
    assert_eq!(missing.status, 422, "{}", missing.html);
    let error = missing.part(r#"<small class="field-error" id="file-error">"#, "</small>");
    assert!(error.contains("表头缺少「phone」列"), "{error}");

    // A file without its header: the first customer is taken as the header, and the page
    // names its first unknown column without the phone number that it is.
    let headless = "13900000001,imp-1,无表头,,,,,\n";
    let refused = upload(&app, &cookie, &csrf, headless, false).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    let error = refused.part(r#"<small class="field-error" id="file-error">"#, "</small>");
    assert!(error.contains("「***」不是可用的列"), "{error}");
    no_whole_phone(&refused);

    assert_eq!(
        app.list_all(&demo.admin, "/api/v1/customers").await,
        before,
        "nothing imported"
    );
}
