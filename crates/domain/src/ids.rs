//! Distinct id types, so a `StoreId` can never be passed where a `RegionId` belongs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A brand: the tenant. Every tenant-owned row carries one.
    BrandId
);
id_type!(
    /// A region (大区): a group of stores.
    RegionId
);
id_type!(
    /// A store (门店): a physical shop; communities belong to stores.
    StoreId
);
id_type!(
    /// A staff member: brand admin, region manager, store manager or shop guide.
    StaffId
);
id_type!(
    /// An API token issued to a staff member.
    TokenId
);
id_type!(
    /// A community (社群): a chat group that belongs to a store.
    CommunityId
);
id_type!(
    /// A customer (顾客): one person of one brand.
    CustomerId
);
id_type!(
    /// An order (订单): one buyer's purchase of one or more SKUs.
    OrderId
);
id_type!(
    /// A product (商品) of a brand's catalogue; what is sold is one of its SKUs.
    ProductId
);
id_type!(
    /// A SKU (规格): one sellable variant of a product (a size, a colour). Stock is kept
    /// per SKU.
    SkuId
);
