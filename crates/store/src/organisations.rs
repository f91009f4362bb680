//! The organisations the service is run for: employment authorities and KEHA-keskus, with their
//! names in Finnish and Swedish. Not client data: nothing here is access-logged.

use kirjuri_domain::{OrgId, OrgKind, Organisation, PersonName};

use crate::rows::org_from_row;
use crate::{Store, StoreError};

impl Store {
    pub async fn create_organisation(
        &self,
        kind: OrgKind,
        name_fi: PersonName,
        name_sv: PersonName,
    ) -> Result<Organisation, StoreError> {
        let id = OrgId::from_uuid(self.ids.next());
        sqlx::query(
            "INSERT INTO organisations (id, kind, name_fi, name_sv) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(kind.code())
        .bind(name_fi.as_str())
        .bind(name_sv.as_str())
        .execute(&self.pool)
        .await?;
        Ok(Organisation {
            id,
            kind,
            name_fi,
            name_sv,
        })
    }

    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows =
            sqlx::query("SELECT id, kind, name_fi, name_sv FROM organisations ORDER BY name_fi")
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(org_from_row).collect()
    }

    pub async fn organisation(&self, id: OrgId) -> Result<Organisation, StoreError> {
        let row = sqlx::query("SELECT id, kind, name_fi, name_sv FROM organisations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("organisation"))?;
        org_from_row(&row)
    }
}
