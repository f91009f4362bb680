//! The dates people enter (issue 15 items 1 and 9). Each is held to the plausible range
//! (`kirjuri_domain::time::plausible_date`: 1900-01-01 to two years after today) on today's
//! date by the clock, here once for every transport, before anything is written: a date of
//! year 9999 or `+262142-12-31` would otherwise reach every later computation with the record.

use chrono::{DateTime, NaiveDate, Utc};
use kirjuri_domain::time;
use kirjuri_rules::Reported;

use crate::{App, AppError, AppResult};

impl App {
    /// `date` when a person can mean it; otherwise [`AppError::Invalid`] naming `field`.
    pub(crate) fn plausible(&self, field: &str, date: NaiveDate) -> AppResult<NaiveDate> {
        time::plausible_date(date, self.clock().today()).map_err(|e| AppError::invalid(field, e))
    }

    /// An instant whose (UTC) date a person can mean.
    pub(crate) fn plausible_instant(
        &self,
        field: &str,
        at: DateTime<Utc>,
    ) -> AppResult<DateTime<Utc>> {
        self.plausible(field, at.date_naive())?;
        Ok(at)
    }

    /// The dates in the client's answers on the form, named by their path in the request.
    pub(crate) fn plausible_answers(&self, answers: Option<&Reported>) -> AppResult<()> {
        let Some(r) = answers else { return Ok(()) };
        if let Some(end) = &r.previous_employment_end {
            self.plausible("answers.previous_employment_end.date", end.date)?;
        }
        if let Some(d) = r.business_started_while_unemployed_on {
            self.plausible("answers.business_started_while_unemployed_on", d)?;
        }
        Ok(())
    }
}
