//! The catalogue: products and SKUs (brand admins write them; every staff member reads
//! them), stock moved by staff (deliveries and stocktakes, with a reason) and by orders,
//! each movement recorded, and product images checked by their bytes.
//!
//! Stock moves through [`move_stock_in`], inside the caller's transaction: the SKU's row is
//! locked, the domain checks the movement, and the counters and the ledger line are
//! written together.

use sha2::{Digest, Sha256};
use shequn_domain::catalogue::{MAX_IMAGE_BYTES, MAX_IMAGES, MAX_SKUS, image_type};
use shequn_domain::stock::{StockLevel, StockReason};
use shequn_domain::{
    Actor, BrandId, Cursor, PageSize, Product, ProductDraft, ProductId, Reason, Role, SearchText,
    Sku, SkuDraft, SkuId, StockMovement,
};

use crate::clock::now_ms;
use crate::storage::catalogue::{self as store, Move, ProductFilter};
use crate::storage::db::Tx;
use crate::usecases::Page;
use crate::{AppError, Db};

fn require_admin(actor: &Actor) -> Result<(), AppError> {
    Ok(Actor::require(
        actor.role == Role::BrandAdmin,
        "only brand admins change the catalogue",
    )?)
}

/// A product's fields as sent.
#[derive(Debug, Clone)]
pub struct ProductInput {
    pub title: String,
    pub category: String,
    pub frequency: String,
    pub usage_days: Option<i64>,
    pub description: String,
    pub on_shelf: bool,
}

impl ProductInput {
    fn parse(&self) -> Result<ProductDraft, AppError> {
        Ok(ProductDraft::parse(
            &self.title,
            &self.category,
            &self.frequency,
            self.usage_days,
            &self.description,
            self.on_shelf,
        )?)
    }
}

/// A SKU as sent, with the stock it starts with.
#[derive(Debug, Clone)]
pub struct SkuInput {
    pub name: String,
    pub price: i64,
    pub list_price: Option<i64>,
    pub stock: i64,
}

fn parse_sku(s: &SkuInput) -> Result<(SkuDraft, i64), AppError> {
    let draft = SkuDraft::parse(&s.name, s.price, s.list_price)?;
    if s.stock != 0 {
        StockReason::Received.check_quantity("stock", s.stock)?;
    }
    Ok((draft, s.stock))
}

/// Moves stock inside the caller's transaction (orders use it too): locks the SKU, checks
/// the movement against its counters, writes both. Returns the new level.
pub async fn move_stock_in(
    tx: &mut Tx,
    brand: BrandId,
    m: &Move<'_>,
    now: i64,
) -> Result<StockLevel, AppError> {
    let before = store::lock_stock(tx, brand, m.sku)
        .await?
        .ok_or_else(|| AppError::invalid("sku_id", Reason::NotOneOf("SKU")))?;
    let after = before.apply(m.reason, m.quantity)?;
    debug_assert!(
        after.is_consistent(),
        "the domain keeps the stock invariant"
    );
    store::record_move(tx, brand, m, &after, now).await?;
    Ok(after)
}

/// Records a new SKU's starting stock as received (nothing when it starts empty).
async fn receive_initial(
    tx: &mut Tx,
    actor: &Actor,
    sku: SkuId,
    stock: i64,
    now: i64,
) -> Result<(), AppError> {
    if stock > 0 {
        let m = Move {
            sku,
            reason: StockReason::Received,
            quantity: stock,
            note: "初始库存",
            staff: Some(actor.staff),
            order: None,
        };
        move_stock_in(tx, actor.brand, &m, now).await?;
    }
    Ok(())
}

/// Creates a product with its SKUs (1 to 50) and their starting stock, recorded as received.
#[tracing::instrument(skip(db, input, skus), fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn create_product(
    db: &Db,
    actor: &Actor,
    input: ProductInput,
    skus: Vec<SkuInput>,
) -> Result<Product, AppError> {
    require_admin(actor)?;
    let draft = input.parse()?;
    if skus.is_empty() || skus.len() > MAX_SKUS {
        return Err(AppError::invalid(
            "skus",
            Reason::OutOfRange {
                min: 1,
                max: MAX_SKUS as i64,
            },
        ));
    }
    let skus = skus.iter().map(parse_sku).collect::<Result<Vec<_>, _>>()?;
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let now = now_ms();
            let id = store::insert_product(tx, actor.brand, &draft, now).await?;
            for (sku, stock) in &skus {
                let sku_id = store::insert_sku(tx, actor.brand, id, sku, now).await?;
                receive_initial(tx, &actor, sku_id, *stock, now).await?;
            }
            store::product_by_id(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("product"))
        })
    })
    .await
}

/// Rewrites a product's own fields (title, category, frequency, usage cycle, description,
/// on the shelf or not).
#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn update_product(
    db: &Db,
    actor: &Actor,
    id: ProductId,
    input: ProductInput,
) -> Result<Product, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            store::product_by_id(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("product"))?;
            require_admin(&actor)?;
            let draft = input.parse()?;
            store::update_product(tx, actor.brand, id, &draft, now_ms()).await?;
            store::product_by_id(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("product"))
        })
    })
    .await
}

/// Adds a SKU to a product.
#[tracing::instrument(skip(db, input), fields(brand = %actor.brand, actor = %actor.staff, target = %product))]
pub async fn add_sku(
    db: &Db,
    actor: &Actor,
    product: ProductId,
    input: SkuInput,
) -> Result<Product, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            let p = store::product_by_id(tx, actor.brand, product)
                .await?
                .ok_or(AppError::NotFound("product"))?;
            require_admin(&actor)?;
            if p.skus.len() >= MAX_SKUS {
                return Err(AppError::invalid(
                    "skus",
                    Reason::OutOfRange {
                        min: 1,
                        max: MAX_SKUS as i64,
                    },
                ));
            }
            let (draft, stock) = parse_sku(&input)?;
            let now = now_ms();
            let sku_id = store::insert_sku(tx, actor.brand, product, &draft, now).await?;
            receive_initial(tx, &actor, sku_id, stock, now).await?;
            store::product_by_id(tx, actor.brand, product)
                .await?
                .ok_or(AppError::NotFound("product"))
        })
    })
    .await
}

/// A SKU's editable fields.
#[derive(Debug, Clone)]
pub struct SkuPatch {
    pub name: String,
    pub price: i64,
    pub list_price: Option<i64>,
    pub active: bool,
}

#[tracing::instrument(skip(db, patch), fields(brand = %actor.brand, actor = %actor.staff, target = %id))]
pub async fn update_sku(
    db: &Db,
    actor: &Actor,
    id: SkuId,
    patch: SkuPatch,
) -> Result<Sku, AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            store::sku_by_id(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("SKU"))?;
            require_admin(&actor)?;
            let draft = SkuDraft::parse(&patch.name, patch.price, patch.list_price)?;
            store::update_sku(tx, actor.brand, id, &draft, patch.active, now_ms()).await?;
            store::sku_by_id(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("SKU"))
        })
    })
    .await
}

#[tracing::instrument(level = "debug", skip(db), fields(brand = %actor.brand, target = %id))]
pub async fn product(db: &Db, actor: &Actor, id: ProductId) -> Result<Product, AppError> {
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            store::product_by_id(tx, brand, id)
                .await?
                .ok_or(AppError::NotFound("product"))
        })
    })
    .await
}

/// What a product list asks for.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    pub category: Option<String>,
    pub on_shelf: Option<bool>,
    pub search: Option<SearchText>,
}

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand))]
pub async fn products(
    db: &Db,
    actor: &Actor,
    q: ProductQuery,
    after: Cursor,
    size: PageSize,
) -> Result<Page<Product>, AppError> {
    let brand = actor.brand;
    let f = ProductFilter {
        category: q.category,
        on_shelf: q.on_shelf,
        search: q.search,
    };
    let rows = db
        .read(move |tx| Box::pin(async move { Ok(store::list(tx, brand, &f, after, size).await?) }))
        .await?;
    Ok(Page::from_rows(rows, size, after.0 == 0, |p| p.id.get()))
}

/// Staff move stock by hand: a delivery (`received`) or a stocktake (`adjusted`, ±, with a
/// note saying why). Orders move the rest.
#[tracing::instrument(skip(db, note), fields(brand = %actor.brand, actor = %actor.staff, target = %sku))]
pub async fn adjust_stock(
    db: &Db,
    actor: &Actor,
    sku: SkuId,
    reason: &str,
    quantity: i64,
    note: &str,
) -> Result<Sku, AppError> {
    let reason = StockReason::parse("reason", reason)?;
    if !matches!(reason, StockReason::Received | StockReason::Adjusted) {
        return Err(AppError::invalid(
            "reason",
            Reason::NotOneOf("stock reason staff give"),
        ));
    }
    let quantity = reason.check_quantity("quantity", quantity)?;
    let note = note.trim().to_owned();
    if reason == StockReason::Adjusted && note.is_empty() {
        return Err(AppError::invalid("note", Reason::Required));
    }
    if note.chars().count() > 200 {
        return Err(AppError::invalid(
            "note",
            Reason::TooLong {
                max: 200,
                got: note.chars().count(),
            },
        ));
    }
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            store::sku_by_id(tx, actor.brand, sku)
                .await?
                .ok_or(AppError::NotFound("SKU"))?;
            require_admin(&actor)?;
            let m = Move {
                sku,
                reason,
                quantity,
                note: &note,
                staff: Some(actor.staff),
                order: None,
            };
            move_stock_in(tx, actor.brand, &m, now_ms()).await?;
            store::sku_by_id(tx, actor.brand, sku)
                .await?
                .ok_or(AppError::NotFound("SKU"))
        })
    })
    .await
}

/// A SKU's stock ledger, newest first.
#[tracing::instrument(level = "debug", skip(db), fields(brand = %actor.brand, target = %sku))]
pub async fn stock_history(
    db: &Db,
    actor: &Actor,
    sku: SkuId,
    before: Cursor,
    size: PageSize,
) -> Result<Page<StockMovement>, AppError> {
    let brand = actor.brand;
    let rows = db
        .read(move |tx| {
            Box::pin(async move {
                store::sku_by_id(tx, brand, sku)
                    .await?
                    .ok_or(AppError::NotFound("SKU"))?;
                Ok(store::movements(tx, brand, sku, before, size).await?)
            })
        })
        .await?;
    Ok(Page::from_rows(rows, size, before.0 == 0, |m| m.id))
}

/// Adds an image to a product: PNG, JPEG or WebP by its bytes, at most 2 MiB, at most 9 a
/// product. Returns the image's id.
#[tracing::instrument(skip(db, bytes), fields(brand = %actor.brand, actor = %actor.staff, target = %product, size = bytes.len()))]
pub async fn add_image(
    db: &Db,
    actor: &Actor,
    product: ProductId,
    bytes: Vec<u8>,
) -> Result<i64, AppError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(AppError::invalid(
            "image",
            Reason::TooLong {
                max: MAX_IMAGE_BYTES,
                got: bytes.len(),
            },
        ));
    }
    let sha = hex::encode(Sha256::digest(&bytes));
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            // Another brand's product is not found before anything is said of the body.
            let p = store::product_by_id(tx, actor.brand, product)
                .await?
                .ok_or(AppError::NotFound("product"))?;
            require_admin(&actor)?;
            let Some(content_type) = image_type(&bytes) else {
                return Err(AppError::invalid(
                    "image",
                    Reason::NotOneOf("image type (PNG, JPEG, WebP)"),
                ));
            };
            if p.images.len() >= MAX_IMAGES {
                return Err(AppError::invalid(
                    "image",
                    Reason::OutOfRange {
                        min: 0,
                        max: MAX_IMAGES as i64,
                    },
                ));
            }
            Ok(store::insert_image(
                tx,
                actor.brand,
                product,
                content_type,
                &bytes,
                &sha,
                now_ms(),
            )
            .await?)
        })
    })
    .await
}

/// An image of the brand's catalogue: (content type, bytes, SHA-256 hex for the ETag).
#[tracing::instrument(level = "debug", skip(db), fields(brand = %brand, target = id))]
pub async fn image(
    db: &Db,
    brand: BrandId,
    id: i64,
) -> Result<(String, Vec<u8>, String), AppError> {
    db.read(move |tx| {
        Box::pin(async move {
            store::image(tx, brand, id)
                .await?
                .ok_or(AppError::NotFound("image"))
        })
    })
    .await
}

#[tracing::instrument(skip(db), fields(brand = %actor.brand, actor = %actor.staff, target = id))]
pub async fn delete_image(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    let actor = *actor;
    db.write(move |tx| {
        Box::pin(async move {
            store::image(tx, actor.brand, id)
                .await?
                .ok_or(AppError::NotFound("image"))?;
            require_admin(&actor)?;
            store::delete_image(tx, actor.brand, id).await?;
            Ok(())
        })
    })
    .await
}
