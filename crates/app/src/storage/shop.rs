//! SQL for the store's shopper sessions, their carts and where orders ship.

use shequn_domain::{BrandId, CustomerId, OrderId, SkuId};

use super::db::Tx;
use super::sql::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: i64,
    pub csrf: String,
    pub customer: Option<CustomerId>,
    pub via_link: Option<String>,
}

pub async fn insert_session(
    tx: &mut Tx,
    brand: BrandId,
    token_hash: &str,
    csrf: &str,
    via_link: Option<&str>,
    now: i64,
    expires_at: i64,
) -> Result<i64, StoreError> {
    tx.query_one(
        "INSERT INTO shop_sessions (brand_id, token_hash, csrf, via_link, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &params![brand, token_hash, csrf, via_link, now, expires_at],
    )
    .await?
    .get(0)
}

pub async fn session_by_token(
    tx: &mut Tx,
    brand: BrandId,
    token_hash: &str,
    now: i64,
) -> Result<Option<SessionRow>, StoreError> {
    tx.query_opt(
        "SELECT id, csrf, customer_id, via_link FROM shop_sessions
         WHERE brand_id = $1 AND token_hash = $2 AND expires_at > $3",
        &params![brand, token_hash, now],
    )
    .await?
    .map(|r| {
        Ok(SessionRow {
            id: r.get(0)?,
            csrf: r.get(1)?,
            customer: r.get::<Option<i64>>(2)?.map(CustomerId),
            via_link: r.get(3)?,
        })
    })
    .transpose()
}

/// The session's customer, as it stands in the database (it may have been bound by another
/// request since the session was read).
pub async fn session_customer(
    tx: &mut Tx,
    brand: BrandId,
    session: i64,
) -> Result<Option<CustomerId>, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT customer_id FROM shop_sessions WHERE brand_id = $1 AND id = $2",
            &params![brand, session],
        )
        .await?
        .map(|r| r.get::<Option<i64>>(0))
        .transpose()?
        .flatten()
        .map(CustomerId))
}

/// The join-link code the session arrived by.
pub async fn session_via(
    tx: &mut Tx,
    brand: BrandId,
    session: i64,
) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT via_link FROM shop_sessions WHERE brand_id = $1 AND id = $2",
            &params![brand, session],
        )
        .await?
        .map(|r| r.get::<Option<String>>(0))
        .transpose()?
        .flatten())
}

pub async fn bind_customer(
    tx: &mut Tx,
    brand: BrandId,
    session: i64,
    customer: CustomerId,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE shop_sessions SET customer_id = $3 WHERE brand_id = $1 AND id = $2",
        &params![brand, session, customer.get()],
    )
    .await?;
    Ok(())
}

/// The cart's lines: (SKU, quantity), oldest first.
pub async fn cart(
    tx: &mut Tx,
    brand: BrandId,
    session: i64,
) -> Result<Vec<(SkuId, i64)>, StoreError> {
    tx.query(
        "SELECT sku_id, quantity FROM cart_items WHERE brand_id = $1 AND session_id = $2
         ORDER BY added_at, sku_id",
        &params![brand, session],
    )
    .await?
    .iter()
    .map(|r| Ok((SkuId(r.get(0)?), r.get(1)?)))
    .collect()
}

/// Sets a line's quantity (0 removes it).
pub async fn set_cart_line(
    tx: &mut Tx,
    brand: BrandId,
    session: i64,
    sku: SkuId,
    quantity: i64,
    now: i64,
) -> Result<(), StoreError> {
    if quantity == 0 {
        tx.execute(
            "DELETE FROM cart_items WHERE brand_id = $1 AND session_id = $2 AND sku_id = $3",
            &params![brand, session, sku.get()],
        )
        .await?;
    } else {
        tx.execute(
            "INSERT INTO cart_items (brand_id, session_id, sku_id, quantity, added_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (brand_id, session_id, sku_id) DO UPDATE SET quantity = $4",
            &params![brand, session, sku.get(), quantity, now],
        )
        .await?;
    }
    Ok(())
}

pub async fn clear_cart(tx: &mut Tx, brand: BrandId, session: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM cart_items WHERE brand_id = $1 AND session_id = $2",
        &params![brand, session],
    )
    .await?;
    Ok(())
}

/// Where an order ships (the phone stored whole, shown masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingRow {
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub note: String,
}

pub async fn insert_shipping(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
    s: &ShippingRow,
    checkout_key: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO order_shipping (brand_id, order_id, recipient, phone, address, note, checkout_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &params![
            brand,
            order.get(),
            s.recipient.as_str(),
            s.phone.as_str(),
            s.address.as_str(),
            s.note.as_str(),
            checkout_key
        ],
    )
    .await?;
    Ok(())
}

pub async fn shipping(
    tx: &mut Tx,
    brand: BrandId,
    order: OrderId,
) -> Result<Option<ShippingRow>, StoreError> {
    tx.query_opt(
        "SELECT recipient, phone, address, note FROM order_shipping
         WHERE brand_id = $1 AND order_id = $2",
        &params![brand, order.get()],
    )
    .await?
    .map(|r| {
        Ok(ShippingRow {
            recipient: r.get(0)?,
            phone: r.get(1)?,
            address: r.get(2)?,
            note: r.get(3)?,
        })
    })
    .transpose()
}

/// The order a checkout key already placed.
pub async fn order_by_checkout_key(
    tx: &mut Tx,
    brand: BrandId,
    key: &str,
) -> Result<Option<OrderId>, StoreError> {
    tx.query_opt(
        "SELECT order_id FROM order_shipping WHERE brand_id = $1 AND checkout_key = $2",
        &params![brand, key],
    )
    .await?
    .map(|r| Ok(OrderId(r.get(0)?)))
    .transpose()
}

/// The customer's orders, newest first.
pub async fn orders_of(
    tx: &mut Tx,
    brand: BrandId,
    customer: CustomerId,
    limit: i64,
) -> Result<Vec<OrderId>, StoreError> {
    tx.query(
        "SELECT id FROM orders WHERE brand_id = $1 AND customer_id = $2 ORDER BY id DESC LIMIT $3",
        &params![brand, customer.get(), limit],
    )
    .await?
    .iter()
    .map(|r| Ok(OrderId(r.get(0)?)))
    .collect()
}

/// Whether the image belongs to a product on the shelf.
pub async fn image_on_shelf(tx: &mut Tx, brand: BrandId, image: i64) -> Result<bool, StoreError> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM product_images i JOIN products p
               ON p.brand_id = i.brand_id AND p.id = i.product_id
             WHERE i.brand_id = $1 AND i.id = $2 AND p.on_shelf",
            &params![brand, image],
        )
        .await?
        .is_some())
}

/// Deletes shopper sessions past their expiry, and their carts (every brand: this is
/// housekeeping, not a tenant's request). Orders keep their customer.
pub async fn delete_expired_sessions(tx: &mut Tx, now: i64) -> Result<u64, StoreError> {
    tx.execute(
        "DELETE FROM cart_items WHERE session_id IN
           (SELECT id FROM shop_sessions WHERE expires_at <= $1)",
        &params![now],
    )
    .await?;
    tx.execute(
        "DELETE FROM shop_sessions WHERE expires_at <= $1",
        &params![now],
    )
    .await
}
