//! Catalogues as data: the strings of one language in a flat list, so that the full stage's
//! Wasm holds English only and a learner who opens help downloads their own language's
//! strings beside it instead of all six (the `fetched-catalogues` feature, which `make widget`
//! builds the full stage with). The banner stage keeps its few strings of every language built
//! in: as data they saved 0.5 KB gzip of its Wasm and cost more than that in the loader and a
//! file to fetch (measured; see README "Size").
//!
//! The build writes one list per language from the built-in tables ([`catalogue_strings`], by
//! `examples/catalogues.rs`); the loader fetches the learner's beside the module and hands it
//! over with `addStrings` before mounting (joined by [`SEPARATOR`]); [`add_catalogue`] checks
//! and keeps it, and [`super::message`] reads from it. A language whose list never arrived is
//! spoken in English ([`speakable`]). Natively and in the browser tests every language stays
//! built in, so the catalogue tests see every string.
//!
//! A list holds, in this order: every [`Msg`] in [`Msg::ALL`] order, then the forms of every
//! [`CountMsg`] (each in the language's [`Lang::plural_categories`] order), then the label of
//! each of [`CATEGORY_IDS`].

use super::{CountMsg, Lang, Msg, Plural};

/// The FAQ category ids the catalogue has labels for ([`super::category_name`]), in list order.
pub const CATEGORY_IDS: &[&str] = &[
    "other",
    "account",
    "grades",
    "assignments",
    "submissions",
    "quizzes",
    "video",
    "media",
    "accessibility",
    "technical",
    "courses",
    "enrolment",
];

/// The list for `lang`, from the built-in tables.
#[cfg(not(feature = "fetched-catalogues"))]
pub fn catalogue_strings(lang: Lang) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Msg::ALL.iter().map(|&m| super::message(lang, m)).collect();
    for &count in CountMsg::ALL {
        let forms = super::plural_forms(lang, count);
        out.extend(lang.plural_categories().iter().map(|c| {
            forms
                .iter()
                .find(|(category, _)| category == c)
                .map_or("", |(_, text)| *text)
        }));
    }
    out.extend(
        CATEGORY_IDS
            .iter()
            .map(|id| super::category_name(id, lang).unwrap_or_default()),
    );
    out
}

/// The character between two strings of a list as the loader hands it over (the file is a
/// JSON array; the loader joins it with this, which no string holds: one string crosses into
/// Wasm instead of a hundred).
pub const SEPARATOR: char = '\u{1f}';

/// One language's strings, read from its list.
#[derive(Debug)]
pub struct Catalogue {
    msgs: Vec<&'static str>,
    forms: Vec<Vec<(Plural, &'static str)>>,
    categories: Vec<&'static str>,
}

impl Catalogue {
    /// Reads the list for `lang`, its strings joined by [`SEPARATOR`].
    ///
    /// # Errors
    ///
    /// The list's length is not this build's (a list of another build).
    ///
    /// The text and the catalogue are leaked to be `&'static` like the built-in strings: a
    /// page keeps at most one list per language ([`add_catalogue`] ignores a second), a few
    /// kilobytes each.
    pub fn from_text(lang: Lang, text: String) -> Result<&'static Catalogue, String> {
        let plurals = lang.plural_categories();
        let want = Msg::ALL.len() + CountMsg::ALL.len() * plurals.len() + CATEGORY_IDS.len();
        let text: &'static str = Box::leak(text.into_boxed_str());
        let strings: Vec<&'static str> = text.split(SEPARATOR).collect();
        if strings.len() != want {
            return Err(format!(
                "the strings for {} hold {} entries where this build reads {want}",
                crate::base::json::quoted(lang.tag()),
                strings.len()
            ));
        }
        let (msgs, rest) = strings.split_at(Msg::ALL.len());
        let (forms, categories) = rest.split_at(CountMsg::ALL.len() * plurals.len());
        Ok(Box::leak(Box::new(Catalogue {
            msgs: msgs.to_vec(),
            forms: forms
                .chunks(plurals.len())
                .map(|texts| plurals.iter().copied().zip(texts.iter().copied()).collect())
                .collect(),
            categories: categories.to_vec(),
        })))
    }

    /// The text of `msg`.
    pub fn message(&self, msg: Msg) -> &'static str {
        self.msgs.get(msg as usize).copied().unwrap_or_default()
    }

    /// The forms of `msg`, one per plural category of the language.
    pub fn forms(&'static self, msg: CountMsg) -> &'static [(Plural, &'static str)] {
        self.forms.get(msg as usize).map_or(&[], |f| f.as_slice())
    }

    /// The label of a category id of [`CATEGORY_IDS`]; `None` for another id.
    pub fn category(&self, id: &str) -> Option<&'static str> {
        let i = CATEGORY_IDS.iter().position(|c| *c == id)?;
        self.categories.get(i).copied()
    }
}

#[cfg(feature = "fetched-catalogues")]
thread_local! {
    static INSTALLED: std::cell::Cell<[Option<&'static Catalogue>; 6]> =
        const { std::cell::Cell::new([None; 6]) };
}

/// The installed catalogue of `lang`, if its list has arrived.
#[cfg(feature = "fetched-catalogues")]
pub(super) fn installed(lang: Lang) -> Option<&'static Catalogue> {
    INSTALLED.with(|i| i.get()[lang as usize])
}

/// Keeps the list of strings the loader fetched for `tag` (`"es"`). A second
/// list for a language already kept is ignored. Where every language is built in, nothing is
/// needed and the list is dropped.
///
/// # Errors
///
/// `tag` is not one of our languages, or the list is not this build's (see
/// [`Catalogue::from_text`]).
pub fn add_catalogue(tag: &str, strings: String) -> Result<(), String> {
    let lang = Lang::ALL
        .into_iter()
        .find(|l| l.tag() == tag)
        .ok_or_else(|| {
            format!(
                "no language {} to add strings for",
                crate::base::json::quoted(tag)
            )
        })?;
    #[cfg(feature = "fetched-catalogues")]
    if installed(lang).is_none() {
        let catalogue = Catalogue::from_text(lang, strings)?;
        INSTALLED.with(|i| {
            let mut all = i.get();
            all[lang as usize] = Some(catalogue);
            i.set(all);
        });
    }
    #[cfg(not(feature = "fetched-catalogues"))]
    let _ = (lang, strings);
    Ok(())
}

/// `lang` when its strings are here (built in, or added), else English.
pub fn speakable(lang: Lang) -> Lang {
    #[cfg(feature = "fetched-catalogues")]
    if lang != Lang::En && installed(lang).is_none() {
        return Lang::En;
    }
    lang
}

#[cfg(all(test, not(feature = "fetched-catalogues")))]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// What the shipped build reads from a language's list is what the built-in tables say.
    #[test]
    fn a_list_read_back_gives_every_built_in_string() {
        for lang in Lang::ALL {
            let list = catalogue_strings(lang);
            assert!(list.iter().all(|s| !s.contains(SEPARATOR)), "{lang:?}");
            let catalogue =
                Catalogue::from_text(lang, list.join(&SEPARATOR.to_string())).expect("the list");
            for &msg in Msg::ALL {
                assert_eq!(catalogue.message(msg), super::super::message(lang, msg));
                assert!(!catalogue.message(msg).is_empty(), "{lang:?} {msg:?}");
            }
            for &count in CountMsg::ALL {
                let mut built_in = super::super::plural_forms(lang, count).to_vec();
                let mut read = catalogue.forms(count).to_vec();
                built_in.sort_by_key(|(p, _)| *p as u8);
                read.sort_by_key(|(p, _)| *p as u8);
                assert_eq!(read, built_in, "{lang:?} {count:?}");
            }
            for id in CATEGORY_IDS {
                let label = catalogue.category(id);
                assert_eq!(
                    label,
                    super::super::category_name(id, lang),
                    "{lang:?} {id}"
                );
                assert!(label.is_some_and(|l| !l.is_empty()), "{lang:?} {id}");
            }
            assert_eq!(catalogue.category("not-a-category"), None);
        }
    }

    #[test]
    fn a_list_of_another_length_is_refused_by_name() {
        let mut list = catalogue_strings(Lang::Es);
        list.pop();
        let error = Catalogue::from_text(Lang::Es, list.join(&SEPARATOR.to_string()))
            .expect_err("one short");
        assert_eq!(
            error,
            "the strings for \"es\" hold 141 entries where this build reads 142"
        );
        assert_eq!(
            add_catalogue("zh", String::new()),
            Err("no language \"zh\" to add strings for".to_string())
        );
    }
}
