//! `/stores`. `{name}` and `{code}` are the store's (see [`super::Text::fill`]).

pub struct Stores {
    pub region: &'static str,
    pub new_store: &'static str,
    pub all_regions: &'static str,
    /// Status words of a store.
    pub open: &'static str,
    pub closed: &'static str,
    pub close: &'static str,
    pub reopen: &'static str,
    pub confirm_close: &'static str,
    pub done_created: &'static str,
    pub done_saved: &'static str,
    pub done_closed: &'static str,
    pub done_reopened: &'static str,
}

pub const ZH: Stores = Stores {
    region: "大区",
    new_store: "新增门店",
    all_regions: "全部大区",
    open: "营业中",
    closed: "已停用",
    close: "停用门店",
    reopen: "恢复营业",
    confirm_close: "确定停用门店 {name}（{code}）吗？",
    done_created: "已新增门店 {name}（{code}）",
    done_saved: "已保存门店 {name}（{code}）",
    done_closed: "已停用门店 {name}（{code}）",
    done_reopened: "门店 {name}（{code}）已恢复营业",
};

pub const EN: Stores = Stores {
    region: "Region",
    new_store: "New store",
    all_regions: "All regions",
    open: "Open",
    closed: "Closed",
    close: "Close store",
    reopen: "Reopen store",
    confirm_close: "Close the store {name} ({code})?",
    done_created: "Store {name} ({code}) opened",
    done_saved: "Store {name} ({code}) saved",
    done_closed: "Store {name} ({code}) closed",
    done_reopened: "Store {name} ({code}) reopened",
};
