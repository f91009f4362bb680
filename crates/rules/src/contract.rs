//! The input contract as seen by the rule language: every request field a rule file may
//! declare with `input`, its type, whether it is protected (B16), and how it is read.

use crate::request::*;
use chrono::NaiveDate;

/// Base type of a value in the rule language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `date`
    Date,
    /// `text`
    Text,
    /// `enum(..)`: the contract's value names, in contract order.
    Enum(&'static [&'static str]),
}

/// A type: base plus optionality (`optional` = the contract allows `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ty {
    /// Base type.
    pub base: Base,
    /// May be none.
    pub optional: bool,
}

impl Ty {
    pub(crate) const fn req(base: Base) -> Ty {
        Ty {
            base,
            optional: false,
        }
    }
    pub(crate) const fn opt(base: Base) -> Ty {
        Ty {
            base,
            optional: true,
        }
    }
}

impl std::fmt::Display for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Base::Bool => f.write_str("bool"),
            Base::Int => f.write_str("int"),
            Base::Date => f.write_str("date"),
            Base::Text => f.write_str("text"),
            Base::Enum(v) => write!(f, "enum({})", v.join(", ")),
        }
    }
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.optional {
            f.write_str("optional ")?;
        }
        self.base.fmt(f)
    }
}

/// A runtime value. `Copy`, no heap: evaluation does not allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Value<'a> {
    /// Absent (`null`), or not computable.
    #[default]
    None,
    /// Boolean.
    Bool(bool),
    /// Integer.
    Int(i64),
    /// Date.
    Date(NaiveDate),
    /// Enum value: index into the contract's value names.
    Enum(u8),
    /// Text (borrowed from the request).
    Text(&'a str),
}

impl Value<'_> {
    /// Render for traces and explanations.
    pub fn render(&self, ty: Option<Base>) -> String {
        match (self, ty) {
            (Value::None, _) => "none".into(),
            (Value::Bool(b), _) => b.to_string(),
            (Value::Int(i), _) => i.to_string(),
            (Value::Date(d), _) => d.to_string(),
            (Value::Enum(i), Some(Base::Enum(names))) => {
                names.get(*i as usize).copied().unwrap_or("?").to_string()
            }
            (Value::Enum(i), _) => format!("#{i}"),
            (Value::Text(t), _) => format!("{t:?}"),
        }
    }
}

type Getter = for<'a> fn(&'a Request) -> Value<'a>;

/// One field of the contract.
#[derive(Debug)]
pub struct Field {
    /// Dotted path as in the JSON.
    pub path: &'static str,
    /// Type.
    pub ty: Ty,
    /// Protected characteristic (B16): no rule may read it.
    pub protected: bool,
    pub(crate) get: Getter,
}

fn en<T: Copy + Into<u8>>(v: T) -> Value<'static> {
    Value::Enum(v.into())
}
macro_rules! into_u8 { ($($t:ty),*) => { $(impl From<$t> for u8 { fn from(v: $t) -> u8 { v as u8 } })* } }
into_u8!(
    Kind,
    EndReason,
    Sex,
    Language,
    RightToWork,
    Employment,
    PreviousEndReason,
    Studies,
    Business,
    InService
);

const KIND_NAMES: &[&str] = &["job_search_start", "job_search_end"];

/// Index of `decision_date` in [`FIELDS`] (always loaded: parameters are looked up by it).
pub const DECISION_DATE: usize = 1;
/// Index of `job_search_start` in [`FIELDS`].
pub(crate) const JOB_SEARCH_START: usize = 2;
/// Index of `job_search_end` in [`FIELDS`].
pub(crate) const JOB_SEARCH_END: usize = 3;
/// Index of `person.birth_date` in [`FIELDS`].
pub(crate) const BIRTH_DATE: usize = 5;
/// Index of `person.vocational_qualification` in [`FIELDS`].
pub(crate) const VOCATIONAL_QUALIFICATION: usize = 10;

/// All fields of the contract. Slot `i` of the evaluator holds `FIELDS[i]`.
pub static FIELDS: &[Field] = &[
    Field {
        path: "kind",
        ty: Ty::req(Base::Enum(KIND_NAMES)),
        protected: false,
        get: |r| en(r.kind),
    },
    Field {
        path: "decision_date",
        ty: Ty::req(Base::Date),
        protected: false,
        get: |r| Value::Date(r.decision_date),
    },
    Field {
        path: "job_search_start",
        ty: Ty::req(Base::Date),
        protected: false,
        get: |r| Value::Date(r.job_search_start),
    },
    Field {
        path: "job_search_end",
        ty: Ty::opt(Base::Date),
        protected: false,
        get: |r| r.job_search_end.map_or(Value::None, Value::Date),
    },
    Field {
        path: "end_reason",
        ty: Ty::opt(Base::Enum(EndReason::NAMES)),
        protected: false,
        get: |r| r.end_reason.map_or(Value::None, en),
    },
    Field {
        path: "person.birth_date",
        ty: Ty::req(Base::Date),
        protected: false,
        get: |r| Value::Date(r.person.birth_date),
    },
    Field {
        path: "person.sex",
        ty: Ty::req(Base::Enum(Sex::NAMES)),
        protected: true,
        get: |r| en(r.person.sex),
    },
    Field {
        path: "person.language",
        ty: Ty::req(Base::Enum(Language::NAMES)),
        protected: true,
        get: |r| en(r.person.language),
    },
    Field {
        path: "person.resides_in_finland",
        ty: Ty::req(Base::Bool),
        protected: false,
        get: |r| Value::Bool(r.person.resides_in_finland),
    },
    Field {
        path: "person.right_to_work",
        ty: Ty::req(Base::Enum(RightToWork::NAMES)),
        protected: false,
        get: |r| en(r.person.right_to_work),
    },
    Field {
        path: "person.vocational_qualification",
        ty: Ty::req(Base::Bool),
        protected: false,
        get: |r| Value::Bool(r.person.vocational_qualification),
    },
    Field {
        path: "person.partial_disability_pension",
        ty: Ty::req(Base::Bool),
        protected: false,
        get: |r| Value::Bool(r.person.partial_disability_pension),
    },
    Field {
        path: "reported.employment",
        ty: Ty::req(Base::Enum(Employment::NAMES)),
        protected: false,
        get: |r| en(r.reported.employment),
    },
    Field {
        path: "reported.seeks_full_time_work",
        ty: Ty::req(Base::Bool),
        protected: false,
        get: |r| Value::Bool(r.reported.seeks_full_time_work),
    },
    Field {
        path: "reported.previous_employment_end.date",
        ty: Ty::opt(Base::Date),
        protected: false,
        get: |r| {
            r.reported
                .previous_employment_end
                .as_ref()
                .map_or(Value::None, |p| Value::Date(p.date))
        },
    },
    Field {
        path: "reported.previous_employment_end.reason",
        ty: Ty::opt(Base::Enum(PreviousEndReason::NAMES)),
        protected: false,
        get: |r| {
            r.reported
                .previous_employment_end
                .as_ref()
                .map_or(Value::None, |p| en(p.reason))
        },
    },
    Field {
        path: "reported.studies",
        ty: Ty::req(Base::Enum(Studies::NAMES)),
        protected: false,
        get: |r| en(r.reported.studies),
    },
    Field {
        path: "reported.business",
        ty: Ty::req(Base::Enum(Business::NAMES)),
        protected: false,
        get: |r| en(r.reported.business),
    },
    Field {
        path: "reported.business_started_while_unemployed_on",
        ty: Ty::opt(Base::Date),
        protected: false,
        get: |r| {
            r.reported
                .business_started_while_unemployed_on
                .map_or(Value::None, Value::Date)
        },
    },
    Field {
        path: "reported.in_service",
        ty: Ty::opt(Base::Enum(InService::NAMES)),
        protected: false,
        get: |r| r.reported.in_service.map_or(Value::None, en),
    },
    Field {
        path: "reported.free_text",
        ty: Ty::opt(Base::Text),
        protected: false,
        get: |r| {
            r.reported
                .free_text
                .as_deref()
                .map_or(Value::None, Value::Text)
        },
    },
    Field {
        path: "registers.employment_continues",
        ty: Ty::req(Base::Bool),
        protected: false,
        get: |r| Value::Bool(r.registers.employment_continues),
    },
    Field {
        path: "registers.active_degree_studies",
        ty: Ty::req(Base::Bool),
        protected: false,
        get: |r| Value::Bool(r.registers.active_degree_studies),
    },
    Field {
        path: "registers.active_business",
        ty: Ty::req(Base::Bool),
        protected: false,
        get: |r| Value::Bool(r.registers.active_business),
    },
];

/// Number of contract fields (evaluator slots).
pub const N_FIELDS: usize = 24;

/// Find a field by path.
pub fn field(path: &str) -> Option<usize> {
    FIELDS.iter().position(|f| f.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_indexes_are_their_fields() {
        assert_eq!(field("decision_date"), Some(DECISION_DATE));
        assert_eq!(field("job_search_start"), Some(JOB_SEARCH_START));
        assert_eq!(field("job_search_end"), Some(JOB_SEARCH_END));
        assert_eq!(field("person.birth_date"), Some(BIRTH_DATE));
        assert_eq!(
            field("person.vocational_qualification"),
            Some(VOCATIONAL_QUALIFICATION)
        );
    }
}
