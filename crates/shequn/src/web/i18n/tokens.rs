//! `/account/tokens`. `{name}` is the token's purpose (see [`super::Text::fill`]).

pub struct Tokens {
    pub title: &'static str,
    /// The token's name, as the form asks for it: what it is for.
    pub name: &'static str,
    /// The token's first characters, to tell tokens apart.
    pub prefix: &'static str,
    pub expires_in_days: &'static str,
    pub expires: &'static str,
    pub revoke: &'static str,
    pub new_token: &'static str,
    pub copy_now: &'static str,
    /// Status words of a token.
    pub active: &'static str,
    pub expired: &'static str,
    pub revoked: &'static str,
    pub confirm_revoke: &'static str,
    pub done_created: &'static str,
    pub done_revoked: &'static str,
}

pub const ZH: Tokens = Tokens {
    title: "API 令牌",
    name: "用途",
    prefix: "令牌开头",
    expires_in_days: "有效天数（1–365，默认 90）",
    expires: "到期",
    revoke: "吊销",
    new_token: "新增令牌",
    copy_now: "请立即复制此令牌，它只显示这一次：",
    active: "有效",
    expired: "已过期",
    revoked: "已吊销",
    confirm_revoke: "确定吊销令牌「{name}」吗？吊销后无法恢复。",
    done_created: "已创建令牌「{name}」",
    done_revoked: "已吊销令牌「{name}」",
};

pub const EN: Tokens = Tokens {
    title: "API tokens",
    name: "Purpose",
    prefix: "Starts with",
    expires_in_days: "Valid for days (1–365, default 90)",
    expires: "Expires",
    revoke: "Revoke",
    new_token: "New token",
    copy_now: "Copy this token now; it is shown only once:",
    active: "Active",
    expired: "Expired",
    revoked: "Revoked",
    confirm_revoke: "Revoke the token “{name}”? This cannot be undone.",
    done_created: "Token “{name}” created",
    done_revoked: "Token “{name}” revoked",
};
