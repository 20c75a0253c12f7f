//! `/customers/import` (导入顾客): a brand admin uploads a CSV of customers, the same table
//! `shequn import customers` reads (`crate::customer_csv`), and the same use case imports
//! it: the whole file is checked first and any bad line refuses it, every bad line listed
//! (line, column, reason); customers are matched by external id. 仅校验 checks and writes
//! nothing. A file whose header is wrong is refused beside the file input.
//!
//! The upload is `multipart/form-data`, which the console's CSRF middleware (urlencoded
//! bodies of at most 64 KiB) cannot read: this router is merged outside that layer
//! (`web::router`), and [`upload`] checks the form's `_csrf` field itself, the same way
//! (the session's token, compared in constant time) before it looks at the file. The
//! same-origin check and the page headers still apply. Phone numbers never reach the page:
//! the page words each of the use case's reasons itself, without the value some of them
//! quote, and masks long digit runs in anything it does not know.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use shequn_app::AppError;
use shequn_app::usecases::brands;
use shequn_app::usecases::import::{ImportError, LineError};
use shequn_app::usecases::import_customers::{self, CustomerImportReport, MAX_ERRORS, MAX_LINES};
use shequn_domain::{Channel, Reason, Role};

use super::chrome::{Chrome, error_page, failure_page, render};
use super::csrf;
use super::error_text::reason_text;
use super::form::{FormState, REFUSED};
use super::i18n::{Lang, Text};
use super::session::Console;
use crate::customer_csv::{self, COLUMNS, CsvError};
use crate::http::auth::secrets_equal;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    // The console's body limit is 64 KiB; this route alone takes a file.
    Router::new()
        .route(PATH, get(page).post(upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

const PATH: &str = "/customers/import";

/// The nav item of this page: it belongs to the customers.
const NAV: &str = "customers";

/// The largest file taken.
const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The largest upload: the file, the other fields and the multipart framing.
const MAX_UPLOAD_BYTES: usize = MAX_FILE_BYTES + 64 * 1024;

/// The most bad lines the page lists; the rest are counted.
const SHOWN_ERRORS: usize = 200;

/// Why a member of staff other than a brand admin gets no import.
const ADMINS_ONLY: &str = "only brand admins import customers";

/// Brand admins import customers: the whole brand's, from the brand's other systems.
fn can_import(console: &Console) -> bool {
    console.actor.role == Role::BrandAdmin
}

/// One column of the table and what it takes.
struct ColumnNote {
    name: &'static str,
    note: String,
}

/// One bad line of a refused file.
struct ErrorLine {
    line: u64,
    column: &'static str,
    reason: String,
}

/// Why a file was refused, line by line.
struct Refused {
    /// 「共 N 处错误」
    summary: String,
    /// The first [`SHOWN_ERRORS`].
    lines: Vec<ErrorLine>,
    /// 「还有 N 处错误未列出」
    more: Option<String>,
    /// When the use case stopped counting at [`MAX_ERRORS`].
    capped: Option<String>,
}

#[derive(Template)]
#[template(path = "customer_import.html")]
struct ImportPage {
    c: Chrome,
    /// The file input's error and the 仅校验 checkbox (`dry_run` is "true" when ticked).
    form: FormState,
    /// The header line as a file would have it.
    header: String,
    columns: Vec<ColumnNote>,
    refused: Option<Refused>,
}

/// `template` with each `{key}` of `pairs` replaced by its value, in one pass (a value that
/// itself holds a placeholder stays as written). Keys are written with their braces.
fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'scan: while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        for (key, value) in pairs {
            if let Some(after) = tail.strip_prefix(*key) {
                out.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        out.push('{');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// `text` with every run of nine or more digits (single spaces or hyphens between them
/// allowed) replaced by `***`: a value echoed from the file could be a phone number (a
/// date such as 2026-11-01 stays).
fn mask_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (mut j, mut end, mut digits) = (i, i, 0);
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                digits += 1;
                j += 1;
                end = j;
            } else if matches!(chars[j], ' ' | '-')
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
            {
                j += 1;
            } else {
                break;
            }
        }
        if digits >= 9 {
            out.push_str("***");
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

fn column_notes(t: &Text) -> Vec<ColumnNote> {
    let channels = Channel::ALL
        .iter()
        .map(|ch| {
            format!(
                "{}{}{}{}",
                ch.as_str(),
                t.common.paren_open,
                t.customers.channel_name(ch.as_str()),
                t.common.paren_close
            )
        })
        .collect::<Vec<_>>()
        .join(t.import.list_separator);
    COLUMNS
        .into_iter()
        .map(|name| ColumnNote {
            name,
            note: fill(
                t.import.column_note(name),
                &[("{channels}", channels.as_str())],
            ),
        })
        .collect()
}

/// Why a line was refused, in the page's language. The use case gives English sentences
/// of known shapes (its own, and the domain's reasons); each has its words here. Anything
/// else is shown as written, long digit runs masked.
fn line_reason(lang: Lang, e: &LineError) -> String {
    let t = &lang.text().import;
    let m = e.message.as_str();
    match e.column {
        "external_id" => {
            if let Some(first) = m.strip_prefix("also on line ") {
                return fill(t.duplicate_external_id, &[("{line}", first)]);
            }
            if m.starts_with("must be 1-128 visible ASCII") {
                return t.bad_external_id.to_owned();
            }
        }
        "phone" if m == Reason::NotAPhone.to_string() => return t.bad_phone.to_owned(),
        "channel" if m == Reason::NotOneOf("channel").to_string() => {
            return t.bad_channel.to_owned();
        }
        "tags" if m == Reason::ControlCharacters.to_string() => return t.bad_tag.to_owned(),
        "joined_at" if m.starts_with("must be a date") => return t.bad_joined_at.to_owned(),
        "invited_by" if m.starts_with("no customer with external id") => {
            return t.unknown_inviter.to_owned();
        }
        "community" if m.starts_with("no community") => return t.unknown_community.to_owned(),
        _ => {}
    }
    for r in [Reason::Required, Reason::ControlCharacters] {
        if m == r.to_string() {
            return reason_text(lang, &r);
        }
    }
    let too_long = m
        .strip_prefix("must be at most ")
        .and_then(|rest| rest.split_once(" characters, got "))
        .and_then(|(max, got)| Some((max.parse::<usize>().ok()?, got.parse::<usize>().ok()?)));
    if let Some((max, got)) = too_long {
        return reason_text(lang, &Reason::TooLong { max, got });
    }
    mask_digits(m)
}

/// What is wrong with the file's shape, in the page's language.
fn csv_message(t: &Text, e: &CsvError) -> String {
    let i = &t.import;
    match e {
        CsvError::NoHeader => i.no_header.to_owned(),
        CsvError::UnknownColumn(name) => fill(
            i.unknown_column,
            &[
                ("{name}", mask_digits(name).as_str()),
                ("{columns}", COLUMNS.join(",").as_str()),
            ],
        ),
        CsvError::MissingColumn(name) => fill(i.missing_column, &[("{name}", *name)]),
        CsvError::NotUtf8 { line } => fill(i.not_utf8, &[("{line}", line.to_string().as_str())]),
        CsvError::BadRow { line, .. } => fill(i.bad_row, &[("{line}", line.to_string().as_str())]),
        CsvError::TooManyLines => fill(
            i.too_many_lines,
            &[("{max}", MAX_LINES.to_string().as_str())],
        ),
    }
}

fn refused(lang: Lang, errors: &[LineError]) -> Refused {
    let t = &lang.text().import;
    let count = errors.len().to_string();
    let hidden = errors.len().saturating_sub(SHOWN_ERRORS);
    Refused {
        summary: fill(t.refused_summary, &[("{count}", count.as_str())]),
        lines: errors
            .iter()
            .take(SHOWN_ERRORS)
            .map(|e| ErrorLine {
                line: e.line,
                column: e.column,
                reason: line_reason(lang, e),
            })
            .collect(),
        more: (hidden > 0)
            .then(|| fill(t.more_errors, &[("{count}", hidden.to_string().as_str())])),
        capped: (errors.len() >= MAX_ERRORS).then(|| {
            fill(
                t.errors_capped,
                &[("{max}", MAX_ERRORS.to_string().as_str())],
            )
        }),
    }
}

/// What an import did (or, dry, would do), as the page says it once after the redirect.
fn done_message(t: &Text, lines: usize, r: &CustomerImportReport, dry_run: bool) -> String {
    let (lines, created, updated, joined) = (
        lines.to_string(),
        r.created.to_string(),
        r.updated.to_string(),
        r.joined.to_string(),
    );
    let template = if dry_run {
        t.import.done_checked
    } else {
        t.import.done_imported
    };
    fill(
        template,
        &[
            ("{lines}", lines.as_str()),
            ("{created}", created.as_str()),
            ("{updated}", updated.as_str()),
            ("{joined}", joined.as_str()),
        ],
    )
}

fn show(
    console: &Console,
    form: FormState,
    refused: Option<Refused>,
    status: StatusCode,
) -> Response {
    let t = console.lang.text();
    render(
        status,
        &ImportPage {
            c: Chrome::for_console(console, NAV),
            form,
            header: COLUMNS.join(","),
            columns: column_notes(t),
            refused,
        },
    )
}

async fn page(console: Console) -> Response {
    if !can_import(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    show(&console, FormState::new(), None, StatusCode::OK)
}

/// The fields of an upload.
#[derive(Default)]
struct Upload {
    token: Option<String>,
    dry_run: bool,
    file: Option<Bytes>,
    /// Why the body could not be read to its end (413: larger than allowed).
    failed: Option<StatusCode>,
}

async fn read_upload(mut multipart: Multipart) -> Upload {
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                upload.failed = Some(e.status());
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let read = match name.as_str() {
            csrf::FIELD => field.text().await.map(|v| upload.token = Some(v)),
            "dry_run" => field.text().await.map(|v| upload.dry_run = v == "true"),
            "file" => field.bytes().await.map(|b| upload.file = Some(b)),
            _ => Ok(()),
        };
        if let Err(e) = read {
            upload.failed = Some(e.status());
            break;
        }
    }
    upload
}

/// 上传: checks the form's CSRF token, reads the table, and imports it (or, 仅校验, only
/// checks it). Done: back to this page, which says what was done; refused: this page
/// again with every bad line, or the file's fault beside the file input.
async fn upload(
    State(state): State<AppState>,
    console: Console,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if !can_import(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let t = console.lang.text();
    // Not a multipart body (an urlencoded form, say): no token can be read from it, so it
    // is refused as the CSRF middleware refuses every form without the session's token.
    let Ok(multipart) = multipart else {
        return console.csrf_failed();
    };
    let upload = read_upload(multipart).await;
    let mut form = FormState::new().with("dry_run", if upload.dry_run { "true" } else { "" });
    match upload.failed {
        None => {}
        Some(status) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            form.errors.insert("file", t.import.too_large.to_owned());
            return show(&console, form, None, StatusCode::PAYLOAD_TOO_LARGE);
        }
        Some(_) => return error_page(&console, StatusCode::BAD_REQUEST, t.import.not_an_upload),
    }
    if !upload
        .token
        .as_deref()
        .is_some_and(|token| secrets_equal(token, &console.csrf))
    {
        return console.csrf_failed();
    }
    let file = match upload.file {
        Some(file) if !file.is_empty() => file,
        _ => {
            form.errors.insert("file", t.import.no_file.to_owned());
            return show(&console, form, None, REFUSED);
        }
    };
    if file.len() > MAX_FILE_BYTES {
        form.errors.insert("file", t.import.too_large.to_owned());
        return show(&console, form, None, StatusCode::PAYLOAD_TOO_LARGE);
    }
    // Up to 20 MiB of CSV: parsed off the async workers.
    let read = tokio::task::spawn_blocking(move || customer_csv::read_lines(&file[..])).await;
    let lines = match read {
        Ok(Ok(lines)) if lines.is_empty() => {
            form.errors.insert("file", t.import.no_lines.to_owned());
            return show(&console, form, None, REFUSED);
        }
        Ok(Ok(lines)) => lines,
        Ok(Err(e)) => {
            form.errors.insert("file", csv_message(t, &e));
            return show(&console, form, None, REFUSED);
        }
        Err(e) => {
            return failure_page(&console, AppError::Internal(format!("reading a CSV: {e}")));
        }
    };
    let count = lines.len();
    let brand = match brands::current(&state.db, &console.actor).await {
        Ok(brand) => brand,
        Err(e) => return failure_page(&console, e),
    };
    match import_customers::customers(&state.db, &brand.slug, lines, upload.dry_run).await {
        Ok(report) => console.done(PATH, done_message(t, count, &report, upload.dry_run)),
        Err(ImportError::Lines(errors)) => show(
            &console,
            form,
            Some(refused(console.lang, &errors)),
            REFUSED,
        ),
        Err(ImportError::App(e)) => failure_page(&console, e),
        Err(ImportError::NoSuchBrand(_)) => failure_page(&console, AppError::NotFound("brand")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(column: &'static str, message: &str) -> LineError {
        LineError {
            line: 3,
            column,
            message: message.to_owned(),
        }
    }

    #[test]
    fn the_use_cases_reasons_are_worded_in_the_pages_language() {
        let zh = |column, message: &str| line_reason(Lang::Zh, &bad(column, message));
        assert_eq!(
            zh("phone", &Reason::NotAPhone.to_string()),
            "须为 11 位手机号，以 1 开头"
        );
        assert_eq!(
            zh("external_id", "also on line 7"),
            "与第 7 行的 external_id 重复"
        );
        assert_eq!(zh("nickname", &Reason::Required.to_string()), "不能为空");
        assert_eq!(
            zh(
                "nickname",
                &Reason::TooLong { max: 100, got: 120 }.to_string()
            ),
            "最多 100 个字，现在是 120 个"
        );
        // A value the file gave is never echoed: not even a misplaced phone number.
        let when = zh(
            "joined_at",
            "must be a date such as 2026-11-01 or an RFC 3339 time, got '13800010001'",
        );
        assert!(!when.contains("13800010001"), "{when}");
        let inviter = zh(
            "invited_by",
            "no customer with external id '13800010001' in the file or the brand",
        );
        assert!(!inviter.contains("13800010001"), "{inviter}");
    }

    #[test]
    fn unknown_reasons_are_shown_with_long_digit_runs_masked() {
        assert_eq!(mask_digits("got 13800010001!"), "got ***!");
        assert_eq!(mask_digits("got 138 0001 0001"), "got ***");
        assert_eq!(mask_digits("+86-138-0001-0001"), "+***");
        assert_eq!(
            mask_digits("line 4002, 2026-11-01"),
            "line 4002, 2026-11-01"
        );
        assert_eq!(mask_digits("短的 123456 留着"), "短的 123456 留着");
    }

    #[test]
    fn a_wrong_header_is_said_in_words_without_the_values_digits() {
        let t = Lang::Zh.text();
        let extra = csv_message(t, &CsvError::UnknownColumn("age".into()));
        assert!(extra.starts_with("表头中的「age」不是可用的列"), "{extra}");
        // A file without a header: its first line is taken as one.
        let headless = csv_message(t, &CsvError::UnknownColumn("13800010001".into()));
        assert!(!headless.contains("13800010001"), "{headless}");
        assert_eq!(
            csv_message(t, &CsvError::MissingColumn("phone")),
            "表头缺少「phone」列"
        );
    }
}
