//! Benefit payers (Kela, unemployment funds; migration 9): the registry the outbox delivers
//! statements to, each with its names and a delivery endpoint. Not client data: nothing here is
//! access-logged.

use chrono::{DateTime, Utc};
use kirjuri_domain::{EndpointUrl, PayerId, PersonName, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::rows::{corrupt, parse_id, parse_ts, ts};
use crate::{Store, StoreError};

/// A benefit payer (Kela, an unemployment fund).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitPayer {
    pub id: PayerId,
    pub name_fi: PersonName,
    pub name_sv: PersonName,
    pub endpoint: EndpointUrl,
    pub registered_at: DateTime<Utc>,
    pub registered_by: UserId,
}

/// A payer to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBenefitPayer {
    pub name_fi: PersonName,
    pub name_sv: PersonName,
    pub endpoint: EndpointUrl,
}

pub(crate) const PAYER_COLS: &str =
    "id, name_fi, name_sv, endpoint_url, registered_at, registered_by";

pub(crate) fn payer_from_row(row: &AnyRow) -> Result<BenefitPayer, StoreError> {
    let text = |col: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(col)?) };
    Ok(BenefitPayer {
        id: parse_id(row, "id")?,
        name_fi: PersonName::parse(&text("name_fi")?).map_err(|e| corrupt("name_fi", e))?,
        name_sv: PersonName::parse(&text("name_sv")?).map_err(|e| corrupt("name_sv", e))?,
        endpoint: EndpointUrl::parse(&text("endpoint_url")?)
            .map_err(|e| corrupt("endpoint_url", e))?,
        registered_at: parse_ts(&text("registered_at")?)?,
        registered_by: parse_id(row, "registered_by")?,
    })
}

impl Store {
    /// Registers a benefit payer (an administrator). Names are unique.
    pub async fn register_payer(
        &self,
        new: NewBenefitPayer,
        by: UserId,
    ) -> Result<BenefitPayer, StoreError> {
        let id = PayerId::from_uuid(self.ids.next());
        let now = self.now();
        self.writer
            .write(move |tx, _| {
                Box::pin(async move {
                    sqlx::query(&format!(
                        "INSERT INTO benefit_payers ({PAYER_COLS}) VALUES ($1, $2, $3, $4, $5, $6)"
                    ))
                    .bind(id.to_string())
                    .bind(new.name_fi.as_str().to_owned())
                    .bind(new.name_sv.as_str().to_owned())
                    .bind(new.endpoint.as_str().to_owned())
                    .bind(ts(now))
                    .bind(by.to_string())
                    .execute(&mut *tx)
                    .await?;
                    let row = sqlx::query(&format!(
                        "SELECT {PAYER_COLS} FROM benefit_payers WHERE id = $1"
                    ))
                    .bind(id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    payer_from_row(&row)
                })
            })
            .await
    }

    /// Every benefit payer, by Finnish name.
    pub async fn payers(&self) -> Result<Vec<BenefitPayer>, StoreError> {
        sqlx::query(&format!(
            "SELECT {PAYER_COLS} FROM benefit_payers ORDER BY name_fi"
        ))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(payer_from_row)
        .collect()
    }

    /// One benefit payer.
    pub async fn payer(&self, id: PayerId) -> Result<BenefitPayer, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PAYER_COLS} FROM benefit_payers WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("benefit payer"))?;
        payer_from_row(&row)
    }
}
