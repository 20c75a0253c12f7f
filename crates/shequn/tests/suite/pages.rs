//! A console client for tests: requests with the session cookie, the page as text, its
//! cookies, flash, links and CSRF token. Shared by every console test module.

use reqwest::Method;
use reqwest::header::{CACHE_CONTROL, COOKIE, LOCATION, SET_COOKIE};

use crate::common::*;

pub const SESSION: &str = "shequn_session";
pub const FLASH: &str = "shequn_flash";
pub const NEW_TOKEN: &str = "shequn_new_token";

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub cache_control: Option<String>,
    pub html: String,
}

impl Page {
    /// The value this response sets for cookie `name` ("" when it clears it), if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie.iter().find_map(|c| {
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            pair.strip_prefix(&format!("{name}=")).map(str::to_owned)
        })
    }

    /// The whole `Set-Cookie` line for cookie `name`, if any.
    pub fn cookie_line(&self, name: &str) -> Option<&str> {
        self.set_cookie
            .iter()
            .map(String::as_str)
            .find(|c| c.starts_with(&format!("{name}=")))
    }

    /// The value this response sets for the session cookie, if any.
    pub fn session(&self) -> Option<String> {
        self.cookie(SESSION)
    }

    /// The done-message the page shows, if any.
    pub fn flash(&self) -> Option<&str> {
        let open = r#"<p class="flash" id="flash" role="status">"#;
        let at = self.html.find(open)? + open.len();
        let rest = &self.html[at..];
        Some(&rest[..rest.find("</p>")?])
    }

    /// The address of the link with this id (HTML entities of `&` undone), if any.
    pub fn link(&self, id: &str) -> Option<String> {
        let open = format!(r#"id="{id}" href=""#);
        let at = self.html.find(&open)? + open.len();
        let rest = &self.html[at..];
        Some(
            rest[..rest.find('"')?]
                .replace("&#38;", "&")
                .replace("&amp;", "&"),
        )
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let at = self
            .html
            .find(r#"name="_csrf" value=""#)
            .expect("a form with a CSRF token");
        let rest = &self.html[at + r#"name="_csrf" value=""#.len()..];
        rest[..rest.find('"').expect("end of the token")].to_owned()
    }

    /// The number in the list's 共 N 条.
    pub fn total(&self) -> Option<i64> {
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
    pub fn part(&self, open: &str, close: &str) -> &str {
        let at = self
            .html
            .find(open)
            .unwrap_or_else(|| panic!("{open} on the page: {}", self.html));
        let rest = &self.html[at..];
        &rest[..rest.find(close).expect("the end of the part")]
    }

    /// The list row of the customer named `nickname`.
    pub fn row(&self, nickname: &str) -> &str {
        self.part(&format!(">{nickname}</a>"), "</tr>")
    }
}

pub async fn fetch(
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
        cache_control: res
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        html: res.text().await.unwrap_or_default(),
    }
}

/// The page a redirect leads to, fetched as a browser would: with the session and the
/// cookies the redirect set (a cleared cookie is dropped, a new session replaces the old).
pub async fn follow(app: &TestApp, from: &Page, session: &str) -> Page {
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

pub async fn get(app: &TestApp, path: &str, cookie: &str) -> Page {
    fetch(app, Method::GET, path, Some(cookie), None, &[]).await
}

pub async fn post(app: &TestApp, path: &str, cookie: &str, form: &[(&str, &str)]) -> Page {
    fetch(app, Method::POST, path, Some(cookie), Some(form), &[]).await
}

pub async fn sign_in(app: &TestApp, email: &str, previous: Option<&str>) -> Page {
    let form = [
        ("email", email),
        ("password", DEMO_PASSWORD),
        ("next", "/stores"),
    ];
    fetch(app, Method::POST, "/login", previous, Some(&form), &[]).await
}

pub async fn session_of(app: &TestApp, email: &str) -> String {
    let p = sign_in(app, email, None).await;
    assert_eq!(p.status, 303, "sign-in redirects: {}", p.html);
    p.session().expect("a session cookie")
}

/// Whether the cookie still opens the console (rather than sending us to the login page).
pub async fn signed_in(app: &TestApp, cookie: &str) -> bool {
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
