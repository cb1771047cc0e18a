//! Who is calling. Tokens are random 256-bit secrets shown once; only their SHA-256 is stored, so
//! a leaked database does not leak working credentials. A seller token is bound to one seller and
//! every seller-owned read goes through [`Principal::seller_scope`].

use rand::RngCore;
use sha2::{Digest, Sha256};
use silkroute_domain::ids::Ulid;
use silkroute_domain::ids::{BuyerId, SellerId, TokenId};
use silkroute_store::TokenRecord;

use crate::{App, AppError, AppResult};

/// Prefix that makes Silkroute secrets recognisable to secret scanners.
pub const TOKEN_PREFIX: &str = "srk_";

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Seller,
    Buyer,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Seller => "seller",
            Role::Buyer => "buyer",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "admin" => Some(Role::Admin),
            "seller" => Some(Role::Seller),
            "buyer" => Some(Role::Buyer),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Admin {
        token_id: TokenId,
    },
    Seller {
        token_id: TokenId,
        seller_id: SellerId,
    },
    Buyer {
        token_id: TokenId,
        buyer_id: BuyerId,
    },
}

impl Principal {
    pub fn token_id(&self) -> &TokenId {
        match self {
            Principal::Admin { token_id }
            | Principal::Seller { token_id, .. }
            | Principal::Buyer { token_id, .. } => token_id,
        }
    }

    pub fn require_admin(&self) -> AppResult<()> {
        match self {
            Principal::Admin { .. } => Ok(()),
            _ => Err(AppError::Forbidden("this needs an admin token")),
        }
    }

    /// The seller whose data this caller may see: `None` for an admin (everything), the bound
    /// seller for a seller token. Buyers own no seller data.
    pub fn seller_scope(&self) -> AppResult<Option<&SellerId>> {
        match self {
            Principal::Admin { .. } => Ok(None),
            Principal::Seller { seller_id, .. } => Ok(Some(seller_id)),
            Principal::Buyer { .. } => Err(AppError::Forbidden("buyers cannot manage listings")),
        }
    }
}

/// A freshly created token; the secret exists only in this value.
#[derive(Clone, Debug, serde::Serialize)]
pub struct IssuedToken {
    pub id: String,
    pub role: Role,
    pub seller_id: Option<String>,
    pub buyer_id: Option<String>,
    pub label: String,
    pub token: String,
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub(crate) fn new_ulid(app: &App) -> Ulid {
    let millis = app.now().timestamp_millis().max(0) as u64;
    Ulid::from_parts(millis, rand::random::<u128>())
}

impl App {
    /// Creates a token for a role; seller and buyer tokens must name an existing party.
    pub async fn create_token(
        &self,
        role: Role,
        seller_id: Option<&str>,
        buyer_id: Option<&str>,
        label: &str,
    ) -> AppResult<IssuedToken> {
        let seller_id = match (role, seller_id) {
            (Role::Seller, Some(id)) => {
                let id =
                    SellerId::parse(id).map_err(|e| AppError::field("seller_id", e.to_string()))?;
                if self.store.get_seller(&id).await?.is_none() {
                    return Err(AppError::field("seller_id", format!("no seller {id}")));
                }
                Some(id)
            }
            (Role::Seller, None) => {
                return Err(AppError::field(
                    "seller_id",
                    "a seller token needs a seller",
                ));
            }
            (_, Some(_)) => {
                return Err(AppError::field(
                    "seller_id",
                    "only seller tokens name a seller",
                ));
            }
            (_, None) => None,
        };
        let buyer_id = match (role, buyer_id) {
            (Role::Buyer, Some(id)) => {
                let id =
                    BuyerId::parse(id).map_err(|e| AppError::field("buyer_id", e.to_string()))?;
                if self.store.get_buyer(&id).await?.is_none() {
                    return Err(AppError::field("buyer_id", format!("no buyer {id}")));
                }
                Some(id)
            }
            (Role::Buyer, None) => {
                return Err(AppError::field("buyer_id", "a buyer token needs a buyer"));
            }
            (_, Some(_)) => {
                return Err(AppError::field(
                    "buyer_id",
                    "only buyer tokens name a buyer",
                ));
            }
            (_, None) => None,
        };
        let label = label.trim();
        if label.chars().count() > 100 {
            return Err(AppError::field("label", "must be at most 100 characters"));
        }
        let mut secret_bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut secret_bytes);
        let secret = format!("{TOKEN_PREFIX}{}", hex::encode(secret_bytes));
        let id = TokenId::new(new_ulid(self));
        let record = TokenRecord {
            id: id.clone(),
            token_hash: hash_secret(&secret),
            role: role.as_str().to_string(),
            seller_id: seller_id.clone(),
            buyer_id: buyer_id.clone(),
            label: label.to_string(),
            created_at: self.now(),
            revoked_at: None,
        };
        self.store.insert_token(&record).await?;
        Ok(IssuedToken {
            id: id.to_string(),
            role,
            seller_id: seller_id.map(|id| id.to_string()),
            buyer_id: buyer_id.map(|id| id.to_string()),
            label: label.to_string(),
            token: secret,
        })
    }

    /// Resolves a bearer secret; unknown and revoked tokens are both just "unauthenticated".
    pub async fn authenticate(&self, secret: &str) -> AppResult<Principal> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let Some(token) = self.store.find_token_by_hash(&hash_secret(secret)).await? else {
            return Err(AppError::Unauthenticated);
        };
        if token.revoked_at.is_some() {
            return Err(AppError::Unauthenticated);
        }
        match (Role::parse(&token.role), token.seller_id, token.buyer_id) {
            (Some(Role::Admin), None, None) => Ok(Principal::Admin { token_id: token.id }),
            (Some(Role::Seller), Some(seller_id), None) => Ok(Principal::Seller {
                token_id: token.id,
                seller_id,
            }),
            (Some(Role::Buyer), None, Some(buyer_id)) => Ok(Principal::Buyer {
                token_id: token.id,
                buyer_id,
            }),
            _ => Err(AppError::Unauthenticated),
        }
    }

    pub async fn revoke_token(&self, principal: &Principal, id: &str) -> AppResult<()> {
        principal.require_admin()?;
        let id = TokenId::parse(id).map_err(|_| AppError::NotFound("token"))?;
        if self.store.revoke_token(&id, self.now()).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("token"))
        }
    }
}
