//! UI text through Project Fluent: one `.ftl` file per language in `crates/web/locales/`,
//! compiled into the binary. Finnish and Swedish are complete (a test compares their keys),
//! English is for staff who prefer it; a key missing from a language falls back to Finnish.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fi,
    Sv,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "fi" => Some(Lang::Fi),
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name (what the language switch shows).
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Fi => "Suomi",
            Lang::Sv => "Svenska",
            Lang::En => "English",
        }
    }

    /// The Fluent source of the language.
    pub fn source(self) -> &'static str {
        match self {
            Lang::Fi => include_str!("../../locales/fi.ftl"),
            Lang::Sv => include_str!("../../locales/sv.ftl"),
            Lang::En => include_str!("../../locales/en.ftl"),
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::Fi => 0,
            Lang::Sv => 1,
            Lang::En => 2,
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle; 3] {
    static BUNDLES: OnceLock<[Bundle; 3]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(bundle))
}

fn bundle(lang: Lang) -> Bundle {
    // The sources are compiled in and checked by the tests (`every_language_parses`); a syntax
    // error would leave the broken messages out and show their keys instead.
    let resource = FluentResource::try_new(lang.source().to_owned()).unwrap_or_else(|(r, _)| r);
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: the pages are left-to-right only, and the
    // marks would end up inside form values and test assertions.
    b.set_use_isolating(false);
    let _ = b.add_resource(resource);
    b
}

/// Translates `key` in `lang` with `args` (Finnish when the language lacks it, the key itself
/// when no language has it, so a gap shows instead of failing the page).
pub fn text(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let fluent_args = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, FluentValue::from(*v));
        }
        a
    });
    for l in [lang, Lang::Fi] {
        let b = &bundles()[l.index()];
        if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return b
                .format_pattern(pattern, fluent_args.as_ref(), &mut errors)
                .into_owned();
        }
    }
    key.to_owned()
}

/// The message keys of a language's source, in order (for the completeness test).
pub fn keys(lang: Lang) -> Vec<String> {
    let resource = match FluentResource::try_new(lang.source().to_owned()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// Whether the language's source parses without errors.
pub fn parses(lang: Lang) -> bool {
    FluentResource::try_new(lang.source().to_owned()).is_ok()
}
