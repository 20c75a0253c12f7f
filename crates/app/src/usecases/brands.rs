//! Brands: the actor's own, and creating new ones (operators only, from the CLI).

use serde_json::json;
use shequn_domain::{
    Actor, AuditAction, Brand, Email, Name, Password, Role, Slug, StaffId, Subject,
};

use crate::clock::now_ms;
use crate::secrets::hash_password;
use crate::storage::audit::{self, Event};
use crate::storage::orgs;
use crate::storage::staff::{self, NewStaff};
use crate::{AppError, Db};

#[tracing::instrument(level = "debug", skip_all, fields(brand = %actor.brand, actor = %actor.staff))]
pub async fn current(db: &Db, actor: &Actor) -> Result<Brand, AppError> {
    let brand = actor.brand;
    db.read(move |tx| {
        Box::pin(async move {
            orgs::get(tx, brand)
                .await?
                .ok_or(AppError::NotFound("brand"))
        })
    })
    .await
}

/// A new brand and its first brand admin, in one transaction: how an operator brings a
/// tenant to life (`shequn brand create`).
pub struct NewBrand {
    pub slug: String,
    pub name: String,
    pub admin_email: String,
    pub admin_name: String,
    pub admin_password: String,
}

#[tracing::instrument(skip_all, fields(slug = %input.slug))]
pub async fn create_with_admin(db: &Db, input: NewBrand) -> Result<(Brand, StaffId), AppError> {
    let slug = Slug::parse("slug", &input.slug)?;
    let name = Name::parse("name", &input.name)?;
    let email = Email::parse("admin_email", &input.admin_email)?;
    let admin_name = Name::parse("admin_name", &input.admin_name)?;
    let password = Password::parse("admin_password", &input.admin_password)?;
    // Hashing is slow: done before the transaction, never inside it.
    let hash = hash_password(password.expose().to_owned()).await?;
    let now = now_ms();
    db.write(move |tx| {
        Box::pin(async move {
            let brand = orgs::insert(tx, &slug, &name, now)
                .await
                .map_err(AppError::on_unique(Subject::Brand, "slug"))?;
            let admin = NewStaff {
                email: &email,
                display_name: admin_name.as_str(),
                role: Role::BrandAdmin,
                region: None,
                store: None,
                password_hash: &hash,
            };
            let staff_id = staff::insert(tx, brand.id, &admin, now)
                .await
                .map_err(AppError::on_unique(Subject::Staff, "admin_email"))?;
            // Operator commands have no staff actor.
            let events = [
                (
                    AuditAction::BrandCreated,
                    brand.id.get(),
                    json!({ "slug": brand.slug, "name": brand.name }),
                ),
                (
                    AuditAction::StaffCreated,
                    staff_id.get(),
                    json!({
                        "display_name": admin_name.as_str(), "email": email.as_str(),
                        "role": Role::BrandAdmin,
                    }),
                ),
            ];
            for (action, subject_id, detail) in events {
                let e = Event {
                    actor: None,
                    action,
                    subject_id,
                    region: None,
                    store: None,
                    detail,
                };
                audit::record(tx, brand.id, &e, now).await?;
            }
            crate::storage::screening::ensure_presets(tx, Some(brand.id), now).await?;
            Ok((brand, staff_id))
        })
    })
    .await
}

/// Every brand, for operators (`shequn brand list`); not reachable over HTTP.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_all(db: &Db) -> Result<Vec<Brand>, AppError> {
    db.read(|tx| Box::pin(async move { Ok(orgs::list(tx).await?) }))
        .await
}
