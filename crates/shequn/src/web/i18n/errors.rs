//! Error pages. (Form errors are worded in `web/error_text.rs`, from their codes.)

pub struct Errors {
    pub title: &'static str,
    pub not_found: &'static str,
    pub forbidden: &'static str,
    pub csrf_failed: &'static str,
    pub too_large: &'static str,
}

pub const ZH: Errors = Errors {
    title: "出错了",
    not_found: "页面不存在，或你无权查看",
    forbidden: "你的角色不能执行此操作",
    csrf_failed: "表单已过期，请刷新页面后重试",
    too_large: "提交的内容太大",
};

pub const EN: Errors = Errors {
    title: "Something went wrong",
    not_found: "This page does not exist, or you may not see it",
    forbidden: "Your role may not do this",
    csrf_failed: "The form expired; reload the page and try again",
    too_large: "What was sent is too large",
};
