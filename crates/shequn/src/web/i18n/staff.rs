//! `/staff`. `{name}` is the member's name and `{code}` their email (see
//! [`super::Text::fill`]).

pub struct Staff {
    pub display_name: &'static str,
    pub role: &'static str,
    pub role_brand_admin: &'static str,
    pub role_region_manager: &'static str,
    pub role_store_manager: &'static str,
    pub role_shop_guide: &'static str,
    /// The empty first choice of a new staff member's role: no role is preselected.
    pub choose_role: &'static str,
    pub new_staff: &'static str,
    pub region: &'static str,
    pub store: &'static str,
    pub all_stores: &'static str,
    /// Status words of a staff member.
    pub active: &'static str,
    pub inactive: &'static str,
    pub first_password: &'static str,
    pub reset_password: &'static str,
    pub reset: &'static str,
    pub confirm_deactivate: &'static str,
    pub confirm_reset_password: &'static str,
    pub done_created: &'static str,
    pub done_saved: &'static str,
    pub done_deactivated: &'static str,
    pub done_reactivated: &'static str,
    pub done_password_reset: &'static str,
}

impl Staff {
    /// A role's name, from its stored form (`Role::as_str`).
    pub fn role_name(&self, role: &str) -> &'static str {
        match role {
            "brand_admin" => self.role_brand_admin,
            "region_manager" => self.role_region_manager,
            "store_manager" => self.role_store_manager,
            _ => self.role_shop_guide,
        }
    }
}

pub const ZH: Staff = Staff {
    display_name: "姓名",
    role: "角色",
    role_brand_admin: "品牌管理员",
    role_region_manager: "大区经理",
    role_store_manager: "店长",
    role_shop_guide: "导购",
    choose_role: "请选择角色",
    new_staff: "新增员工",
    region: "大区",
    store: "门店",
    all_stores: "全部门店",
    active: "在职",
    inactive: "已停用",
    first_password: "初始密码",
    reset_password: "重置密码（其会话与令牌将失效）",
    reset: "重置密码",
    confirm_deactivate: "确定停用员工 {name}（{code}）吗？",
    confirm_reset_password: "确定重置 {name}（{code}）的密码吗？其会话与令牌将失效。",
    done_created: "已新增员工 {name}（{code}）",
    done_saved: "已保存员工 {name}（{code}）",
    done_deactivated: "已停用员工 {name}（{code}）",
    done_reactivated: "已重新启用员工 {name}（{code}）",
    done_password_reset: "已重置 {name}（{code}）的密码，其会话与令牌已失效",
};

pub const EN: Staff = Staff {
    display_name: "Name",
    role: "Role",
    role_brand_admin: "Brand admin",
    role_region_manager: "Region manager",
    role_store_manager: "Store manager",
    role_shop_guide: "Shop guide",
    choose_role: "Choose a role",
    new_staff: "New staff member",
    region: "Region",
    store: "Store",
    all_stores: "All stores",
    active: "Active",
    inactive: "Deactivated",
    first_password: "First password",
    reset_password: "Reset password (ends their sessions and tokens)",
    reset: "Reset password",
    confirm_deactivate: "Deactivate {name} ({code})?",
    confirm_reset_password: "Reset the password of {name} ({code})? Their sessions and tokens end.",
    done_created: "Added {name} ({code})",
    done_saved: "Saved {name} ({code})",
    done_deactivated: "Deactivated {name} ({code})",
    done_reactivated: "Reactivated {name} ({code})",
    done_password_reset: "Reset the password of {name} ({code}); their sessions and tokens ended",
};
