//! Provenance of a decision (B10): which processing-rule version decided it, under which
//! adoption decision, every step with who and when — the automated decision, the officials'
//! steps on a routed case, the request for reconsideration and the steps on it — and a ledger
//! proof bundle that verifies offline. For officials and the supervisor; the client reads their
//! statements in their own view.

use chrono::{DateTime, Utc};
use kirjuri_domain::{ClientId, DecisionId};
use kirjuri_store::{Access, AdoptionDecision};

use super::decisions::DecisionRecord;
use super::safeguards::RuleSetRef;
use crate::guard::Granted;
use crate::policy::Action;
use crate::{Actor, App, AppResult};

/// One step of a decision's history: who took it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenanceStep {
    /// `automated_decision`, `official_taken`, `official_resolved`,
    /// `reconsideration_requested`, `reconsideration_taken` or `reconsideration_resolved`.
    pub step: &'static str,
    /// `automated procedure: …` or an official and their organisation.
    pub by: String,
    /// The account whose request triggered the step.
    pub requested_by: String,
    pub at: DateTime<Utc>,
}

/// A decision's provenance.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub decision: DecisionRecord,
    pub rule_set: RuleSetRef,
    pub adoption_decision: Option<AdoptionDecision>,
    pub steps: Vec<ProvenanceStep>,
    pub ledger_leaf_index: u64,
    /// The proof bundle (kirjuri-ledger text format): leaf, opening, inclusion proof and
    /// signed checkpoint; verifies offline with the ledger's public key.
    pub ledger_bundle: String,
}

impl App {
    /// The provenance of decision `id` as the actor may see it, with the read logged — the
    /// same for the API, the pages and `kirjuri provenance`.
    pub async fn provenance(&self, actor: &Actor, id: DecisionId) -> AppResult<Provenance> {
        let client = self.store.decision_client(id).await?;
        let Granted { client, access } = self
            .client_access(actor, client, Action::ReadAuthorityRecord, "decisions")
            .await?;
        let stored = self.store.decision(client.id, id, &access).await?;
        let adoption_decision = match &stored.decision.adoption_number {
            Some(n) => self
                .store
                .adoption_decisions()
                .await?
                .into_iter()
                .find(|a| &a.number == n),
            None => None,
        };
        let requester = self.store.user(stored.recorded_by).await?;
        let ledger_leaf_index = self.store.ledger_index_of_decision(id).await?;
        let bundle = self.store.ledger_bundle(ledger_leaf_index).await?;
        let rule_set = RuleSetRef::of(&stored);
        let mut steps = vec![ProvenanceStep {
            step: "automated_decision",
            by: format!(
                "automated procedure: rule set {} version {}",
                rule_set.name, rule_set.version
            ),
            requested_by: format!("{} ({})", requester.display_name, requester.id),
            at: stored.recorded_at,
        }];
        // B10: where an official took part (the work queue).
        for s in self.store.official_steps(client.id, id, &access).await? {
            let user = self.store.user(s.by).await?;
            let org = self.store.organisation(s.org).await?;
            steps.push(ProvenanceStep {
                step: if s.step == "resolved" {
                    "official_resolved"
                } else {
                    "official_taken"
                },
                by: format!("official {}, {}", user.display_name, org.name_fi),
                requested_by: format!("{} ({})", user.display_name, user.id),
                at: s.at,
            });
        }
        // B7: requests for reconsideration of its statement, and the officials' steps on them.
        steps.extend(self.reconsideration_steps(client.id, id, &access).await?);
        Ok(Provenance {
            decision: DecisionRecord::bare(stored)?,
            rule_set,
            adoption_decision,
            steps,
            ledger_leaf_index,
            ledger_bundle: bundle.to_text(),
        })
    }

    async fn reconsideration_steps(
        &self,
        client: ClientId,
        decision: DecisionId,
        access: &Access,
    ) -> AppResult<Vec<ProvenanceStep>> {
        let mut out = Vec::new();
        for r in self.store.reconsiderations(client, access).await? {
            if r.decision_id != decision {
                continue;
            }
            let requester = self.store.user(r.requested_by).await?;
            out.push(ProvenanceStep {
                step: "reconsideration_requested",
                by: if r.requested_as == "client" {
                    "the client".to_owned()
                } else {
                    format!("official {} on the client's behalf", requester.display_name)
                },
                requested_by: format!("{} ({})", requester.display_name, requester.id),
                at: r.requested_at,
            });
            for s in &r.steps {
                let user = self.store.user(s.by).await?;
                let org = self.store.organisation(s.org).await?;
                out.push(ProvenanceStep {
                    step: if s.step == "resolved" {
                        "reconsideration_resolved"
                    } else {
                        "reconsideration_taken"
                    },
                    by: format!("official {}, {}", user.display_name, org.name_fi),
                    requested_by: format!("{} ({})", user.display_name, user.id),
                    at: s.at,
                });
            }
        }
        Ok(out)
    }
}
