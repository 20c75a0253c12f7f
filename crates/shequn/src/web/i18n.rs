//! Console text in Chinese (zh-CN) and English. Structs rather than a key lookup: a text
//! missing in one language is a compile error, and templates read fields, not strings
//! (`c.t.stores.open`). One struct per area, each in its own file under `i18n/` with both
//! languages side by side; a new page family adds its file and one field of [`Text`].
//! The language comes from the `shequn_lang` cookie, else the browser's Accept-Language.

pub mod account;
pub mod audit;
pub mod common;
pub mod communities;
pub mod customers;
pub mod errors;
pub mod home;
pub mod import;
pub mod jobs;
pub mod login;
pub mod nav;
pub mod orders;
pub mod payments;
pub mod privacy;
pub mod products;
pub mod refunds;
pub mod regions;
pub mod screening;
pub mod segments;
pub mod settings;
pub mod staff;
pub mod stores;
pub mod tokens;

use axum::http::HeaderMap;

use crate::http::auth::cookie;

pub const LANG_COOKIE: &str = "shequn_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The cookie wins; then the first language the browser lists that we speak; then zh.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(l) = cookie(headers, LANG_COOKIE).and_then(Lang::parse) {
            return l;
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
            })
            .unwrap_or(Lang::Zh)
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// Every text of the console in one language, by area.
pub struct Text {
    pub common: common::Common,
    pub nav: nav::Nav,
    pub login: login::Login,
    pub home: home::Home,
    pub regions: regions::Regions,
    pub stores: stores::Stores,
    pub staff: staff::Staff,
    pub communities: communities::Communities,
    pub customers: customers::Customers,
    pub products: products::Products,
    pub orders: orders::Orders,
    pub refunds: refunds::Refunds,
    pub payments: payments::Payments,
    pub import: import::Import,
    pub jobs: jobs::Jobs,
    pub screening: screening::Screening,
    pub segments: segments::Segments,
    pub settings: settings::Settings,
    pub privacy: privacy::Privacy,
    pub tokens: tokens::Tokens,
    pub audit: audit::Audit,
    pub account: account::Account,
    pub errors: errors::Errors,
}

pub static ZH: Text = Text {
    common: common::ZH,
    nav: nav::ZH,
    login: login::ZH,
    home: home::ZH,
    regions: regions::ZH,
    stores: stores::ZH,
    staff: staff::ZH,
    communities: communities::ZH,
    customers: customers::ZH,
    products: products::ZH,
    orders: orders::ZH,
    refunds: refunds::ZH,
    payments: payments::ZH,
    import: import::ZH,
    jobs: jobs::ZH,
    screening: screening::ZH,
    segments: segments::ZH,
    settings: settings::ZH,
    privacy: privacy::ZH,
    tokens: tokens::ZH,
    audit: audit::ZH,
    account: account::ZH,
    errors: errors::ZH,
};

pub static EN: Text = Text {
    common: common::EN,
    nav: nav::EN,
    login: login::EN,
    home: home::EN,
    regions: regions::EN,
    stores: stores::EN,
    staff: staff::EN,
    communities: communities::EN,
    customers: customers::EN,
    products: products::EN,
    orders: orders::EN,
    refunds: refunds::EN,
    payments: payments::EN,
    import: import::EN,
    jobs: jobs::EN,
    screening: screening::EN,
    segments: segments::EN,
    settings: settings::EN,
    privacy: privacy::EN,
    tokens: tokens::EN,
    audit: audit::EN,
    account: account::EN,
    errors: errors::EN,
};

impl Text {
    /// A sentence naming its object: `{name}` and `{code}` in `template` become `name` and
    /// `code`, in one pass (a name that itself contains `{code}` stays as written). For
    /// confirmation questions and for what a done-message says was done.
    pub fn fill(&self, template: &str, name: &str, code: &str) -> String {
        let mut out = String::with_capacity(template.len() + name.len() + code.len());
        let mut rest = template;
        while let Some(at) = rest.find('{') {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            if let Some(after) = tail.strip_prefix("{name}") {
                out.push_str(name);
                rest = after;
            } else if let Some(after) = tail.strip_prefix("{code}") {
                out.push_str(code);
                rest = after;
            } else {
                out.push('{');
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_names_its_object_in_each_language() {
        assert_eq!(
            ZH.fill(ZH.stores.confirm_close, "上海南京西路店", "SH-001"),
            "确定停用门店 上海南京西路店（SH-001）吗？"
        );
        assert_eq!(
            EN.fill(EN.stores.confirm_close, "Nanjing Road", "SH-001"),
            "Close the store Nanjing Road (SH-001)?"
        );
        assert_eq!(
            ZH.fill(ZH.stores.done_closed, "上海南京西路店", "SH-001"),
            "已停用门店 上海南京西路店（SH-001）"
        );
        // A name is inserted as written, never read as a placeholder.
        assert_eq!(
            ZH.fill(ZH.regions.confirm_deactivate, "{code}区", "X"),
            "确定停用大区「{code}区」吗？"
        );
        assert_eq!(ZH.fill("a { b", "n", "c"), "a { b");
    }

    #[test]
    fn chinese_texts_use_full_width_punctuation() {
        for text in [
            ZH.login.tagline,
            ZH.login.rate_limited,
            ZH.login.choose_brand,
            ZH.account.password_changed,
            ZH.errors.not_found,
            ZH.errors.csrf_failed,
            ZH.tokens.expires_in_days,
            ZH.tokens.copy_now,
            ZH.tokens.confirm_revoke,
            ZH.tokens.done_created,
            ZH.tokens.done_revoked,
            ZH.staff.reset_password,
            ZH.staff.confirm_deactivate,
            ZH.staff.confirm_reset_password,
            ZH.staff.done_created,
            ZH.staff.done_saved,
            ZH.staff.done_deactivated,
            ZH.staff.done_reactivated,
            ZH.staff.done_password_reset,
            ZH.stores.confirm_close,
            ZH.stores.done_created,
            ZH.stores.done_saved,
            ZH.stores.done_closed,
            ZH.stores.done_reopened,
            ZH.regions.confirm_deactivate,
            ZH.regions.done_created,
            ZH.regions.done_saved,
            ZH.regions.done_deactivated,
            ZH.regions.done_reactivated,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
