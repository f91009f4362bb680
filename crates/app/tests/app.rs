//! The application layer's suite: the policy as a table over every role, action and relation
//! (pure), and use cases on every backend under test with a fresh store each.

#[path = "app/policy.rs"]
mod policy;

#[path = "app/cases.rs"]
mod cases;

#[path = "app/payers.rs"]
mod payers;
