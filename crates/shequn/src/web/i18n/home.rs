//! `/`: the figures of the member's scope.

pub struct Home {
    pub active_regions: &'static str,
    pub active_stores: &'static str,
    pub active_staff: &'static str,
}

pub const ZH: Home = Home {
    active_regions: "大区",
    active_stores: "营业门店",
    active_staff: "在职员工",
};

pub const EN: Home = Home {
    active_regions: "Regions",
    active_stores: "Active stores",
    active_staff: "Active staff",
};
