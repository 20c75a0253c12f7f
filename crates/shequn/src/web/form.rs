//! A form and its errors, the same way on every page: [`FormState`] holds what each input
//! shows and the message beside each input at fault; `templates/ui.html` renders an input
//! with its error (`aria-invalid`, a red border, the message under it); [`form_failed`]
//! decides where a refused form's error goes.

use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;

use axum::http::StatusCode;
use axum::response::Response;
use shequn_app::AppError;

use super::chrome::{Chrome, error_response};
use super::error_text::{FieldMessage, form_message};
use super::session::Console;

/// The status of a page that shows a refused form again, with its errors.
pub const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The inputs of a page's form: their values (what was typed, or what is stored) and, after
/// a refusal, the message for the input at fault. Keys are the inputs' `name`s.
#[derive(Debug, Default)]
pub struct FormState {
    pub values: HashMap<&'static str, String>,
    pub errors: HashMap<&'static str, String>,
}

impl FormState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares the input `name`, showing `value`.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.values.insert(name, value.into());
        self
    }

    /// Like [`FormState::with`], unless the input is already declared (a refused form keeps
    /// what was typed; the stored value fills the rest).
    pub fn or_with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.values.entry(name).or_insert_with(|| value.into());
        self
    }

    /// What the input shows ("" when undeclared).
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// Whether a select's `option` is the chosen one.
    pub fn selected(&self, name: &str, option: impl Display) -> bool {
        self.value(name) == option.to_string()
    }

    /// The message beside the input, when it is at fault.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn invalid(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn has_input(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}

/// After a refused form: a validation error or refusal shows beside its input when `form`
/// has that input, else above the page; `again` builds the page from the layout data and
/// the form (with status 422). Not found, forbidden and faults get their own page, which
/// keeps the navigation.
pub async fn form_failed<F, Fut>(
    console: &Console,
    nav: &'static str,
    e: AppError,
    mut form: FormState,
    again: F,
) -> Response
where
    F: FnOnce(Chrome, FormState) -> Fut,
    Fut: Future<Output = Response>,
{
    let mut c = Chrome::for_console(console, nav);
    match form_message(console.lang, &e) {
        Some(FieldMessage { field, message }) => {
            if form.has_input(field) {
                form.errors.insert(field, message);
            } else {
                c.error = Some(message);
            }
            again(c, form).await
        }
        None => error_response(c, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_keeps_what_was_typed_and_fills_the_rest() {
        let form = FormState::new()
            .with("code", "SH-9")
            .or_with("code", "SH-1")
            .or_with("name", "南京西路店");
        assert_eq!(form.value("code"), "SH-9");
        assert_eq!(form.value("name"), "南京西路店");
        assert_eq!(form.value("address"), "");
        assert!(form.has_input("name") && !form.has_input("address"));
        assert!(
            FormState::new()
                .with("region_id", "7")
                .selected("region_id", 7)
        );
        assert!(!form.invalid("code") && form.error("code").is_none());
    }
}
