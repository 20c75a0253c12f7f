//! The consumer side of the store (微商城): what is on sale, a shopper session per browser
//! with its cart, checkout (the cart becomes one order and a payment intent, in one
//! transaction), the shopper's own orders, refund requests and confirming receipt.
//!
//! A shopper is anonymous until the first checkout, which makes them a customer of the
//! brand (attributed to the join link they arrived by, if any) and binds the session to
//! them. A session sees only its own customer's orders; another's answers "not found".

use serde::{Deserialize, Serialize};
use shequn_domain::order::OrderEvent;
use shequn_domain::{BrandId, Channel, CustomerId, Fen, OrderId, Phone, ProductId, Reason, SkuId};

use crate::clock::now_ms;
use crate::storage::db::Tx;
use crate::storage::orders::{self as order_store, TimelineEntry};
use crate::storage::shop::{self as store, ShippingRow};
use crate::storage::{catalogue, customers, links, orgs, refund_requests as requests};
use crate::usecases::links::{Newcomer, new_customer_by_link};
use crate::usecases::orders::{self, Buyer, LineInput, Placed};
use crate::usecases::payments::{self, PaymentIntent};
use crate::usecases::refund_requests::RefundRequestView;
use crate::{AppError, Db};

const SESSION_DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;
/// The most of one SKU a cart takes.
pub const MAX_QUANTITY: i64 = 99;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopBrand {
    pub brand: BrandId,
    pub slug: String,
    pub name: String,
}

pub async fn brand_by_slug(db: &Db, slug: &str) -> Result<Option<ShopBrand>, AppError> {
    let slug = slug.to_owned();
    db.read(move |tx| {
        Box::pin(async move {
            Ok(orgs::find_by_slug(tx, &slug).await?.map(|b| ShopBrand {
                brand: b.id,
                slug: b.slug,
                name: b.name,
            }))
        })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSku {
    pub id: SkuId,
    pub name: String,
    pub price: Fen,
    pub list_price: Option<Fen>,
    pub available: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopProduct {
    pub id: ProductId,
    pub title: String,
    pub category: String,
    pub description: String,
    pub images: Vec<i64>,
    /// Active SKUs only.
    pub skus: Vec<ShopSku>,
}

impl ShopProduct {
    /// The lowest price of its SKUs (what the card shows as 「¥x 起」).
    pub fn price_from(&self) -> Fen {
        self.skus
            .iter()
            .map(|s| s.price)
            .min_by_key(|p| p.get())
            .unwrap_or(Fen::new(0))
    }

    pub fn sold_out(&self) -> bool {
        self.skus.iter().all(|s| s.available <= 0)
    }
}

fn shop_product(p: shequn_domain::Product) -> ShopProduct {
    ShopProduct {
        id: p.id,
        title: p.title,
        category: p.category,
        description: p.description,
        images: p.images,
        skus: p
            .skus
            .into_iter()
            .filter(|s| s.active)
            .map(|s| ShopSku {
                id: s.id,
                name: s.name,
                price: s.price,
                list_price: s.list_price,
                available: s.stock.on_hand,
            })
            .collect(),
    }
}

async fn on_shelf(
    tx: &mut Tx,
    brand: BrandId,
    category: Option<String>,
) -> Result<Vec<ShopProduct>, AppError> {
    let f = catalogue::ProductFilter {
        category,
        on_shelf: Some(true),
        search: None,
    };
    let mut out = Vec::new();
    let mut after = shequn_domain::Cursor(0);
    let page = shequn_domain::PageSize::MAX_PAGE;
    loop {
        let (rows, _) = catalogue::list(tx, brand, &f, after, page).await?;
        let Some(last) = rows.last().map(|p| p.id.get()) else {
            break;
        };
        let full = rows.len() as u32 == page.get();
        out.extend(
            rows.into_iter()
                .map(shop_product)
                .filter(|p| !p.skus.is_empty()),
        );
        if !full {
            break;
        }
        after = shequn_domain::Cursor(last);
    }
    Ok(out)
}

/// What is on the shelf (in one category, when given), oldest product first.
pub async fn products(
    db: &Db,
    brand: BrandId,
    category: Option<&str>,
) -> Result<Vec<ShopProduct>, AppError> {
    let category = category.filter(|c| !c.is_empty()).map(str::to_owned);
    db.read(move |tx| Box::pin(async move { on_shelf(tx, brand, category).await }))
        .await
}

/// The shelf as the store's home shows it: every category with something on sale, and
/// the products of one category (all when None), read once.
pub async fn shelf(
    db: &Db,
    brand: BrandId,
    category: Option<&str>,
) -> Result<(Vec<String>, Vec<ShopProduct>), AppError> {
    let all = products(db, brand, None).await?;
    let mut categories: Vec<String> = all
        .iter()
        .map(|p| p.category.clone())
        .filter(|c| !c.is_empty())
        .collect();
    categories.sort();
    categories.dedup();
    let shown = match category.filter(|c| !c.is_empty()) {
        Some(c) => all.into_iter().filter(|p| p.category == c).collect(),
        None => all,
    };
    Ok((categories, shown))
}

pub async fn product(db: &Db, brand: BrandId, id: ProductId) -> Result<ShopProduct, AppError> {
    db.read(move |tx| {
        Box::pin(async move {
            catalogue::product_by_id(tx, brand, id)
                .await?
                .filter(|p| p.on_shelf)
                .map(shop_product)
                .filter(|p| !p.skus.is_empty())
                .ok_or(AppError::NotFound("product"))
        })
    })
    .await
}

/// An image of a product on the shelf: (content type, bytes, ETag).
pub async fn image(
    db: &Db,
    brand: BrandId,
    image: i64,
) -> Result<(String, Vec<u8>, String), AppError> {
    db.read(move |tx| {
        Box::pin(async move {
            if !store::image_on_shelf(tx, brand, image).await? {
                return Err(AppError::NotFound("image"));
            }
            catalogue::image(tx, brand, image)
                .await?
                .ok_or(AppError::NotFound("image"))
        })
    })
    .await
}

/// A browser's shopper session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shopper {
    pub id: i64,
    pub brand: BrandId,
    pub slug: String,
    pub customer: Option<CustomerId>,
    pub csrf: String,
    pub nickname: Option<String>,
}

/// Opens a session (the token goes into the cookie; only its hash is stored).
pub async fn open_session(
    db: &Db,
    brand: BrandId,
    via: Option<&str>,
) -> Result<(Shopper, String), AppError> {
    let via = via
        .map(str::to_owned)
        .filter(|v| !v.is_empty() && v.len() <= 64);
    db.write(move |tx| {
        Box::pin(async move {
            let b = orgs::get(tx, brand)
                .await?
                .ok_or(AppError::NotFound("brand"))?;
            // Only a live link of this brand attributes the shopper.
            let via = match via {
                Some(code) => match links::by_code(tx, &code).await? {
                    Some((b2, l)) if b2 == brand && l.active => Some(code),
                    _ => None,
                },
                None => None,
            };
            let token = crate::secrets::random_secret("shp_");
            let csrf = crate::secrets::random_secret("")[..32].to_owned();
            let now = now_ms();
            let id = store::insert_session(
                tx,
                brand,
                &crate::secrets::hash_secret(&token),
                &csrf,
                via.as_deref(),
                now,
                now + SESSION_DAYS * DAY_MS,
            )
            .await?;
            Ok((
                Shopper {
                    id,
                    brand,
                    slug: b.slug,
                    customer: None,
                    csrf,
                    nickname: None,
                },
                token,
            ))
        })
    })
    .await
}

/// The live session for this cookie token, if any.
pub async fn session(db: &Db, brand: BrandId, token: &str) -> Result<Option<Shopper>, AppError> {
    let hash = crate::secrets::hash_secret(token);
    db.read(move |tx| {
        Box::pin(async move {
            let Some(row) = store::session_by_token(tx, brand, &hash, now_ms()).await? else {
                return Ok(None);
            };
            let b = orgs::get(tx, brand)
                .await?
                .ok_or(AppError::NotFound("brand"))?;
            let nickname = match row.customer {
                Some(c) => customers::get(tx, brand, c).await?.map(|(c, _)| c.nickname),
                None => None,
            };
            Ok(Some(Shopper {
                id: row.id,
                brand,
                slug: b.slug,
                customer: row.customer,
                csrf: row.csrf,
                nickname,
            }))
        })
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: SkuId,
    pub product: ProductId,
    pub title: String,
    pub sku_name: String,
    pub unit_price: Fen,
    pub quantity: i64,
    pub available: i64,
    pub image: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub total: Fen,
    pub count: i64,
}

/// The cart as it stands: lines whose SKU left the shelf are dropped from view (and from
/// checkout), prices are today's.
async fn cart_in(tx: &mut Tx, brand: BrandId, session: i64) -> Result<Cart, AppError> {
    let mut cart = Cart::default();
    for (sku, quantity) in store::cart(tx, brand, session).await? {
        let Some(s) = catalogue::sku_by_id(tx, brand, sku)
            .await?
            .filter(|s| s.active)
        else {
            continue;
        };
        let Some(p) = catalogue::product_by_id(tx, brand, s.product_id)
            .await?
            .filter(|p| p.on_shelf)
        else {
            continue;
        };
        cart.total = Fen::new(cart.total.get() + s.price.get() * quantity);
        cart.count += quantity;
        cart.lines.push(CartLine {
            sku,
            product: p.id,
            title: p.title,
            sku_name: s.name,
            unit_price: s.price,
            quantity,
            available: s.stock.on_hand,
            image: p.images.first().copied(),
        });
    }
    Ok(cart)
}

pub async fn cart(db: &Db, shopper: &Shopper) -> Result<Cart, AppError> {
    let (brand, session) = (shopper.brand, shopper.id);
    db.read(move |tx| Box::pin(async move { cart_in(tx, brand, session).await }))
        .await
}

fn quantity(q: i64, min: i64) -> Result<i64, AppError> {
    if (min..=MAX_QUANTITY).contains(&q) {
        Ok(q)
    } else {
        Err(AppError::invalid(
            "quantity",
            Reason::OutOfRange {
                min,
                max: MAX_QUANTITY,
            },
        ))
    }
}

async fn on_sale(tx: &mut Tx, brand: BrandId, sku: i64) -> Result<SkuId, AppError> {
    let unknown = || AppError::invalid("sku", Reason::NotOneOf("SKU on sale"));
    let s = catalogue::sku_by_id(tx, brand, SkuId(sku))
        .await?
        .filter(|s| s.active)
        .ok_or_else(unknown)?;
    catalogue::product_by_id(tx, brand, s.product_id)
        .await?
        .filter(|p| p.on_shelf)
        .ok_or_else(unknown)?;
    Ok(s.id)
}

/// Adds units of a SKU (on top of what the cart has, up to 99).
pub async fn add_to_cart(db: &Db, shopper: &Shopper, sku: i64, qty: i64) -> Result<Cart, AppError> {
    let qty = quantity(qty, 1)?;
    let (brand, session) = (shopper.brand, shopper.id);
    db.write(move |tx| {
        Box::pin(async move {
            let sku = on_sale(tx, brand, sku).await?;
            let had = store::cart(tx, brand, session)
                .await?
                .into_iter()
                .find(|(s, _)| *s == sku)
                .map_or(0, |(_, q)| q);
            let q = (had + qty).min(MAX_QUANTITY);
            store::set_cart_line(tx, brand, session, sku, q, now_ms()).await?;
            cart_in(tx, brand, session).await
        })
    })
    .await
}

/// Sets a line's quantity; 0 removes it.
pub async fn set_cart_quantity(
    db: &Db,
    shopper: &Shopper,
    sku: i64,
    qty: i64,
) -> Result<Cart, AppError> {
    let qty = quantity(qty, 0)?;
    let (brand, session) = (shopper.brand, shopper.id);
    db.write(move |tx| {
        Box::pin(async move {
            let sku = if qty == 0 {
                SkuId(sku)
            } else {
                on_sale(tx, brand, sku).await?
            };
            store::set_cart_line(tx, brand, session, sku, qty, now_ms()).await?;
            cart_in(tx, brand, session).await
        })
    })
    .await
}

/// What the checkout form asks for.
#[derive(Debug, Clone, Default)]
pub struct CheckoutInput {
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub note: String,
}

fn text(field: &'static str, raw: &str, min: usize, max: usize) -> Result<String, AppError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 && min > 0 {
        return Err(AppError::invalid(field, Reason::Required));
    }
    if n < min {
        return Err(AppError::invalid(field, Reason::Length { min, max }));
    }
    if n > max {
        return Err(AppError::invalid(field, Reason::TooLong { max, got: n }));
    }
    if s.chars().any(char::is_control) {
        return Err(AppError::invalid(field, Reason::ControlCharacters));
    }
    Ok(s.to_owned())
}

/// Checks the form whole before anything is written.
fn shipping_of(input: &CheckoutInput) -> Result<(ShippingRow, Phone), AppError> {
    let recipient = text("recipient", &input.recipient, 1, 30)?;
    let phone = Phone::parse("phone", input.phone.trim())?;
    let address = text("address", &input.address, 5, 200)?;
    let note = text("note", &input.note, 0, 200)?;
    Ok((
        ShippingRow {
            recipient,
            phone: phone.full().to_owned(),
            address,
            note,
        },
        phone,
    ))
}

/// Places the cart as one order and opens its payment intent; the cart empties. The same
/// `checkout_key` again answers the order it placed (a form sent twice buys once).
#[tracing::instrument(skip(db, shopper, input, checkout_key), fields(brand = %shopper.brand, session = shopper.id))]
pub async fn checkout(
    db: &Db,
    shopper: &Shopper,
    input: CheckoutInput,
    checkout_key: &str,
) -> Result<(OrderId, PaymentIntent), AppError> {
    let key = text("checkout_key", checkout_key, 16, 64)?;
    let (shipping, phone) = shipping_of(&input)?;
    let (brand, session) = (shopper.brand, shopper.id);
    db.write(move |tx| {
        Box::pin(async move {
            if let Some(order) = store::order_by_checkout_key(tx, brand, &key).await? {
                let intent = payments::intents_in(tx, brand, order)
                    .await?
                    .pop()
                    .ok_or(AppError::NotFound("payment intent"))?;
                return Ok((order, intent));
            }
            let b = orgs::get(tx, brand)
                .await?
                .ok_or(AppError::NotFound("brand"))?;
            let cart = cart_in(tx, brand, session).await?;
            if cart.lines.is_empty() {
                return Err(AppError::invalid("cart", Reason::Required));
            }
            let now = now_ms();
            let link = match store::session_via(tx, brand, session).await? {
                Some(code) => links::by_code(tx, &code)
                    .await?
                    .filter(|(b, _)| *b == brand)
                    .map(|(_, l)| l),
                None => None,
            };
            let customer = match store::session_customer(tx, brand, session).await? {
                Some(c) => c,
                None => {
                    // The store's usual entry is the official account's menu.
                    let who = Newcomer {
                        nickname: shipping.recipient.clone(),
                        phone: Some(phone),
                        external_id: None,
                    };
                    let c = new_customer_by_link(
                        tx,
                        brand,
                        link.as_ref(),
                        Channel::OfficialAccount,
                        who,
                        now,
                    )
                    .await?;
                    store::bind_customer(tx, brand, session, c).await?;
                    c
                }
            };
            // The community whose join link brought the shopper, for its KPIs.
            let community = link.as_ref().map(|l| l.community_id);
            let (c, _) = customers::get(tx, brand, customer)
                .await?
                .ok_or(AppError::NotFound("customer"))?;
            let lines: Vec<LineInput> = cart
                .lines
                .iter()
                .map(|l| LineInput {
                    sku: l.sku.get(),
                    quantity: l.quantity,
                })
                .collect();
            let by = Buyer {
                customer,
                store: c.store_id,
                guide: c.guide_id,
                community,
                placed_by: None,
            };
            let placed =
                orders::place_in(tx, brand, by, &lines, now)
                    .await
                    .map_err(|e| match e {
                        // In the store the cart is the field at fault.
                        AppError::Invalid {
                            field: "lines",
                            reason,
                        } => AppError::Invalid {
                            field: "cart",
                            reason,
                        },
                        other => other,
                    })?;
            let id = placed.meta.id;
            store::insert_shipping(tx, brand, id, &shipping, &key).await?;
            store::clear_cart(tx, brand, session).await?;
            let intent = payments::open_sandbox_intent(
                tx,
                brand,
                &b.slug,
                &b.name,
                id,
                placed.order.total,
                now,
            )
            .await?;
            Ok((id, intent))
        })
    })
    .await
}

/// The shopper's orders, newest first (the last 100).
pub async fn my_orders(db: &Db, shopper: &Shopper) -> Result<Vec<Placed>, AppError> {
    let Some(customer) = shopper.customer else {
        return Ok(Vec::new());
    };
    let brand = shopper.brand;
    db.read(move |tx| {
        Box::pin(async move {
            let mut out = Vec::new();
            for id in store::orders_of(tx, brand, customer, 100).await? {
                if let Some((meta, order)) = order_store::load(tx, brand, id).await? {
                    out.push(Placed { meta, order });
                }
            }
            Ok(out)
        })
    })
    .await
}

/// Where an order ships; the phone masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipping {
    pub recipient: String,
    /// Masked (138****5678).
    pub phone: String,
    pub address: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOrder {
    pub placed: Placed,
    pub timeline: Vec<TimelineEntry>,
    pub shipping: Shipping,
    pub requests: Vec<RefundRequestView>,
    /// The open (or last) payment intent.
    pub intent: Option<PaymentIntent>,
}

/// The order if it is the shopper's own, else "not found".
async fn own(
    tx: &mut Tx,
    shopper_brand: BrandId,
    customer: Option<CustomerId>,
    id: OrderId,
) -> Result<Placed, AppError> {
    let (meta, order) = order_store::load(tx, shopper_brand, id)
        .await?
        .filter(|(m, _)| Some(m.customer) == customer)
        .ok_or(AppError::NotFound("order"))?;
    Ok(Placed { meta, order })
}

pub async fn my_order(db: &Db, shopper: &Shopper, id: OrderId) -> Result<MyOrder, AppError> {
    let (brand, customer) = (shopper.brand, shopper.customer);
    db.read(move |tx| {
        Box::pin(async move {
            let placed = own(tx, brand, customer, id).await?;
            let timeline = order_store::timeline(tx, brand, id).await?;
            let s = store::shipping(tx, brand, id)
                .await?
                .unwrap_or(ShippingRow {
                    recipient: String::new(),
                    phone: String::new(),
                    address: String::new(),
                    note: String::new(),
                });
            let phone = Phone::parse("phone", &s.phone)
                .map(|p| p.masked())
                .unwrap_or_default();
            let requests = requests::of_order(tx, brand, id)
                .await?
                .into_iter()
                .map(RefundRequestView::from)
                .collect();
            let intent = payments::intents_in(tx, brand, id).await?.pop();
            Ok(MyOrder {
                placed,
                timeline,
                shipping: Shipping {
                    recipient: s.recipient,
                    phone,
                    address: s.address,
                    note: s.note,
                },
                requests,
                intent,
            })
        })
    })
    .await
}

/// A refund (and return) as the customer asks for it.
#[derive(Debug, Clone, Default)]
pub struct RefundAsk {
    /// A line (0-based), or None for the order as a whole.
    pub line: Option<i64>,
    /// Fen.
    pub amount: i64,
    /// Units sent back.
    pub quantity: i64,
    pub reason: String,
}

/// Files a refund request on the shopper's own order for staff to decide.
#[tracing::instrument(skip(db, shopper, ask), fields(brand = %shopper.brand, target = %id))]
pub async fn request_refund(
    db: &Db,
    shopper: &Shopper,
    id: OrderId,
    ask: RefundAsk,
) -> Result<RefundRequestView, AppError> {
    let (brand, customer) = (shopper.brand, shopper.customer);
    db.write(move |tx| {
        Box::pin(async move {
            own(tx, brand, customer, id).await?;
            crate::usecases::refund_requests::file_in(tx, brand, id, &ask, now_ms()).await
        })
    })
    .await
}

/// The customer confirms receipt of a shipped order.
pub async fn confirm_receipt(db: &Db, shopper: &Shopper, id: OrderId) -> Result<(), AppError> {
    let (brand, customer) = (shopper.brand, shopper.customer);
    db.write(move |tx| {
        Box::pin(async move {
            own(tx, brand, customer, id).await?;
            let now = now_ms();
            orders::apply_in(
                tx,
                brand,
                id,
                OrderEvent::Complete { at: now },
                "completed",
                None,
                now,
            )
            .await?;
            Ok(())
        })
    })
    .await
}

/// Back from the pay page, an order may still wait for the gateway's notification: ask the
/// gateway (its query API) about the order's open intents and apply what it says. Returns
/// whether anything was paid.
pub async fn settle_on_return(
    db: &Db,
    gateways: &crate::payments::gateways::Gateways,
    shopper: &Shopper,
    id: OrderId,
) -> Result<bool, AppError> {
    let (brand, customer) = (shopper.brand, shopper.customer);
    let intents = db
        .read(move |tx| {
            Box::pin(async move {
                let placed = own(tx, brand, customer, id).await?;
                if placed.order.status != shequn_domain::order::OrderStatus::PendingPayment {
                    return Ok(Vec::new());
                }
                Ok(crate::storage::payments::intents_of(tx, brand, id).await?)
            })
        })
        .await?;
    if intents.iter().all(|i| i.status != "open") {
        return Ok(false);
    }
    Ok(payments::reconcile_intents(db, gateways, brand, intents)
        .await?
        .is_some())
}

/// Where an order ships, for staff who see the order (the phone masked, as everywhere in
/// lists; the courier integration will carry the whole number server-side). None for
/// orders placed by staff without an address.
pub async fn shipping_for_staff(
    db: &Db,
    actor: &shequn_domain::Actor,
    id: OrderId,
) -> Result<Option<Shipping>, AppError> {
    // Seeing the order is the permission (404 otherwise).
    orders::get(db, actor, id).await?;
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            Ok(store::shipping(tx, brand, id).await?.map(|s| Shipping {
                phone: Phone::parse("phone", &s.phone)
                    .map(|p| p.masked())
                    .unwrap_or_default(),
                recipient: s.recipient,
                address: s.address,
                note: s.note,
            }))
        })
    })
    .await
}
