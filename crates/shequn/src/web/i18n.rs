//! Console text in Chinese (zh-CN) and English. A struct rather than a key lookup: a text
//! missing in one language is a compile error, and templates read fields, not strings.
//! The language comes from the `shequn_lang` cookie, else the browser's Accept-Language.

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

pub struct Text {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub login_title: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub bad_credentials: &'static str,
    pub rate_limited: &'static str,
    pub home: &'static str,
    pub regions: &'static str,
    pub stores: &'static str,
    pub staff: &'static str,
    pub account: &'static str,
    pub api_docs: &'static str,
    pub welcome: &'static str,
    pub brand: &'static str,
    pub role: &'static str,
    pub role_brand_admin: &'static str,
    pub role_region_manager: &'static str,
    pub role_store_manager: &'static str,
    pub role_shop_guide: &'static str,
    pub region: &'static str,
    pub store: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub display_name: &'static str,
    pub address: &'static str,
    pub status: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub created: &'static str,
    pub save: &'static str,
    pub create: &'static str,
    pub new_region: &'static str,
    pub new_store: &'static str,
    pub new_staff: &'static str,
    pub deactivate: &'static str,
    pub reactivate: &'static str,
    pub all_regions: &'static str,
    pub all_stores: &'static str,
    pub filter: &'static str,
    pub next_page: &'static str,
    pub none_yet: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_hint: &'static str,
    pub password_changed: &'static str,
    pub not_found: &'static str,
    pub forbidden: &'static str,
    pub csrf_failed: &'static str,
    pub saved: &'static str,
    pub created_ok: &'static str,
    pub active_regions: &'static str,
    pub active_stores: &'static str,
    pub active_staff: &'static str,
    pub language: &'static str,
    pub back: &'static str,
    pub edit: &'static str,
    pub details: &'static str,
    pub none: &'static str,
    pub your_scope: &'static str,
    pub first_password: &'static str,
    pub error_title: &'static str,
    pub api_tokens: &'static str,
    pub token_name: &'static str,
    pub expires_in_days: &'static str,
    pub expires: &'static str,
    pub revoke: &'static str,
    pub revoked: &'static str,
    pub new_token: &'static str,
    pub copy_token_now: &'static str,
    pub reset_password: &'static str,
    pub audit_log: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub action: &'static str,
    pub subject: &'static str,
    pub operator: &'static str,
    pub choose_brand: &'static str,
    pub brand_slug: &'static str,
    /// Punctuation that differs by language: full-width in Chinese.
    pub colon: &'static str,
    pub paren_open: &'static str,
    pub paren_close: &'static str,
    /// The phone-sized navigation's button.
    pub menu: &'static str,
    pub prev_page: &'static str,
    pub back_to_console: &'static str,
    /// The empty first choice of a new staff member's role: no role is preselected.
    pub choose_role: &'static str,
    // Status words that fit their object.
    pub store_open: &'static str,
    pub store_closed: &'static str,
    pub staff_active: &'static str,
    pub staff_inactive: &'static str,
    pub region_active: &'static str,
    pub region_inactive: &'static str,
    pub token_active: &'static str,
    pub token_expired: &'static str,
    pub close_store: &'static str,
    pub reopen_store: &'static str,
    pub reset: &'static str,
    // Confirmation questions before destructive actions; `{name}` and `{code}` are
    // filled in by [`Text::ask`].
    pub confirm_close_store: &'static str,
    pub confirm_deactivate_region: &'static str,
    pub confirm_deactivate_staff: &'static str,
    pub confirm_revoke_token: &'static str,
    pub confirm_reset_password: &'static str,
}

pub static ZH: Text = Text {
    app_name: "社群",
    tagline: "品牌社群电商：门店、导购、社群与会员",
    login_title: "员工登录",
    email: "邮箱",
    password: "密码",
    sign_in: "登录",
    sign_out: "退出",
    bad_credentials: "邮箱或密码错误",
    rate_limited: "尝试次数过多，请稍后再试",
    home: "首页",
    regions: "大区",
    stores: "门店",
    staff: "员工",
    account: "账号",
    api_docs: "API 文档",
    welcome: "欢迎，",
    brand: "品牌",
    role: "角色",
    role_brand_admin: "品牌管理员",
    role_region_manager: "大区经理",
    role_store_manager: "店长",
    role_shop_guide: "导购",
    region: "大区",
    store: "门店",
    code: "编码",
    name: "名称",
    display_name: "姓名",
    address: "地址",
    status: "状态",
    active: "营业中",
    inactive: "已停用",
    created: "创建时间",
    save: "保存",
    create: "创建",
    new_region: "新增大区",
    new_store: "新增门店",
    new_staff: "新增员工",
    deactivate: "停用",
    reactivate: "重新启用",
    all_regions: "全部大区",
    all_stores: "全部门店",
    filter: "筛选",
    next_page: "下一页",
    none_yet: "暂无数据",
    change_password: "修改密码",
    current_password: "当前密码",
    new_password: "新密码",
    password_hint: "10 到 128 个字符",
    password_changed: "密码已修改，其他会话已退出",
    not_found: "页面不存在，或你无权查看",
    forbidden: "你的角色不能执行此操作",
    csrf_failed: "表单已过期，请刷新页面后重试",
    saved: "已保存",
    created_ok: "已创建",
    active_regions: "大区",
    active_stores: "营业门店",
    active_staff: "在职员工",
    language: "语言",
    back: "返回",
    edit: "编辑",
    details: "详情",
    none: "无",
    your_scope: "你的范围",
    first_password: "初始密码",
    error_title: "出错了",
    api_tokens: "API 令牌",
    token_name: "用途",
    expires_in_days: "有效天数（1–365，默认 90）",
    expires: "到期",
    revoke: "吊销",
    revoked: "已吊销",
    new_token: "新增令牌",
    copy_token_now: "请立即复制此令牌，它只显示这一次：",
    reset_password: "重置密码（其会话与令牌将失效）",
    audit_log: "操作日志",
    when: "时间",
    who: "操作人",
    action: "操作",
    subject: "对象",
    operator: "系统运维",
    choose_brand: "该邮箱在多个品牌有账号，请填写品牌标识",
    brand_slug: "品牌标识",
    colon: "：",
    paren_open: "（",
    paren_close: "）",
    menu: "菜单",
    prev_page: "上一页",
    back_to_console: "返回控制台",
    choose_role: "请选择角色",
    store_open: "营业中",
    store_closed: "已停用",
    staff_active: "在职",
    staff_inactive: "已停用",
    region_active: "启用",
    region_inactive: "停用",
    token_active: "有效",
    token_expired: "已过期",
    close_store: "停用门店",
    reopen_store: "恢复营业",
    reset: "重置密码",
    confirm_close_store: "确定停用门店 {name}（{code}）吗？",
    confirm_deactivate_region: "确定停用大区「{name}」吗？",
    confirm_deactivate_staff: "确定停用员工 {name}（{code}）吗？",
    confirm_revoke_token: "确定吊销令牌「{name}」吗？吊销后无法恢复。",
    confirm_reset_password: "确定重置 {name}（{code}）的密码吗？其会话与令牌将失效。",
};

pub static EN: Text = Text {
    app_name: "shequn",
    tagline: "Community commerce for brands: stores, shop guides, communities and members",
    login_title: "Staff sign-in",
    email: "Email",
    password: "Password",
    sign_in: "Sign in",
    sign_out: "Sign out",
    bad_credentials: "The email or password is wrong",
    rate_limited: "Too many attempts; please wait and try again",
    home: "Home",
    regions: "Regions",
    stores: "Stores",
    staff: "Staff",
    account: "Account",
    api_docs: "API docs",
    welcome: "Welcome, ",
    brand: "Brand",
    role: "Role",
    role_brand_admin: "Brand admin",
    role_region_manager: "Region manager",
    role_store_manager: "Store manager",
    role_shop_guide: "Shop guide",
    region: "Region",
    store: "Store",
    code: "Code",
    name: "Name",
    display_name: "Name",
    address: "Address",
    status: "Status",
    active: "Active",
    inactive: "Deactivated",
    created: "Created",
    save: "Save",
    create: "Create",
    new_region: "New region",
    new_store: "New store",
    new_staff: "New staff member",
    deactivate: "Deactivate",
    reactivate: "Reactivate",
    all_regions: "All regions",
    all_stores: "All stores",
    filter: "Filter",
    next_page: "Next page",
    none_yet: "Nothing here yet",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_hint: "10 to 128 characters",
    password_changed: "Password changed; other sessions were signed out",
    not_found: "This page does not exist, or you may not see it",
    forbidden: "Your role may not do this",
    csrf_failed: "The form expired; reload the page and try again",
    saved: "Saved",
    created_ok: "Created",
    active_regions: "Regions",
    active_stores: "Active stores",
    active_staff: "Active staff",
    language: "Language",
    back: "Back",
    edit: "Edit",
    details: "Details",
    none: "None",
    your_scope: "Your scope",
    first_password: "First password",
    error_title: "Something went wrong",
    api_tokens: "API tokens",
    token_name: "Purpose",
    expires_in_days: "Valid for days (1–365, default 90)",
    expires: "Expires",
    revoke: "Revoke",
    revoked: "Revoked",
    new_token: "New token",
    copy_token_now: "Copy this token now; it is shown only once:",
    reset_password: "Reset password (ends their sessions and tokens)",
    audit_log: "Audit log",
    when: "When",
    who: "Who",
    action: "Action",
    subject: "Subject",
    operator: "Operator",
    choose_brand: "This email has accounts in several brands; enter the brand",
    brand_slug: "Brand (slug)",
    colon: ": ",
    paren_open: " (",
    paren_close: ")",
    menu: "Menu",
    prev_page: "Previous page",
    back_to_console: "Back to console",
    choose_role: "Choose a role",
    store_open: "Open",
    store_closed: "Closed",
    staff_active: "Active",
    staff_inactive: "Deactivated",
    region_active: "Active",
    region_inactive: "Inactive",
    token_active: "Active",
    token_expired: "Expired",
    close_store: "Close store",
    reopen_store: "Reopen store",
    reset: "Reset password",
    confirm_close_store: "Close the store {name} ({code})?",
    confirm_deactivate_region: "Deactivate the region “{name}”?",
    confirm_deactivate_staff: "Deactivate {name} ({code})?",
    confirm_revoke_token: "Revoke the token “{name}”? This cannot be undone.",
    confirm_reset_password: "Reset the password of {name} ({code})? Their sessions and tokens end.",
};

impl Text {
    pub fn role(&self, role: &str) -> &'static str {
        match role {
            "brand_admin" => self.role_brand_admin,
            "region_manager" => self.role_region_manager,
            "store_manager" => self.role_store_manager,
            _ => self.role_shop_guide,
        }
    }

    /// A confirmation question naming its object: `{name}` and `{code}` in `question`
    /// become `name` and `code`, in one pass (a name that itself contains `{code}` stays
    /// as written).
    pub fn ask(&self, question: &str, name: &str, code: &str) -> String {
        let mut out = String::with_capacity(question.len() + name.len() + code.len());
        let mut rest = question;
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
    fn a_confirmation_names_its_object_in_each_language() {
        assert_eq!(
            ZH.ask(ZH.confirm_close_store, "上海南京西路店", "SH-001"),
            "确定停用门店 上海南京西路店（SH-001）吗？"
        );
        assert_eq!(
            EN.ask(EN.confirm_close_store, "Nanjing Road", "SH-001"),
            "Close the store Nanjing Road (SH-001)?"
        );
        // A name is inserted as written, never read as a placeholder.
        assert_eq!(
            ZH.ask(ZH.confirm_deactivate_region, "{code}区", "X"),
            "确定停用大区「{code}区」吗？"
        );
        assert_eq!(ZH.ask("a { b", "n", "c"), "a { b");
    }

    #[test]
    fn chinese_texts_use_full_width_punctuation() {
        for text in [
            ZH.tagline,
            ZH.rate_limited,
            ZH.password_changed,
            ZH.not_found,
            ZH.csrf_failed,
            ZH.expires_in_days,
            ZH.copy_token_now,
            ZH.reset_password,
            ZH.choose_brand,
            ZH.confirm_close_store,
            ZH.confirm_deactivate_region,
            ZH.confirm_deactivate_staff,
            ZH.confirm_revoke_token,
            ZH.confirm_reset_password,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
