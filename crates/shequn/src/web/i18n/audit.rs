//! `/audit`: the operation log.

pub struct Audit {
    pub title: &'static str,
    pub when: &'static str,
    pub who: &'static str,
    pub action: &'static str,
    pub subject: &'static str,
    pub details: &'static str,
    /// Who an event was done by when no staff member did it (the CLI).
    pub operator: &'static str,
}

pub const ZH: Audit = Audit {
    title: "操作日志",
    when: "时间",
    who: "操作人",
    action: "操作",
    subject: "对象",
    details: "详情",
    operator: "系统运维",
};

pub const EN: Audit = Audit {
    title: "Audit log",
    when: "When",
    who: "Who",
    action: "Action",
    subject: "Subject",
    details: "Details",
    operator: "Operator",
};
