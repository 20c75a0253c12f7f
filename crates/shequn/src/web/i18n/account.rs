//! `/account`: the member's own password.

pub struct Account {
    pub title: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_changed: &'static str,
}

pub const ZH: Account = Account {
    title: "账号",
    change_password: "修改密码",
    current_password: "当前密码",
    new_password: "新密码",
    password_changed: "密码已修改，其他会话已退出",
};

pub const EN: Account = Account {
    title: "Account",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password",
    password_changed: "Password changed; other sessions were signed out",
};
