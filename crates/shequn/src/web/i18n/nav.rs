//! The layout: navigation, the signed-in member's badge, the way back to the console.

pub struct Nav {
    pub home: &'static str,
    pub regions: &'static str,
    pub stores: &'static str,
    pub staff: &'static str,
    pub communities: &'static str,
    pub customers: &'static str,
    pub audit_log: &'static str,
    pub account: &'static str,
    pub api_docs: &'static str,
    /// The phone-sized navigation's button.
    pub menu: &'static str,
    pub sign_out: &'static str,
    pub back_to_console: &'static str,
    pub welcome: &'static str,
    pub brand: &'static str,
    pub role: &'static str,
    pub your_scope: &'static str,
}

pub const ZH: Nav = Nav {
    home: "首页",
    regions: "大区",
    stores: "门店",
    staff: "员工",
    communities: "社群",
    customers: "顾客",
    audit_log: "操作日志",
    account: "账号",
    api_docs: "API 文档",
    menu: "菜单",
    sign_out: "退出",
    back_to_console: "返回控制台",
    welcome: "欢迎，",
    brand: "品牌",
    role: "角色",
    your_scope: "你的范围",
};

pub const EN: Nav = Nav {
    home: "Home",
    regions: "Regions",
    stores: "Stores",
    staff: "Staff",
    communities: "Communities",
    customers: "Customers",
    audit_log: "Audit log",
    account: "Account",
    api_docs: "API docs",
    menu: "Menu",
    sign_out: "Sign out",
    back_to_console: "Back to console",
    welcome: "Welcome, ",
    brand: "Brand",
    role: "Role",
    your_scope: "Your scope",
};
