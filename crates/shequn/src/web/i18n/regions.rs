//! `/regions`. `{name}` in a question or a done-message is the region's name (see
//! [`super::Text::fill`]).

pub struct Regions {
    pub new_region: &'static str,
    /// Status words of a region.
    pub active: &'static str,
    pub inactive: &'static str,
    pub confirm_deactivate: &'static str,
    pub done_created: &'static str,
    pub done_saved: &'static str,
    pub done_deactivated: &'static str,
    pub done_reactivated: &'static str,
}

pub const ZH: Regions = Regions {
    new_region: "新增大区",
    active: "启用",
    inactive: "停用",
    confirm_deactivate: "确定停用大区「{name}」吗？",
    done_created: "已新增大区「{name}」",
    done_saved: "已保存大区「{name}」",
    done_deactivated: "已停用大区「{name}」",
    done_reactivated: "已重新启用大区「{name}」",
};

pub const EN: Regions = Regions {
    new_region: "New region",
    active: "Active",
    inactive: "Inactive",
    confirm_deactivate: "Deactivate the region “{name}”?",
    done_created: "Region “{name}” created",
    done_saved: "Region “{name}” saved",
    done_deactivated: "Region “{name}” deactivated",
    done_reactivated: "Region “{name}” reactivated",
};
