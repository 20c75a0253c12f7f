//! SQL for the catalogue: products, SKUs with their stock counters, the stock ledger and
//! product images.

use shequn_domain::stock::{StockLevel, StockReason};
use shequn_domain::{
    BrandId, Cursor, Fen, Frequency, OrderId, PageSize, Product, ProductDraft, ProductId,
    SearchText, Sku, SkuDraft, SkuId, StaffId, StockMovement,
};

use super::db::{Engine, Tx};
use super::sql::{Row, StoreError, decoded, take_total};

const PRODUCT_COLUMNS: &str =
    "id, title, category, frequency, usage_days, description, on_shelf, created_at, updated_at";
const SKU_COLUMNS: &str =
    "id, product_id, name, price, list_price, received, on_hand, sold, returned, active";

fn product(r: &Row) -> Result<Product, StoreError> {
    let frequency: String = r.get(3)?;
    Ok(Product {
        id: ProductId(r.get(0)?),
        title: r.get(1)?,
        category: r.get(2)?,
        frequency: decoded(Frequency::parse("frequency", &frequency))?,
        usage_days: r.get(4)?,
        description: r.get(5)?,
        on_shelf: r.get(6)?,
        skus: Vec::new(),
        images: Vec::new(),
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

fn sku(r: &Row) -> Result<Sku, StoreError> {
    Ok(Sku {
        id: SkuId(r.get(0)?),
        product_id: ProductId(r.get(1)?),
        name: r.get(2)?,
        price: Fen::new(r.get(3)?),
        list_price: r.get::<Option<i64>>(4)?.map(Fen::new),
        stock: StockLevel {
            received: r.get(5)?,
            on_hand: r.get(6)?,
            sold: r.get(7)?,
            returned: r.get(8)?,
        },
        active: r.get(9)?,
    })
}

pub async fn insert_product(
    tx: &mut Tx,
    brand: BrandId,
    d: &ProductDraft,
    now: i64,
) -> Result<ProductId, StoreError> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO products (brand_id, title, category, frequency, usage_days, description,
                 on_shelf, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            &params![
                brand,
                d.title.as_str(),
                d.category.as_str(),
                d.frequency.as_str(),
                d.usage_days,
                d.description.as_str(),
                d.on_shelf,
                now
            ],
        )
        .await?
        .get(0)?;
    Ok(ProductId(id))
}

pub async fn update_product(
    tx: &mut Tx,
    brand: BrandId,
    id: ProductId,
    d: &ProductDraft,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE products SET title = $3, category = $4, frequency = $5, usage_days = $6,
                 description = $7, on_shelf = $8, updated_at = $9
             WHERE brand_id = $1 AND id = $2",
            &params![
                brand,
                id.get(),
                d.title.as_str(),
                d.category.as_str(),
                d.frequency.as_str(),
                d.usage_days,
                d.description.as_str(),
                d.on_shelf,
                now
            ],
        )
        .await?;
    Ok(n == 1)
}

pub async fn insert_sku(
    tx: &mut Tx,
    brand: BrandId,
    product: ProductId,
    d: &SkuDraft,
    now: i64,
) -> Result<SkuId, StoreError> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO skus (brand_id, product_id, name, price, list_price, received, on_hand,
                 sold, returned, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, TRUE, $6, $6) RETURNING id",
            &params![
                brand,
                product.get(),
                d.name.as_str(),
                d.price.get(),
                d.list_price.map(Fen::get),
                now
            ],
        )
        .await?
        .get(0)?;
    Ok(SkuId(id))
}

pub async fn update_sku(
    tx: &mut Tx,
    brand: BrandId,
    id: SkuId,
    d: &SkuDraft,
    active: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "UPDATE skus SET name = $3, price = $4, list_price = $5, active = $6, updated_at = $7
             WHERE brand_id = $1 AND id = $2",
            &params![
                brand,
                id.get(),
                d.name.as_str(),
                d.price.get(),
                d.list_price.map(Fen::get),
                active,
                now
            ],
        )
        .await?;
    Ok(n == 1)
}

async fn fill(tx: &mut Tx, brand: BrandId, p: &mut Product) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT {SKU_COLUMNS} FROM skus WHERE brand_id = $1 AND product_id = $2 ORDER BY id"
    );
    p.skus = tx
        .query(&sql, &params![brand, p.id.get()])
        .await?
        .iter()
        .map(sku)
        .collect::<Result<_, _>>()?;
    p.images = tx
        .query(
            "SELECT id FROM product_images WHERE brand_id = $1 AND product_id = $2
             ORDER BY position, id",
            &params![brand, p.id.get()],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    Ok(())
}

pub async fn product_by_id(
    tx: &mut Tx,
    brand: BrandId,
    id: ProductId,
) -> Result<Option<Product>, StoreError> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE brand_id = $1 AND id = $2");
    let Some(row) = tx.query_opt(&sql, &params![brand, id.get()]).await? else {
        return Ok(None);
    };
    let mut p = product(&row)?;
    fill(tx, brand, &mut p).await?;
    Ok(Some(p))
}

/// The SKU, if the brand has it.
pub async fn sku_by_id(tx: &mut Tx, brand: BrandId, id: SkuId) -> Result<Option<Sku>, StoreError> {
    let sql = format!("SELECT {SKU_COLUMNS} FROM skus WHERE brand_id = $1 AND id = $2");
    tx.query_opt(&sql, &params![brand, id.get()])
        .await?
        .as_ref()
        .map(sku)
        .transpose()
}

/// What a product list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub category: Option<String>,
    pub on_shelf: Option<bool>,
    pub search: Option<SearchText>,
}

pub async fn list(
    tx: &mut Tx,
    brand: BrandId,
    f: &ProductFilter,
    after: Cursor,
    limit: PageSize,
) -> Result<(Vec<Product>, Option<i64>), StoreError> {
    let sql = format!(
        "SELECT * FROM (
           SELECT {PRODUCT_COLUMNS}, COUNT(*) OVER () AS listed FROM products
           WHERE brand_id = $1 AND ($3 IS NULL OR category = $3) AND ($4 IS NULL OR on_shelf = $4)
             AND ($5 IS NULL OR LOWER(title) LIKE LOWER($5) ESCAPE '\\')
         ) AS matching WHERE id > $2 ORDER BY id LIMIT $6"
    );
    let pattern = f.search.as_ref().map(SearchText::like_pattern);
    let mut rows = tx
        .query(
            &sql,
            &params![
                brand,
                after.0,
                f.category.as_deref(),
                f.on_shelf,
                pattern.as_deref(),
                i64::from(limit.get())
            ],
        )
        .await?;
    let total = take_total(&mut rows)?;
    let mut out = rows.iter().map(product).collect::<Result<Vec<_>, _>>()?;
    for p in &mut out {
        fill(tx, brand, p).await?;
    }
    Ok((out, total))
}

/// The SKU's stock, locked until the transaction ends (PostgreSQL: `FOR UPDATE`, so two
/// buyers of the last unit queue; SQLite: the one writer already serialises).
pub async fn lock_stock(
    tx: &mut Tx,
    brand: BrandId,
    id: SkuId,
) -> Result<Option<StockLevel>, StoreError> {
    let lock = match tx.engine() {
        Engine::Postgres => "FOR UPDATE",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "SELECT received, on_hand, sold, returned FROM skus WHERE brand_id = $1 AND id = $2 {lock}"
    );
    tx.query_opt(&sql, &params![brand, id.get()])
        .await?
        .map(|r| {
            Ok(StockLevel {
                received: r.get(0)?,
                on_hand: r.get(1)?,
                sold: r.get(2)?,
                returned: r.get(3)?,
            })
        })
        .transpose()
}

/// A movement about to be recorded.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub sku: SkuId,
    pub reason: StockReason,
    pub quantity: i64,
    pub note: &'a str,
    pub staff: Option<StaffId>,
    pub order: Option<OrderId>,
}

/// Writes the SKU's new counters and the movement that led to them.
pub async fn record_move(
    tx: &mut Tx,
    brand: BrandId,
    m: &Move<'_>,
    after: &StockLevel,
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE skus SET received = $3, on_hand = $4, sold = $5, returned = $6, updated_at = $7
         WHERE brand_id = $1 AND id = $2",
        &params![
            brand,
            m.sku.get(),
            after.received,
            after.on_hand,
            after.sold,
            after.returned,
            now
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO stock_movements (brand_id, sku_id, reason, quantity, note, staff_id,
             order_id, on_hand_after, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &params![
            brand,
            m.sku.get(),
            m.reason.as_str(),
            m.quantity,
            m.note,
            m.staff,
            m.order.map(OrderId::get),
            after.on_hand,
            now
        ],
    )
    .await?;
    Ok(())
}

/// The SKU's ledger, newest first, and its length.
pub async fn movements(
    tx: &mut Tx,
    brand: BrandId,
    sku_id: SkuId,
    before: Cursor,
    limit: PageSize,
) -> Result<(Vec<StockMovement>, Option<i64>), StoreError> {
    let mut rows = tx
        .query(
            "SELECT * FROM (
               SELECT id, sku_id, reason, quantity, note, staff_id, order_id, on_hand_after, at,
                      COUNT(*) OVER () AS listed
               FROM stock_movements WHERE brand_id = $1 AND sku_id = $2
             ) AS matching WHERE ($3 = 0 OR id < $3) ORDER BY id DESC LIMIT $4",
            &params![brand, sku_id.get(), before.0, i64::from(limit.get())],
        )
        .await?;
    let total = take_total(&mut rows)?;
    let list = rows
        .iter()
        .map(|r| {
            let reason: String = r.get(2)?;
            Ok(StockMovement {
                id: r.get(0)?,
                sku_id: SkuId(r.get(1)?),
                reason: decoded(StockReason::parse("reason", &reason))?,
                quantity: r.get(3)?,
                note: r.get(4)?,
                staff_id: r.get::<Option<i64>>(5)?.map(StaffId),
                order_id: r.get::<Option<i64>>(6)?.map(OrderId),
                on_hand_after: r.get(7)?,
                at: r.get(8)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((list, total))
}

pub async fn insert_image(
    tx: &mut Tx,
    brand: BrandId,
    product: ProductId,
    content_type: &str,
    bytes: &[u8],
    sha256: &str,
    now: i64,
) -> Result<i64, StoreError> {
    tx.query_one(
        "INSERT INTO product_images (brand_id, product_id, position, content_type, bytes,
             sha256, created_at)
         VALUES ($1, $2, (SELECT COUNT(*) FROM product_images WHERE brand_id = $1 AND product_id = $2),
                 $3, $4, $5, $6)
         RETURNING id",
        &params![brand, product.get(), content_type, bytes, sha256, now],
    )
    .await?
    .get(0)
}

/// An image: (content type, bytes, SHA-256 hex).
pub async fn image(
    tx: &mut Tx,
    brand: BrandId,
    id: i64,
) -> Result<Option<(String, Vec<u8>, String)>, StoreError> {
    tx.query_opt(
        "SELECT content_type, bytes, sha256 FROM product_images WHERE brand_id = $1 AND id = $2",
        &params![brand, id],
    )
    .await?
    .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .transpose()
}

pub async fn delete_image(tx: &mut Tx, brand: BrandId, id: i64) -> Result<u64, StoreError> {
    tx.execute(
        "DELETE FROM product_images WHERE brand_id = $1 AND id = $2",
        &params![brand, id],
    )
    .await
}
