//! A thin FFI to Hunspell (Swedish morphology), loaded at run time with `libloading`, exactly as
//! `voikko.rs` loads libvoikko.
//!
//! Only the stemming API is bound (Hunspell's `hunspell.h`, C interface):
//! - `Hunhandle *Hunspell_create(const char *affpath, const char *dpath)`;
//! - `void Hunspell_destroy(Hunhandle *)`;
//! - `int Hunspell_spell(Hunhandle *, const char *word)` — non-zero when the word is known;
//! - `char *Hunspell_get_dic_encoding(Hunhandle *)` — owned by the handle;
//! - `int Hunspell_stem(Hunhandle *, char ***list, const char *word)` and
//!   `int Hunspell_analyze(Hunhandle *, char ***list, const char *word)` — `*list` gets an array
//!   of that many strings, freed with `void Hunspell_free_list(Hunhandle *, char ***list, int n)`.
//!
//! The dictionary is Debian's `hunspell-sv` (`/usr/share/hunspell/sv_FI` or `sv_SE`, UTF-8),
//! the library `libhunspell-1.7-0`. Both are MPL/LGPL; nothing is linked at build time.
//!
//! **Thread safety:** a Hunspell handle must not be used from two threads at once. A
//! [`Hunspell`] is `Send` but not `Sync`; the checker keeps it behind a `Mutex` (see `morph.rs`).

// This module and `voikko.rs` are the crate's only FFI: calling Hunspell's C functions needs
// `unsafe`. It is confined here; every block states the invariant it relies on.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

use libloading::Library;

/// The shared library's name (Debian package `libhunspell-1.7-0`).
pub const LIBRARY: &str = "libhunspell-1.7.so.0";

/// Where the Swedish dictionary is looked for (Debian package `hunspell-sv`), in order; the
/// Finland-Swedish one first. `KIRJURI_HUNSPELL_DIR` names another directory to look in first.
const DICTIONARIES: [&str; 4] = [
    "/usr/share/hunspell/sv_FI",
    "/usr/share/hunspell/sv_SE",
    "/usr/share/myspell/sv_FI",
    "/usr/share/myspell/sv_SE",
];

type CreateFn = unsafe extern "C" fn(*const c_char, *const c_char) -> *mut c_void;
type DestroyFn = unsafe extern "C" fn(*mut c_void);
type SpellFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type EncodingFn = unsafe extern "C" fn(*mut c_void) -> *mut c_char;
type ListFn = unsafe extern "C" fn(*mut c_void, *mut *mut *mut c_char, *const c_char) -> c_int;
type FreeListFn = unsafe extern "C" fn(*mut c_void, *mut *mut *mut c_char, c_int);

/// Why Hunspell could not be used.
#[derive(Debug, thiserror::Error)]
pub enum HunspellError {
    /// The shared library or one of its symbols is missing.
    #[error("cannot load {LIBRARY} (install the Debian packages libhunspell-1.7-0 and hunspell-sv): {0}")]
    Load(String),
    /// No Swedish dictionary was found.
    #[error("no Swedish Hunspell dictionary (sv_FI or sv_SE .aff/.dic) in /usr/share/hunspell (install hunspell-sv)")]
    NoDictionary,
    /// The dictionary did not load or is not usable.
    #[error("the Swedish Hunspell dictionary {} is not usable: {reason}", path.display())]
    Init {
        /// The dictionary (without extension).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// An open Hunspell handle with a Swedish dictionary. `Send`, not `Sync`: put it behind a
/// `Mutex`.
pub struct Hunspell {
    handle: NonNull<c_void>,
    destroy: DestroyFn,
    spell: SpellFn,
    stem: ListFn,
    analyze: ListFn,
    free_list: FreeListFn,
    dictionary: PathBuf,
    // Keeps the function pointers above valid; dropped after `destroy` runs (field order).
    _lib: Library,
}

// SAFETY: a Hunspell handle is a heap object with no thread affinity; Hunspell only forbids
// concurrent use of one handle. `Hunspell` is not `Sync` and every call takes `&mut self`, so one
// thread at a time uses it (the checker keeps it in a `Mutex`).
unsafe impl Send for Hunspell {}

impl std::fmt::Debug for Hunspell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hunspell")
            .field("dictionary", &self.dictionary)
            .finish_non_exhaustive()
    }
}

/// A Swedish word's analysis, reduced to what the checker needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SwedishAnalysis {
    /// Whether Hunspell knows the word (as it stands, or as a compound it accepts).
    pub known: bool,
    /// Stems (`Hunspell_stem`) and the stems of the compound parts (`st:` fields of
    /// `Hunspell_analyze`), lower case, without duplicates: `idioterna` → `idiot`, `galna` →
    /// `galen`, `arbetskraftsbyrån` → `arbetsbyrå`, `arbets`, `byrå`.
    pub stems: Vec<String>,
}

fn find_dictionary() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("KIRJURI_HUNSPELL_DIR") {
        let dir = PathBuf::from(dir);
        candidates.push(dir.join("sv_FI"));
        candidates.push(dir.join("sv_SE"));
    }
    candidates.extend(DICTIONARIES.iter().map(PathBuf::from));
    candidates
        .into_iter()
        .find(|p| p.with_extension("aff").is_file() && p.with_extension("dic").is_file())
}

fn path_cstring(p: &Path) -> Result<CString, HunspellError> {
    CString::new(p.as_os_str().as_encoded_bytes()).map_err(|_| HunspellError::Init {
        path: p.to_owned(),
        reason: "the path contains a NUL byte".into(),
    })
}

impl Hunspell {
    /// Loads `libhunspell-1.7.so.0` and opens the Swedish dictionary.
    pub fn open_swedish() -> Result<Self, HunspellError> {
        let dictionary = find_dictionary().ok_or(HunspellError::NoDictionary)?;
        // SAFETY: loading Hunspell runs only its (and libstdc++'s) initialisers, which have no
        // preconditions on us.
        let lib = unsafe { Library::new(LIBRARY) }.map_err(load)?;
        // SAFETY: each type matches the C prototype quoted in the module documentation.
        let (create, destroy, spell, encoding, stem, analyze, free_list) = unsafe {
            (
                *lib.get::<CreateFn>(b"Hunspell_create\0").map_err(load)?,
                *lib.get::<DestroyFn>(b"Hunspell_destroy\0").map_err(load)?,
                *lib.get::<SpellFn>(b"Hunspell_spell\0").map_err(load)?,
                *lib.get::<EncodingFn>(b"Hunspell_get_dic_encoding\0")
                    .map_err(load)?,
                *lib.get::<ListFn>(b"Hunspell_stem\0").map_err(load)?,
                *lib.get::<ListFn>(b"Hunspell_analyze\0").map_err(load)?,
                *lib.get::<FreeListFn>(b"Hunspell_free_list\0")
                    .map_err(load)?,
            )
        };
        let aff = path_cstring(&dictionary.with_extension("aff"))?;
        let dic = path_cstring(&dictionary.with_extension("dic"))?;
        // SAFETY: both paths are NUL-terminated; Hunspell copies what it needs.
        let raw = unsafe { create(aff.as_ptr(), dic.as_ptr()) };
        let Some(handle) = NonNull::new(raw) else {
            return Err(HunspellError::Init {
                path: dictionary,
                reason: "Hunspell_create returned NULL".into(),
            });
        };
        let mut h = Hunspell {
            handle,
            destroy,
            spell,
            stem,
            analyze,
            free_list,
            dictionary,
            _lib: lib,
        };
        // SAFETY: the handle is open; the returned string is owned by it and NUL-terminated.
        let enc = unsafe {
            let p = encoding(h.handle.as_ptr());
            if p.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        };
        // Words are passed as UTF-8: a dictionary in another encoding would get mangled words.
        if !enc.eq_ignore_ascii_case("UTF-8") {
            return Err(HunspellError::Init {
                path: h.dictionary.clone(),
                reason: format!("encoding {enc:?}, expected UTF-8"),
            });
        }
        // A dictionary that loaded as empty knows no common word.
        if !h.knows("och") {
            return Err(HunspellError::Init {
                path: h.dictionary.clone(),
                reason: "the dictionary does not know the word \"och\"".into(),
            });
        }
        Ok(h)
    }

    /// The dictionary in use (path without extension, e.g. `/usr/share/hunspell/sv_FI`).
    pub fn dictionary(&self) -> &Path {
        &self.dictionary
    }

    /// Whether Hunspell accepts the word.
    pub fn knows(&mut self, word: &str) -> bool {
        let Ok(w) = CString::new(word) else {
            return false;
        };
        // SAFETY: the handle is open (closed only in `drop`) and `w` is NUL-terminated.
        unsafe { (self.spell)(self.handle.as_ptr(), w.as_ptr()) != 0 }
    }

    /// Stems and compound-part stems of one word; empty when Hunspell does not know it (or
    /// the word contains a NUL byte).
    pub fn analyze(&mut self, word: &str) -> SwedishAnalysis {
        let Ok(w) = CString::new(word) else {
            return SwedishAnalysis::default();
        };
        let known = self.knows(word);
        // Hunspell 1.7.1 (Debian's) dies of SIGSEGV stemming or analysing some words it does
        // not know: `xbeskattningsrätt` with hunspell-sv 7.5 recurses through its compound
        // rules until it crashes (found by the `checker_voikko` fuzzer; kept in
        // fuzz/regressions). A word Hunspell does not know has no stems to give anyway, so
        // only known words are analysed and an unknown one never reaches that code.
        if !known {
            return SwedishAnalysis {
                known,
                stems: Vec::new(),
            };
        }
        let mut stems = Vec::new();
        for s in self.list(self.stem, &w) {
            push_unique(&mut stems, s.to_lowercase());
        }
        for a in self.list(self.analyze, &w) {
            // Morphological fields are space-separated `key:value`; `st:` is a stem.
            for field in a.split_whitespace() {
                if let Some(st) = field.strip_prefix("st:") {
                    push_unique(&mut stems, st.to_lowercase());
                }
            }
        }
        SwedishAnalysis { known, stems }
    }

    fn list(&mut self, f: ListFn, word: &CStr) -> Vec<String> {
        let mut list: *mut *mut c_char = std::ptr::null_mut();
        // SAFETY: the handle is open, `word` is NUL-terminated and `list` a valid out-pointer.
        let n = unsafe { f(self.handle.as_ptr(), &mut list, word.as_ptr()) };
        let mut out = Vec::new();
        if list.is_null() || n <= 0 {
            return out;
        }
        for i in 0..usize::try_from(n).unwrap_or(0) {
            // SAFETY: `list` holds `n` pointers, each NULL or a NUL-terminated string.
            let item = unsafe { *list.add(i) };
            if !item.is_null() {
                // SAFETY: as above; copied before the list is freed.
                out.push(
                    unsafe { CStr::from_ptr(item) }
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
        // SAFETY: `list` and `n` came from the call above; freed exactly once.
        unsafe { (self.free_list)(self.handle.as_ptr(), &mut list, n) };
        out
    }
}

impl Drop for Hunspell {
    fn drop(&mut self) {
        // SAFETY: the handle came from `Hunspell_create` and is destroyed once; `_lib` is
        // dropped after this, so the function pointer is still valid.
        unsafe { (self.destroy)(self.handle.as_ptr()) };
    }
}

fn load(e: libloading::Error) -> HunspellError {
    HunspellError::Load(e.to_string())
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}
