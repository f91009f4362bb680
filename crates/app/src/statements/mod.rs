//! The automated statement procedure (KEHA/73792/2024; B1–B17) as use cases: the prior
//! notice ([`NOTICE_FI`], [`NOTICE_SV`]), the procedure that decides a job search's start or end
//! statement ([`procedure`]), adoption decisions and register facts, a client's decisions with
//! what officials did on them and the GDPR art. 22(3) safeguards of automated ones
//! ([`decisions`], [`safeguards`]), their provenance with a ledger proof ([`provenance`]), and
//! the quality figures per rule-set version.

pub mod decisions;
pub mod in_force;
pub mod procedure;
pub mod provenance;
pub mod safeguards;

use chrono::NaiveDate;
use kirjuri_domain::{ClientId, EndReason, JobSearch, JobSearchId, PersonName};
use kirjuri_rules::Reported;
use kirjuri_store::{
    AdoptionDecision, NewAdoptionDecision, QualityFigures, RecordedRegisterFacts, RegisterFacts,
};

use crate::error::field;
use crate::guard::Granted;
use crate::policy::{Action, Capability};
use crate::{Actor, App, AppError, AppResult};

pub use decisions::{
    DecisionRecord, OfficialStatement, ReconsiderationRecord, ReconsiderationStatement,
};
pub use in_force::{in_force, state_of, GivenBy, StatementInForce, StatementState};
pub use provenance::{Provenance, ProvenanceStep};
pub use safeguards::{AppliedRule, RuleSetRef, Safeguards};

/// Shown to the client before the form is filled in (B14, B13, GDPR art. 22).
pub const NOTICE_FI: &str = "Asiasi voidaan ratkaista automaattisesti. Kun ilmoittaudut \
työnhakijaksi tai työnhakusi päättyy, työvoimapoliittinen lausunto voidaan antaa \
automaattisessa menettelyssä: ennalta kirjoitetut käsittelysäännöt vertaavat antamiasi tietoja \
viranomaisen rekistereissä oleviin tietoihin, eikä virkailija käsittele asiaa, jos kaikki \
edellytykset täyttyvät selvästi. Jos asia vaatii harkintaa, sen ratkaisee aina virkailija. \
Menettelyn käyttöönotosta on tehty päätös, joka on julkaistu. Voit aina pyytää, että asiasi \
käsittelee virkailija: kirjoita se vapaamuotoiseen selvitykseen tai ota yhteyttä \
työvoimaviranomaiseen. Voit myös pyytää lausunnon oikaisua; oikaisupyynnön käsittelee aina \
virkailija.";

/// Swedish version of [`NOTICE_FI`].
pub const NOTICE_SV: &str = "Ditt ärende kan avgöras automatiskt. När du anmäler dig som \
arbetssökande eller när ditt arbetssökande upphör kan det arbetskraftspolitiska utlåtandet ges \
i ett automatiserat förfarande: på förhand skrivna behandlingsregler jämför de uppgifter du \
lämnar med uppgifterna i myndighetens register, och ingen tjänsteman behandlar ärendet om alla \
villkor klart uppfylls. Om ärendet kräver prövning avgörs det alltid av en tjänsteman. Beslutet \
om att ta förfarandet i bruk har publicerats. Du kan alltid begära att en tjänsteman behandlar \
ditt ärende: skriv det i den fritt formulerade utredningen eller kontakta \
arbetskraftsmyndigheten. Du kan också begära omprövning av utlåtandet; en begäran om omprövning \
behandlas alltid av en tjänsteman.";

/// The prior notice in Finnish and Swedish (B14).
#[derive(Debug, Clone, Copy)]
pub struct Notice {
    pub fi: &'static str,
    pub sv: &'static str,
}

/// The prior notice of automated decision-making (B14), shown before the form is filled in.
pub const NOTICE: Notice = Notice {
    fi: NOTICE_FI,
    sv: NOTICE_SV,
};

/// A job search started or ended and the decision it triggered.
#[derive(Debug, Clone)]
pub struct JobSearchDecision {
    pub job_search: JobSearch,
    pub decision: DecisionRecord,
}

/// The client's answers on a job-search form (the `reported` part of the statement-request
/// contract) and whether they were shown the prior notice (B14).
#[derive(Debug, Clone, Default)]
pub struct FormAnswers {
    pub answers: Option<Reported>,
    pub acknowledged_notice: bool,
}

/// An adoption decision to register (B13, B17), as given.
#[derive(Debug, Clone)]
pub struct AdoptionDecisionInput {
    /// Register number, e.g. `KEHA/73792/2024`.
    pub number: String,
    pub decided_on: NaiveDate,
    /// SHA-256 hashes (64 lower-case hex digits) of the adopted rule sets.
    pub rule_set_hashes: Vec<String>,
    pub quality_owner: String,
    pub error_owner: String,
    /// Where the decision is published (`https://...`).
    pub url: String,
}

impl AdoptionDecisionInput {
    fn parse(&self) -> AppResult<NewAdoptionDecision> {
        let number = self.number.trim();
        let valid_number = {
            let parts: Vec<&str> = number.split('/').collect();
            parts.len() == 3
                && !parts[0].is_empty()
                && parts[0].chars().all(|c| c.is_ascii_uppercase() || c == '-')
                && !parts[1].is_empty()
                && parts[1].chars().all(|c| c.is_ascii_digit())
                && parts[2].len() == 4
                && parts[2].chars().all(|c| c.is_ascii_digit())
        };
        if !valid_number {
            return Err(AppError::invalid(
                "number",
                "must be a register number such as KEHA/73792/2024",
            ));
        }
        if self.rule_set_hashes.is_empty() {
            return Err(AppError::invalid(
                "rule_set_hashes",
                "name at least one adopted rule set",
            ));
        }
        for (i, h) in self.rule_set_hashes.iter().enumerate() {
            if h.len() != 64
                || !h
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
            {
                return Err(AppError::invalid(
                    format!("rule_set_hashes[{i}]"),
                    "must be a SHA-256 hash: 64 lower-case hexadecimal digits",
                ));
            }
        }
        let person = |name: &str, v: &str| -> AppResult<String> {
            Ok(field(name, PersonName::parse(v.trim()))?.to_string())
        };
        let url = self.url.trim();
        if !url.starts_with("https://") || url.len() < 12 || url.contains(char::is_whitespace) {
            return Err(AppError::invalid(
                "url",
                "must be the public https:// address of the published decision",
            ));
        }
        Ok(NewAdoptionDecision {
            number: number.to_owned(),
            decided_on: self.decided_on,
            rule_set_hashes: self.rule_set_hashes.clone(),
            quality_owner: person("quality_owner", &self.quality_owner)?,
            error_owner: person("error_owner", &self.error_owner)?,
            url: url.to_owned(),
        })
    }
}

/// A rule set in use, as the rules author's pages list it (issue 14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetSummary {
    pub name: String,
    pub version: String,
    /// SHA-256 of the canonical text (B10).
    pub hash: String,
    pub kind: kirjuri_rules::Kind,
    pub valid_from: NaiveDate,
}

impl App {
    /// The adoption decisions of the automated procedure (B13, B17). Public.
    pub async fn adoption_decisions(&self) -> AppResult<Vec<AdoptionDecision>> {
        Ok(self.store.adoption_decisions().await?)
    }

    /// Registers an adoption decision (a rules author).
    pub async fn register_adoption_decision(
        &self,
        actor: &Actor,
        input: &AdoptionDecisionInput,
    ) -> AppResult<AdoptionDecision> {
        self.permit(actor, Capability::RegisterAdoptionDecision)?;
        let new = input.parse()?;
        self.plausible("decided_on", new.decided_on)?;
        Ok(self
            .store
            .register_adoption_decision(new, actor.user.id)
            .await?)
    }

    /// Retires an adoption decision from a date (a rules author; issue 14): statements are no
    /// longer given automatically under it from that date, and the decision is kept (B17). An
    /// unknown number, or one already retired, is `NotFound`.
    pub async fn retire_adoption_decision(
        &self,
        actor: &Actor,
        number: &str,
        on: NaiveDate,
    ) -> AppResult<()> {
        self.permit(actor, Capability::RegisterAdoptionDecision)?;
        let on = self.plausible("retired_on", on)?;
        let number = number.trim();
        if number.is_empty() {
            return Err(AppError::invalid("number", "must not be empty"));
        }
        Ok(self.store.retire_adoption_decision(number, on).await?)
    }

    /// Whether the policy lets this user register and retire adoption decisions: a page shows
    /// the forms only then (the use cases refuse everyone else). Asks only; logs nothing.
    pub fn may_register_adoption_decisions(&self, actor: &Actor) -> bool {
        crate::policy::permit(&actor.user, Capability::RegisterAdoptionDecision).is_ok()
    }

    /// The rule sets the procedure decides with (issue 14: the rules author's pages): name,
    /// version, hash (B10) and the first decision date each covers. No client data.
    pub fn rule_sets(&self, actor: &Actor) -> AppResult<Vec<RuleSetSummary>> {
        self.permit(actor, Capability::QualityFigures)?;
        Ok([&self.rules.start, &self.rules.end]
            .into_iter()
            .map(|rs| RuleSetSummary {
                name: rs.name().to_owned(),
                version: rs.version().to_owned(),
                hash: rs.hash().to_owned(),
                kind: rs.kind(),
                valid_from: rs.valid_from(),
            })
            .collect())
    }

    /// Records what the registers say about the client (B4); the latest record is in force.
    pub async fn set_register_facts(
        &self,
        actor: &Actor,
        client: ClientId,
        facts: RegisterFacts,
    ) -> AppResult<RecordedRegisterFacts> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Write, "register_facts")
            .await?;
        Ok(self
            .store
            .set_register_facts(client.id, facts, &access)
            .await?)
    }

    /// The register facts in force (B4), if any were recorded: a logged read.
    pub async fn register_facts(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Option<RecordedRegisterFacts>> {
        let Granted { client, access } = self
            .client_access(actor, client, Action::Read, "register_facts")
            .await?;
        Ok(self.store.register_facts(client.id, &access).await?)
    }

    /// Registers a job search; the automated procedure decides the start statement in the same
    /// transaction (B1).
    pub async fn start_job_search(
        &self,
        actor: &Actor,
        client: ClientId,
        start: NaiveDate,
        form: FormAnswers,
    ) -> AppResult<JobSearchDecision> {
        let granted = self
            .client_access(actor, client, Action::Write, "job_searches")
            .await?;
        self.start_deciding(granted, start, form).await
    }

    /// Starts a job search under an access already granted, the start statement decided in
    /// the same transaction (an official's start and the client's own registration).
    pub(crate) async fn start_deciding(
        &self,
        granted: Granted,
        start: NaiveDate,
        form: FormAnswers,
    ) -> AppResult<JobSearchDecision> {
        let Granted { client, access } = granted;
        self.plausible("start_date", start)?;
        self.plausible_answers(form.answers.as_ref())?;
        let org = self.store.organisation(client.org_id).await?;
        let decide = procedure::decide(
            self.rules.clone(),
            procedure::Step::Start,
            form.answers,
            form.acknowledged_notice,
            org,
        );
        let (job_search, decision) = self
            .store
            .start_job_search_deciding(client.id, start, &access, decide)
            .await?;
        Ok(JobSearchDecision {
            job_search,
            decision: DecisionRecord::bare(decision)?,
        })
    }

    /// Ends a job search; the automated procedure decides the end statement in the same
    /// transaction (B1).
    pub async fn end_job_search(
        &self,
        actor: &Actor,
        client: ClientId,
        job_search: JobSearchId,
        end: NaiveDate,
        reason: EndReason,
        form: FormAnswers,
    ) -> AppResult<JobSearchDecision> {
        let granted = self
            .client_access(actor, client, Action::Write, "job_searches")
            .await?;
        self.end_deciding(granted, job_search, end, reason, form)
            .await
    }

    /// Ends a job search under an access already granted, the end statement decided in the
    /// same transaction (an official's end and the client's own).
    pub(crate) async fn end_deciding(
        &self,
        granted: Granted,
        job_search: JobSearchId,
        end: NaiveDate,
        reason: EndReason,
        form: FormAnswers,
    ) -> AppResult<JobSearchDecision> {
        let Granted { client, access } = granted;
        self.plausible("end_date", end)?;
        self.plausible_answers(form.answers.as_ref())?;
        let org = self.store.organisation(client.org_id).await?;
        let decide = procedure::decide(
            self.rules.clone(),
            procedure::Step::End { date: end, reason },
            form.answers,
            form.acknowledged_notice,
            org,
        );
        let (job_search, decision) = self
            .store
            .end_job_search_deciding(client.id, job_search, end, reason, &access, decide)
            .await?;
        Ok(JobSearchDecision {
            job_search,
            decision: DecisionRecord::bare(decision)?,
        })
    }

    /// Quality figures per rule-set version (B11): no client data.
    pub async fn statement_quality(&self, actor: &Actor) -> AppResult<Vec<QualityFigures>> {
        self.permit(actor, Capability::QualityFigures)?;
        Ok(self.store.statement_quality().await?)
    }
}
