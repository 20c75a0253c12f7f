//! `/products` (商品): the brand's catalogue, filtered by category, shelf and title, with a
//! new product's form (its fields and one SKU) dropping down from the list's head; a
//! product's page (`/products/{id}`) with its fields, its SKUs (规格) and their stock, each
//! SKU's edit and stock forms (入库 or 盘点调整, a stocktake that takes units off asked
//! first), a link to each SKU's ledger (`…/skus/{sku_id}/movements`, 库存流水), and its
//! images: thumbnails served here for the console session, uploaded, deleted.
//!
//! Prices are typed in yuan (`99`, `99.50`) and read with [`Fen::parse_yuan`], shown with
//! `Fen`'s `¥12.34`: never floats. Brand admins write; everyone else reads the same pages
//! without the forms and buttons (the use cases check it again).
//!
//! The image upload is `multipart/form-data`, which the console's CSRF middleware cannot
//! read: [`upload_router`] is merged outside that layer (`web::router`) and
//! [`upload_image`] checks the form's `_csrf` field itself, as `customer_import.rs` does.

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::Page;
use shequn_app::usecases::catalogue::{self, ProductInput, ProductQuery, SkuInput, SkuPatch};
use shequn_domain::catalogue::{MAX_IMAGE_BYTES, MAX_IMAGES};
use shequn_domain::{
    Fen, Frequency, PageSize, Product, ProductId, Reason, Refusal, Role, SearchText, Sku, SkuId,
    StockMovement, StockReason,
};

use super::chrome::{Chrome, error_page, failure_page, local_time, render};
use super::csrf;
use super::error_text::{reason_text, refusal_text};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::{Lang, Text};
use super::list::{ListPage, Paging};
use super::session::Console;
use crate::http::auth::secrets_equal;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(LIST_PATH, get(list).post(create))
        .route("/products/{product_id}", get(detail).post(update))
        .route("/products/{product_id}/skus/{sku_id}", post(update_sku))
        .route(
            "/products/{product_id}/skus/{sku_id}/stock",
            post(move_stock),
        )
        .route(
            "/products/{product_id}/skus/{sku_id}/movements",
            get(movements),
        )
        .route("/products/{product_id}/images/{image_id}", get(image))
        .route(
            "/products/{product_id}/images/{image_id}/delete",
            post(delete_image),
        )
}

/// The image upload: merged outside the CSRF layer, which cannot read a multipart body
/// (see `web::router`); [`upload_image`] checks the token itself.
pub(super) fn upload_router() -> Router<AppState> {
    // The console's body limit is 64 KiB; this route alone takes an image.
    Router::new()
        .route("/products/{product_id}/images", post(upload_image))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// The nav item of every page of this family.
const NAV: &str = "products";

const LIST_PATH: &str = "/products";

/// The largest upload: the image, the token and the multipart framing.
const MAX_UPLOAD_BYTES: usize = MAX_IMAGE_BYTES + 64 * 1024;

/// Why a member of staff other than a brand admin gets no catalogue form.
const ADMINS_ONLY: &str = "only brand admins change the catalogue";

/// How long a browser may keep an image it was shown (it is named by its id, and its
/// ETag is its SHA-256).
const IMAGE_CACHE: &str = "private, max-age=86400";

/// Brand admins write the catalogue and move stock; everyone reads it.
fn can_write(console: &Console) -> bool {
    console.actor.role == Role::BrandAdmin
}

fn product_path(id: i64) -> String {
    format!("/products/{id}")
}

/// One choice of a select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
}

fn frequency_choices(t: &'static Text) -> Vec<Choice> {
    Frequency::ALL
        .iter()
        .map(|f| Choice {
            value: f.as_str(),
            label: t.products.frequency_name(f.as_str()),
        })
        .collect()
}

/// The reasons staff give: 入库 and 盘点调整 (orders move the rest).
fn reason_choices(t: &'static Text) -> Vec<Choice> {
    [StockReason::Received, StockReason::Adjusted]
        .iter()
        .map(|r| Choice {
            value: r.as_str(),
            label: t.products.reason_name(r.as_str()),
        })
        .collect()
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

/// An amount as a form shows it to be typed again: `99.50` (no ¥).
fn yuan(f: Fen) -> String {
    f.to_string().replacen('¥', "", 1)
}

/// An input as sent, "" when absent.
fn text(raw: &Option<String>) -> String {
    raw.clone().unwrap_or_default()
}

/// A checkbox as the form state keeps it: "true" when ticked, else "".
fn ticked(raw: &Option<String>) -> &'static str {
    if raw.is_some() { "true" } else { "" }
}

/// An amount typed in yuan, as fen: None when left empty (refused when `required`).
fn amount(lang: Lang, raw: &str, required: bool) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return if required {
            Err(reason_text(lang, &Reason::Required))
        } else {
            Ok(None)
        };
    }
    Fen::parse_yuan("price", raw)
        .map(|f| Some(f.get()))
        .map_err(|_| reason_text(lang, &Reason::NotAnAmount))
}

/// A whole number typed (a quantity, days): None when left empty.
fn whole(lang: Lang, raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| lang.text().products.not_a_whole_number.to_owned())
}

/// A check's value; when it failed, its message goes beside `field` and the value is None.
fn checked<T>(
    form: &mut FormState,
    field: &'static str,
    r: Result<Option<T>, String>,
) -> Option<T> {
    match r {
        Ok(v) => v,
        Err(message) => {
            form.errors.insert(field, message);
            None
        }
    }
}

/// The product's title with a SKU's name: 「补水面膜 10 片装」.
fn sku_label(p: &Product, s: &Sku) -> String {
    format!("{} {}", p.title, s.name)
}

/// A product or new-product form as sent (the SKU's inputs only on the new-product form).
#[derive(Deserialize)]
struct ProductForm {
    title: Option<String>,
    category: Option<String>,
    frequency: Option<String>,
    usage_days: Option<String>,
    description: Option<String>,
    /// A checkbox: sent only when ticked.
    on_shelf: Option<String>,
    sku_name: Option<String>,
    price: Option<String>,
    list_price: Option<String>,
    stock: Option<String>,
}

impl ProductForm {
    /// The product's inputs showing what was sent.
    fn typed_fields(&self) -> FormState {
        FormState::new()
            .with("title", text(&self.title))
            .with("category", text(&self.category))
            .with("frequency", text(&self.frequency))
            .with("usage_days", text(&self.usage_days))
            .with("description", text(&self.description))
            .with("on_shelf", ticked(&self.on_shelf))
    }

    /// The new-product form showing what was sent.
    fn typed_new(&self) -> FormState {
        self.typed_fields()
            .with("sku_name", text(&self.sku_name))
            .with("price", text(&self.price))
            .with("list_price", text(&self.list_price))
            .with("stock", text(&self.stock))
    }

    /// The product's fields; a number that is none is said beside its input in `form`.
    fn input(&self, lang: Lang, form: &mut FormState) -> ProductInput {
        let usage_days = checked(
            form,
            "usage_days",
            whole(lang, self.usage_days.as_deref().unwrap_or("")),
        );
        ProductInput {
            title: text(&self.title),
            category: text(&self.category),
            frequency: text(&self.frequency),
            usage_days,
            description: text(&self.description),
            on_shelf: self.on_shelf.is_some(),
        }
    }

    /// The new product's one SKU; amounts and numbers that are none are said beside their
    /// inputs in `form`.
    fn sku(&self, lang: Lang, form: &mut FormState) -> SkuInput {
        let price = checked(
            form,
            "price",
            amount(lang, self.price.as_deref().unwrap_or(""), true),
        );
        let list_price = checked(
            form,
            "list_price",
            amount(lang, self.list_price.as_deref().unwrap_or(""), false),
        );
        let stock = checked(
            form,
            "stock",
            whole(lang, self.stock.as_deref().unwrap_or("")),
        );
        SkuInput {
            name: text(&self.sku_name),
            price: price.unwrap_or(0),
            list_price,
            stock: stock.unwrap_or(0),
        }
    }
}

/// The domain names the new SKU's name `name`: on the new-product form it is `sku_name`.
fn at_new_input(e: AppError) -> AppError {
    match e {
        AppError::Invalid {
            field: "name",
            reason,
        } => AppError::Invalid {
            field: "sku_name",
            reason,
        },
        other => other,
    }
}

/// A price out of the domain's range, said in yuan beside its input (the domain's range
/// is in fen); None for any other error.
fn amount_message(t: &Text, e: &AppError) -> Option<(&'static str, &'static str)> {
    match e {
        AppError::Invalid {
            field: "price",
            reason: Reason::OutOfRange { .. },
        } => Some(("price", t.products.price_range)),
        AppError::Invalid {
            field: "list_price",
            reason: Reason::OutOfRange { .. },
        } => Some(("list_price", t.products.list_price_range)),
        _ => None,
    }
}

/// A new product's form.
fn new_form() -> FormState {
    FormState::new()
        .with("title", "")
        .with("category", "")
        .with("frequency", Frequency::High.as_str())
        .with("usage_days", "")
        .with("description", "")
        .with("on_shelf", "true")
        .with("sku_name", "")
        .with("price", "")
        .with("list_price", "")
        .with("stock", "")
}

/// One product as the list shows it.
struct ProductLine {
    id: i64,
    title: String,
    category: String,
    on_shelf: bool,
    skus: usize,
    /// On hand over all its SKUs.
    on_hand: i64,
    /// The lowest price of the SKUs on sale (of all, when none is), as ¥12.34.
    lowest_price: Option<String>,
}

fn product_line(p: &Product) -> ProductLine {
    let on_sale = p.skus.iter().filter(|s| s.active).map(|s| s.price).min();
    let lowest = on_sale.or_else(|| p.skus.iter().map(|s| s.price).min());
    ProductLine {
        id: p.id.get(),
        title: p.title.clone(),
        category: p.category.clone(),
        on_shelf: p.on_shelf,
        skus: p.skus.len(),
        on_hand: p.skus.iter().map(|s| s.stock.on_hand).sum(),
        lowest_price: lowest.map(|f| f.to_string()),
    }
}

#[derive(Template)]
#[template(path = "products.html")]
struct ProductsPage {
    c: Chrome,
    list: ListPage<ProductLine>,
    /// The filters as typed: a category, "" / "true" / "false" for the shelf, a title.
    category: String,
    shelf_filter: &'static str,
    q: String,
    /// Brand admins see 新建商品.
    can_write: bool,
    /// The new-product form.
    form: FormState,
    frequencies: Vec<Choice>,
}

#[derive(Deserialize)]
struct ListParams {
    category: Option<String>,
    on_shelf: Option<String>,
    q: Option<String>,
}

/// The list's filters.
#[derive(Default)]
struct Filters {
    /// As typed (trimmed); applied when not empty.
    category: String,
    shelf: Option<bool>,
    /// As typed; applied when it is a search text.
    q: String,
}

impl Filters {
    fn of(p: &ListParams) -> Filters {
        Filters {
            category: p.category.as_deref().unwrap_or("").trim().to_owned(),
            shelf: match p.on_shelf.as_deref() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            q: p.q.as_deref().unwrap_or("").trim().to_owned(),
        }
    }

    fn shelf_value(&self) -> &'static str {
        match self.shelf {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        }
    }

    /// The filters that are set, as the pager's links keep them.
    fn links(&self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        if !self.category.is_empty() {
            f.push(("category", self.category.clone()));
        }
        if self.shelf.is_some() {
            f.push(("on_shelf", self.shelf_value().to_owned()));
        }
        if !self.q.is_empty() {
            f.push(("q", self.q.clone()));
        }
        f
    }
}

async fn show_list(
    state: &AppState,
    console: &Console,
    filters: Filters,
    paging: Paging,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let query = ProductQuery {
        category: (!filters.category.is_empty()).then(|| filters.category.clone()),
        on_shelf: filters.shelf,
        // The input is bounded in the form; a longer text is simply not applied.
        search: SearchText::parse("q", Some(filters.q.as_str()))
            .ok()
            .flatten(),
    };
    let size = PageSize::default();
    match catalogue::products(&state.db, &console.actor, query, paging.cursor(), size).await {
        Ok(page) => {
            let t = console.lang.text();
            let items: Vec<ProductLine> = page.items.iter().map(product_line).collect();
            let page: Page<ProductLine> = Page {
                items,
                next_cursor: page.next_cursor,
                total: page.total,
            };
            let links = filters.links();
            render(
                status,
                &ProductsPage {
                    c,
                    list: ListPage::new(page, &paging, LIST_PATH, &links),
                    shelf_filter: filters.shelf_value(),
                    category: filters.category,
                    q: filters.q,
                    can_write: can_write(console),
                    form,
                    frequencies: frequency_choices(t),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListParams>,
    Query(paging): Query<Paging>,
) -> Response {
    let c = Chrome::for_console(&console, NAV);
    let filters = Filters::of(&q);
    show_list(
        &state,
        &console,
        filters,
        paging,
        c,
        StatusCode::OK,
        new_form(),
    )
    .await
}

/// 新建商品: the product with its one SKU; done, to the product's page.
async fn create(
    State(state): State<AppState>,
    console: Console,
    Form(sent): Form<ProductForm>,
) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let mut typed = sent.typed_new();
    let input = sent.input(console.lang, &mut typed);
    let sku = sent.sku(console.lang, &mut typed);
    if typed.has_errors() {
        let c = Chrome::for_console(&console, NAV);
        return show_list(
            &state,
            &console,
            Filters::default(),
            Paging::default(),
            c,
            REFUSED,
            typed,
        )
        .await;
    }
    match catalogue::create_product(&state.db, &console.actor, input, vec![sku]).await {
        Ok(made) => {
            let t = console.lang.text();
            console.done(
                &product_path(made.id.get()),
                t.fill(t.products.done_created, &made.title, ""),
            )
        }
        Err(e) => {
            if let Some((field, message)) = amount_message(console.lang.text(), &e) {
                typed.errors.insert(field, message.to_owned());
                let c = Chrome::for_console(&console, NAV);
                return show_list(
                    &state,
                    &console,
                    Filters::default(),
                    Paging::default(),
                    c,
                    REFUSED,
                    typed,
                )
                .await;
            }
            form_failed(&console, NAV, at_new_input(e), typed, |c, form| {
                show_list(
                    &state,
                    &console,
                    Filters::default(),
                    Paging::default(),
                    c,
                    REFUSED,
                    form,
                )
            })
            .await
        }
    }
}

/// A product's own fields as its page shows them.
struct ProductView {
    id: i64,
    title: String,
    category: String,
    frequency: &'static str,
    usage_days: Option<i64>,
    description: String,
    on_shelf: bool,
    created: String,
    updated: String,
}

/// A stocktake that takes units off, waiting for 确认调整: the question and what the
/// confirming form sends again.
struct Decrease {
    question: String,
    reason: &'static str,
    quantity: i64,
    note: String,
}

/// One SKU as the product's page shows it, with its forms.
struct SkuLine {
    id: i64,
    name: String,
    price: String,
    list_price: Option<String>,
    on_hand: i64,
    sold: i64,
    returned: i64,
    active: bool,
    /// The edit form (name, price, list_price, active): stored, or as sent with its errors.
    edit: FormState,
    /// The stock form (reason, quantity, note).
    stock: FormState,
    confirm: Option<Decrease>,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    c: Chrome,
    product: ProductView,
    /// The fields form.
    form: FormState,
    skus: Vec<SkuLine>,
    /// Image ids, in display order.
    images: Vec<i64>,
    /// The upload form: the file input's error.
    image_form: FormState,
    /// Fewer than the most images a product may have.
    can_add_image: bool,
    /// Brand admins see the forms and buttons.
    can_write: bool,
    frequencies: Vec<Choice>,
    reasons: Vec<Choice>,
}

/// The form of a product's page that was sent and is shown again (refused, or asked about).
enum Sent {
    Nothing,
    Fields(FormState),
    Sku(i64, FormState),
    Stock(i64, FormState),
    Decrease(i64, FormState, Decrease),
    Image(FormState),
}

async fn show_product(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    sent: Sent,
) -> Response {
    let p = match catalogue::product(&state.db, &console.actor, ProductId(id)).await {
        Ok(p) => p,
        Err(e) => return failure_page(console, e),
    };
    let t = console.lang.text();
    let mut fields = FormState::new();
    let mut edit_sent: Option<(i64, FormState)> = None;
    let mut stock_sent: Option<(i64, FormState)> = None;
    let mut decrease: Option<(i64, Decrease)> = None;
    let mut image_form = FormState::new();
    match sent {
        Sent::Nothing => {}
        Sent::Fields(f) => fields = f,
        Sent::Sku(sku, f) => edit_sent = Some((sku, f)),
        Sent::Stock(sku, f) => stock_sent = Some((sku, f)),
        Sent::Decrease(sku, f, d) => {
            stock_sent = Some((sku, f));
            decrease = Some((sku, d));
        }
        Sent::Image(f) => image_form = f,
    }
    let form = fields
        .or_with("title", p.title.clone())
        .or_with("category", p.category.clone())
        .or_with("frequency", p.frequency.as_str())
        .or_with(
            "usage_days",
            p.usage_days.map(|d| d.to_string()).unwrap_or_default(),
        )
        .or_with("description", p.description.clone())
        .or_with("on_shelf", if p.on_shelf { "true" } else { "" });
    let mut skus = Vec::with_capacity(p.skus.len());
    for s in &p.skus {
        let sid = s.id.get();
        let edit = edit_sent
            .take_if(|(x, _)| *x == sid)
            .map(|(_, f)| f)
            .unwrap_or_default()
            .or_with("name", s.name.clone())
            .or_with("price", yuan(s.price))
            .or_with("list_price", s.list_price.map(yuan).unwrap_or_default())
            .or_with("active", if s.active { "true" } else { "" });
        let stock = stock_sent
            .take_if(|(x, _)| *x == sid)
            .map(|(_, f)| f)
            .unwrap_or_default()
            .or_with("reason", StockReason::Received.as_str())
            .or_with("quantity", "")
            .or_with("note", "");
        skus.push(SkuLine {
            id: sid,
            name: s.name.clone(),
            price: s.price.to_string(),
            list_price: s.list_price.map(|l| l.to_string()),
            on_hand: s.stock.on_hand,
            sold: s.stock.sold,
            returned: s.stock.returned,
            active: s.active,
            edit,
            stock,
            confirm: decrease.take_if(|(x, _)| *x == sid).map(|(_, d)| d),
        });
    }
    let image_form = image_form.or_with("image", "");
    render(
        status,
        &ProductPage {
            c,
            product: ProductView {
                id: p.id.get(),
                title: p.title.clone(),
                category: p.category.clone(),
                frequency: t.products.frequency_name(p.frequency.as_str()),
                usage_days: p.usage_days,
                description: p.description.clone(),
                on_shelf: p.on_shelf,
                created: local_time(p.created_at),
                updated: local_time(p.updated_at),
            },
            form,
            skus,
            can_add_image: p.images.len() < MAX_IMAGES,
            images: p.images,
            image_form,
            can_write: can_write(console),
            frequencies: frequency_choices(t),
            reasons: reason_choices(t),
        },
    )
}

async fn detail(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_product(&state, &console, id, c, StatusCode::OK, Sent::Nothing).await
}

/// 保存 of the product's fields.
async fn update(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(sent): Form<ProductForm>,
) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let mut typed = sent.typed_fields();
    let input = sent.input(console.lang, &mut typed);
    if typed.has_errors() {
        let c = Chrome::for_console(&console, NAV);
        return show_product(&state, &console, id, c, REFUSED, Sent::Fields(typed)).await;
    }
    match catalogue::update_product(&state.db, &console.actor, ProductId(id), input).await {
        Ok(saved) => {
            let t = console.lang.text();
            console.done(
                &product_path(id),
                t.fill(t.products.done_saved, &saved.title, ""),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show_product(&state, &console, id, c, REFUSED, Sent::Fields(form))
            })
            .await
        }
    }
}

/// The product and its SKU `sku_id`: a SKU of another product is not found.
async fn sku_of(
    state: &AppState,
    console: &Console,
    id: i64,
    sku_id: i64,
) -> Result<(Product, Sku), AppError> {
    let p = catalogue::product(&state.db, &console.actor, ProductId(id)).await?;
    let sku = p
        .skus
        .iter()
        .find(|s| s.id.get() == sku_id)
        .cloned()
        .ok_or(AppError::NotFound("SKU"))?;
    Ok((p, sku))
}

/// A SKU's edit form as sent.
#[derive(Deserialize)]
struct SkuForm {
    name: Option<String>,
    price: Option<String>,
    list_price: Option<String>,
    /// A checkbox: sent only when ticked.
    active: Option<String>,
}

/// 保存规格: name, price, list price, on sale or not.
async fn update_sku(
    State(state): State<AppState>,
    console: Console,
    Path((id, sku_id)): Path<(i64, i64)>,
    Form(sent): Form<SkuForm>,
) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let lang = console.lang;
    let mut typed = FormState::new()
        .with("name", text(&sent.name))
        .with("price", text(&sent.price))
        .with("list_price", text(&sent.list_price))
        .with("active", ticked(&sent.active));
    let price = checked(
        &mut typed,
        "price",
        amount(lang, sent.price.as_deref().unwrap_or(""), true),
    );
    let list_price = checked(
        &mut typed,
        "list_price",
        amount(lang, sent.list_price.as_deref().unwrap_or(""), false),
    );
    if typed.has_errors() {
        let c = Chrome::for_console(&console, NAV);
        return show_product(&state, &console, id, c, REFUSED, Sent::Sku(sku_id, typed)).await;
    }
    let patch = SkuPatch {
        name: text(&sent.name),
        price: price.unwrap_or(0),
        list_price,
        active: sent.active.is_some(),
    };
    let saved: Result<Sku, AppError> = async {
        sku_of(&state, &console, id, sku_id).await?;
        catalogue::update_sku(&state.db, &console.actor, SkuId(sku_id), patch).await
    }
    .await;
    match saved {
        Ok(sku) => {
            let t = lang.text();
            console.done(
                &product_path(id),
                t.fill(t.products.done_sku_saved, &sku.name, ""),
            )
        }
        Err(e) => {
            if let Some((field, message)) = amount_message(lang.text(), &e) {
                typed.errors.insert(field, message.to_owned());
                let c = Chrome::for_console(&console, NAV);
                return show_product(&state, &console, id, c, REFUSED, Sent::Sku(sku_id, typed))
                    .await;
            }
            form_failed(&console, NAV, e, typed, |c, form| {
                show_product(&state, &console, id, c, REFUSED, Sent::Sku(sku_id, form))
            })
            .await
        }
    }
}

/// A SKU's stock form as sent.
#[derive(Deserialize)]
struct StockForm {
    /// `received` (入库) or `adjusted` (盘点调整).
    reason: Option<String>,
    quantity: Option<String>,
    note: Option<String>,
    /// 确认调整 sends `yes`: the stocktake that takes units off was asked about.
    confirmed: Option<String>,
}

/// 入库 / 盘点调整. A stocktake that takes units off is asked about first (the page again
/// with the question and 确认调整); done, back to the product with what the SKU has now.
async fn move_stock(
    State(state): State<AppState>,
    console: Console,
    Path((id, sku_id)): Path<(i64, i64)>,
    Form(sent): Form<StockForm>,
) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let lang = console.lang;
    let t = lang.text();
    let note = text(&sent.note);
    let mut typed = FormState::new()
        .with("reason", text(&sent.reason))
        .with("quantity", text(&sent.quantity))
        .with("note", note.clone());
    let reason = match StockReason::parse("reason", sent.reason.as_deref().unwrap_or("")) {
        Ok(r @ (StockReason::Received | StockReason::Adjusted)) => Some(r),
        _ => {
            typed
                .errors
                .insert("reason", reason_text(lang, &Reason::NotOneOf("reason")));
            None
        }
    };
    let quantity = match whole(lang, sent.quantity.as_deref().unwrap_or("")) {
        Ok(Some(q)) => q,
        Ok(None) => {
            typed
                .errors
                .insert("quantity", reason_text(lang, &Reason::Required));
            0
        }
        Err(message) => {
            typed.errors.insert("quantity", message);
            0
        }
    };
    // Said before a decrease is asked about: a stocktake says why.
    if reason == Some(StockReason::Adjusted) && note.trim().is_empty() {
        typed
            .errors
            .insert("note", reason_text(lang, &Reason::Required));
    }
    let Some(reason) = reason.filter(|_| !typed.has_errors()) else {
        let c = Chrome::for_console(&console, NAV);
        return show_product(&state, &console, id, c, REFUSED, Sent::Stock(sku_id, typed)).await;
    };
    let (product, sku) = match sku_of(&state, &console, id, sku_id).await {
        Ok(found) => found,
        Err(e) => return failure_page(&console, e),
    };
    let label = sku_label(&product, &sku);
    let asked = sent.confirmed.as_deref() == Some("yes");
    if reason == StockReason::Adjusted && quantity < 0 && !asked {
        let c = Chrome::for_console(&console, NAV);
        return match sku.stock.apply(reason, quantity) {
            Ok(after) => {
                let question = fill(
                    t.products.confirm_decrease,
                    &[
                        ("{name}", label.as_str()),
                        ("{count}", quantity.unsigned_abs().to_string().as_str()),
                        ("{before}", sku.stock.on_hand.to_string().as_str()),
                        ("{after}", after.on_hand.to_string().as_str()),
                    ],
                );
                let d = Decrease {
                    question,
                    reason: reason.as_str(),
                    quantity,
                    note,
                };
                let sent = Sent::Decrease(sku_id, typed, d);
                show_product(&state, &console, id, c, StatusCode::OK, sent).await
            }
            Err(refusal) => {
                typed
                    .errors
                    .insert("quantity", refusal_text(lang, &refusal));
                show_product(&state, &console, id, c, REFUSED, Sent::Stock(sku_id, typed)).await
            }
        };
    }
    let moved = catalogue::adjust_stock(
        &state.db,
        &console.actor,
        SkuId(sku_id),
        reason.as_str(),
        quantity,
        &note,
    )
    .await;
    match moved {
        Ok(now) => {
            let (said, count) = match reason {
                StockReason::Received => (t.products.done_received, quantity.to_string()),
                _ => (t.products.done_adjusted, format!("{quantity:+}")),
            };
            let message = fill(
                said,
                &[
                    ("{name}", label.as_str()),
                    ("{count}", count.as_str()),
                    ("{after}", now.stock.on_hand.to_string().as_str()),
                ],
            );
            console.done(&product_path(id), message)
        }
        // Not enough on hand: said beside the quantity.
        Err(AppError::Refused(Refusal::OutOfStock)) => {
            typed
                .errors
                .insert("quantity", refusal_text(lang, &Refusal::OutOfStock));
            let c = Chrome::for_console(&console, NAV);
            show_product(&state, &console, id, c, REFUSED, Sent::Stock(sku_id, typed)).await
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show_product(&state, &console, id, c, REFUSED, Sent::Stock(sku_id, form))
            })
            .await
        }
    }
}

/// How a movement changed on hand: a sale takes units off, the rest bring them (a
/// stocktake either way).
fn on_hand_change(m: &StockMovement) -> i64 {
    match m.reason {
        StockReason::Sold => -m.quantity,
        StockReason::Received
        | StockReason::Released
        | StockReason::Returned
        | StockReason::Adjusted => m.quantity,
    }
}

/// One line of a SKU's ledger.
struct MovementLine {
    id: i64,
    at: String,
    reason: &'static str,
    /// The change of on hand, with its sign: 「+5」, 「-2」.
    change: String,
    on_hand_after: i64,
    note: String,
    order_id: Option<i64>,
}

fn movement_line(t: &Text, m: &StockMovement) -> MovementLine {
    MovementLine {
        id: m.id,
        at: local_time(m.at),
        reason: t.products.reason_name(m.reason.as_str()),
        change: format!("{:+}", on_hand_change(m)),
        on_hand_after: m.on_hand_after,
        note: m.note.clone(),
        order_id: m.order_id.map(|o| o.get()),
    }
}

#[derive(Template)]
#[template(path = "product_movements.html")]
struct MovementsPage {
    c: Chrome,
    product_id: i64,
    product_title: String,
    sku_name: String,
    on_hand: i64,
    list: ListPage<MovementLine>,
}

/// 库存流水: a SKU's ledger, newest first.
async fn movements(
    State(state): State<AppState>,
    console: Console,
    Path((id, sku_id)): Path<(i64, i64)>,
    Query(paging): Query<Paging>,
) -> Response {
    let size = PageSize::default();
    let loaded = async {
        let (product, sku) = sku_of(&state, &console, id, sku_id).await?;
        let page = catalogue::stock_history(
            &state.db,
            &console.actor,
            SkuId(sku_id),
            paging.cursor(),
            size,
        )
        .await?;
        Ok::<_, AppError>((product, sku, page))
    }
    .await;
    match loaded {
        Ok((product, sku, page)) => {
            let t = console.lang.text();
            let items: Vec<MovementLine> = page.items.iter().map(|m| movement_line(t, m)).collect();
            let page: Page<MovementLine> = Page {
                items,
                next_cursor: page.next_cursor,
                total: page.total,
            };
            let path = format!("/products/{id}/skus/{sku_id}/movements");
            render(
                StatusCode::OK,
                &MovementsPage {
                    c: Chrome::for_console(&console, NAV),
                    product_id: id,
                    product_title: product.title,
                    sku_name: sku.name,
                    on_hand: sku.stock.on_hand,
                    list: ListPage::new(page, &paging, &path, &[]),
                },
            )
        }
        Err(e) => failure_page(&console, e),
    }
}

/// An image of the product, for the console's session: its own type, an ETag (its
/// SHA-256; a browser that has it gets 304) and `private` caching, unlike the pages.
async fn image(
    State(state): State<AppState>,
    console: Console,
    Path((id, image_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Response {
    let found: Result<(String, Vec<u8>, String), AppError> = async {
        let p = catalogue::product(&state.db, &console.actor, ProductId(id)).await?;
        if !p.images.contains(&image_id) {
            return Err(AppError::NotFound("image"));
        }
        catalogue::image(&state.db, console.actor.brand, image_id).await
    }
    .await;
    match found {
        Ok((content_type, bytes, sha)) => {
            let etag = format!("\"{sha}\"");
            let fresh = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
            let cache = [
                (header::ETAG, etag.clone()),
                (header::CACHE_CONTROL, IMAGE_CACHE.to_owned()),
            ];
            if fresh {
                return (StatusCode::NOT_MODIFIED, cache).into_response();
            }
            (cache, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        Err(e) => failure_page(&console, e),
    }
}

/// 删除 of an image (asked first).
async fn delete_image(
    State(state): State<AppState>,
    console: Console,
    Path((id, image_id)): Path<(i64, i64)>,
) -> Response {
    let deleted: Result<(), AppError> = async {
        let p = catalogue::product(&state.db, &console.actor, ProductId(id)).await?;
        if !p.images.contains(&image_id) {
            return Err(AppError::NotFound("image"));
        }
        catalogue::delete_image(&state.db, &console.actor, image_id).await
    }
    .await;
    match deleted {
        Ok(()) => {
            let t = console.lang.text();
            console.done(&product_path(id), t.products.done_image_deleted.to_owned())
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, _| {
                show_product(&state, &console, id, c, REFUSED, Sent::Nothing)
            })
            .await
        }
    }
}

/// The fields of an image upload.
#[derive(Default)]
struct Upload {
    token: Option<String>,
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
            "image" => field.bytes().await.map(|b| upload.file = Some(b)),
            _ => Ok(()),
        };
        if let Err(e) = read {
            upload.failed = Some(e.status());
            break;
        }
    }
    upload
}

/// The use case's refusal of an image in the page's words, for the file input; None for
/// any other error.
fn image_message(t: &Text, e: &AppError) -> Option<&'static str> {
    match e {
        AppError::Invalid {
            field: "image",
            reason: Reason::NotOneOf(_),
        } => Some(t.products.image_type),
        AppError::Invalid {
            field: "image",
            reason: Reason::OutOfRange { .. },
        } => Some(t.products.image_limit),
        AppError::Invalid {
            field: "image",
            reason: Reason::TooLong { .. },
        } => Some(t.products.image_too_large),
        _ => None,
    }
}

/// 上传: checks the form's CSRF token, then adds the image (the use case checks its bytes).
/// Done: back to the product; refused: the product's page with the reason beside the file
/// input.
async fn upload_image(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let t = console.lang.text();
    // Not a multipart body: no token can be read from it, so it is refused as the CSRF
    // middleware refuses every form without the session's token.
    let Ok(multipart) = multipart else {
        return console.csrf_failed();
    };
    let upload = read_upload(multipart).await;
    let mut form = FormState::new().with("image", "");
    match upload.failed {
        None => {}
        Some(status) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            form.errors
                .insert("image", t.products.image_too_large.to_owned());
            let c = Chrome::for_console(&console, NAV);
            let too_large = StatusCode::PAYLOAD_TOO_LARGE;
            return show_product(&state, &console, id, c, too_large, Sent::Image(form)).await;
        }
        Some(_) => {
            return error_page(&console, StatusCode::BAD_REQUEST, t.products.not_an_upload);
        }
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
            form.errors
                .insert("image", t.products.image_required.to_owned());
            let c = Chrome::for_console(&console, NAV);
            return show_product(&state, &console, id, c, REFUSED, Sent::Image(form)).await;
        }
    };
    if file.len() > MAX_IMAGE_BYTES {
        form.errors
            .insert("image", t.products.image_too_large.to_owned());
        let c = Chrome::for_console(&console, NAV);
        let too_large = StatusCode::PAYLOAD_TOO_LARGE;
        return show_product(&state, &console, id, c, too_large, Sent::Image(form)).await;
    }
    match catalogue::add_image(&state.db, &console.actor, ProductId(id), file.to_vec()).await {
        Ok(_) => console.done(&product_path(id), t.products.done_image_added.to_owned()),
        Err(e) => {
            if let Some(message) = image_message(t, &e) {
                form.errors.insert("image", message.to_owned());
                let c = Chrome::for_console(&console, NAV);
                return show_product(&state, &console, id, c, REFUSED, Sent::Image(form)).await;
            }
            form_failed(&console, NAV, e, form, |c, form| {
                show_product(&state, &console, id, c, REFUSED, Sent::Image(form))
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_typed_in_yuan_and_kept_in_fen() {
        assert_eq!(amount(Lang::Zh, "99.00", true), Ok(Some(9_900)));
        assert_eq!(amount(Lang::Zh, " ¥12.3 ", true), Ok(Some(1_230)));
        assert_eq!(amount(Lang::Zh, "", false), Ok(None));
        assert_eq!(amount(Lang::Zh, "", true), Err("不能为空".to_owned()));
        assert_eq!(
            amount(Lang::Zh, "9.999", true),
            Err("请输入金额，例如 12.34".to_owned())
        );
        assert_eq!(yuan(Fen::new(9_950)), "99.50");
        assert_eq!(whole(Lang::Zh, "-3"), Ok(Some(-3)));
        assert_eq!(whole(Lang::Zh, "1.5"), Err("请输入整数".to_owned()));
    }

    #[test]
    fn the_ledger_shows_how_on_hand_changed() {
        let m = |reason, quantity| StockMovement {
            id: 1,
            sku_id: SkuId(1),
            reason,
            quantity,
            note: String::new(),
            staff_id: None,
            order_id: None,
            on_hand_after: 0,
            at: 0,
        };
        let t = Lang::Zh.text();
        assert_eq!(movement_line(t, &m(StockReason::Sold, 3)).change, "-3");
        assert_eq!(movement_line(t, &m(StockReason::Received, 5)).change, "+5");
        let stocktake = movement_line(t, &m(StockReason::Adjusted, -2));
        assert_eq!(
            (stocktake.change.as_str(), stocktake.reason),
            ("-2", "盘点调整")
        );
        assert_eq!(
            fill(
                "「{name}」{count}",
                &[("{name}", "{count}"), ("{count}", "5")]
            ),
            "「{count}」5"
        );
    }
}
