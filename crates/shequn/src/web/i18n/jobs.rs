//! `/jobs` (后台任务): the brand's durable jobs, retried or cancelled by brand admins.
//! `{name}` in a done-message is a job's kind and `{code}` its id (see
//! [`super::Text::fill`]).

pub struct Jobs {
    /// The nav item and the page's title.
    pub title: &'static str,
    pub intro: &'static str,
    /// The status filter's choice that lists every job.
    pub all: &'static str,
    /// The column of a job's number and kind.
    pub job: &'static str,
    pub status_scheduled: &'static str,
    pub status_running: &'static str,
    pub status_done: &'static str,
    pub status_dead: &'static str,
    pub status_cancelled: &'static str,
    pub run_at: &'static str,
    pub attempts: &'static str,
    pub last_error: &'static str,
    pub retry: &'static str,
    pub cancel: &'static str,
    pub confirm_retry: &'static str,
    pub confirm_cancel: &'static str,
    pub done_retried: &'static str,
    pub done_cancelled: &'static str,
}

impl Jobs {
    /// A job's status word, from its stored form (`JobStatus::as_str`).
    pub fn status_name(&self, status: &str) -> &'static str {
        match status {
            "scheduled" => self.status_scheduled,
            "running" => self.status_running,
            "done" => self.status_done,
            "dead" => self.status_dead,
            _ => self.status_cancelled,
        }
    }
}

pub const ZH: Jobs = Jobs {
    title: "后台任务",
    intro: "后台任务按计划时间自动执行；失败后会隔一段时间自动重试，多次失败后停下，等待重试或取消。",
    all: "全部",
    job: "任务",
    status_scheduled: "待执行",
    status_running: "执行中",
    status_done: "已完成",
    status_dead: "已失败",
    status_cancelled: "已取消",
    run_at: "计划时间",
    attempts: "尝试次数",
    last_error: "最近错误",
    retry: "重试",
    cancel: "取消",
    confirm_retry: "重新执行这个任务？",
    confirm_cancel: "取消后任务不会再执行，确定取消吗？",
    done_retried: "任务 #{code}（{name}）将重新执行",
    done_cancelled: "已取消任务 #{code}（{name}）",
};

pub const EN: Jobs = Jobs {
    title: "Jobs",
    intro: "Jobs run on their own at the scheduled time. A failed job is tried again after a while; after several failures it stops and waits to be retried or cancelled.",
    all: "All",
    job: "Job",
    status_scheduled: "Scheduled",
    status_running: "Running",
    status_done: "Done",
    status_dead: "Failed",
    status_cancelled: "Cancelled",
    run_at: "Scheduled for",
    attempts: "Attempts",
    last_error: "Last error",
    retry: "Retry",
    cancel: "Cancel",
    confirm_retry: "Run this job again?",
    confirm_cancel: "A cancelled job does not run again. Cancel it?",
    done_retried: "Job #{code} ({name}) will run again",
    done_cancelled: "Cancelled job #{code} ({name})",
};
