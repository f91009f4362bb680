//! A thin FFI to libvoikko (Finnish morphology), loaded at run time with `libloading`.
//!
//! Only the analysis API is bound (libvoikko's `voikko.h`):
//! - `struct VoikkoHandle *voikkoInit(const char **error, const char *langcode, const char *path)`
//!   — on failure returns NULL and points `*error` at a static message (not to be freed);
//! - `void voikkoTerminate(struct VoikkoHandle *)`;
//! - `struct voikko_mor_analysis **voikkoAnalyzeWordCstr(struct VoikkoHandle *, const char *word)`
//!   — a NULL-terminated array (possibly empty: "no analysis") freed with
//!   `voikko_free_mor_analysis`;
//! - `const char **voikko_mor_analysis_keys(const struct voikko_mor_analysis *)` — owned by the
//!   analysis, not freed separately;
//! - `char *voikko_mor_analysis_value_cstr(const struct voikko_mor_analysis *, const char *key)`
//!   — NULL when the key is absent, else freed with `voikko_free_mor_analysis_value_cstr`.
//!
//! **Thread safety:** a libvoikko handle must not be used from two threads at once. A [`Voikko`]
//! is `Send` but not `Sync`; the checker keeps it behind a `Mutex` (see `morph.rs`).

// This module is the crate's only FFI: calling libvoikko's C functions needs `unsafe`. It is
// confined here; every block states the invariant it relies on.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::NonNull;

use libloading::Library;

/// The shared library's name (Debian package `libvoikko1`).
pub const LIBRARY: &str = "libvoikko.so.1";

type InitFn = unsafe extern "C" fn(*mut *const c_char, *const c_char, *const c_char) -> *mut c_void;
type TerminateFn = unsafe extern "C" fn(*mut c_void);
type AnalyzeFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> *mut *mut c_void;
type FreeAnalysisFn = unsafe extern "C" fn(*mut *mut c_void);
type ValueFn = unsafe extern "C" fn(*const c_void, *const c_char) -> *mut c_char;
type FreeValueFn = unsafe extern "C" fn(*mut c_char);

/// Why libvoikko could not be used.
#[derive(Debug, thiserror::Error)]
pub enum VoikkoError {
    /// The shared library or one of its symbols is missing.
    #[error("cannot load {LIBRARY} (install the Debian packages libvoikko1 and voikko-fi): {0}")]
    Load(String),
    /// `voikkoInit` failed (typically: no Finnish dictionary, package `voikko-fi`).
    #[error("libvoikko could not start for Finnish (is voikko-fi installed?): {0}")]
    Init(String),
}

/// One morphological analysis of a word, reduced to what the checker needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysis {
    /// `BASEFORM`, e.g. `laiska` for `laiskoille`, `sossupummi` for `sossupummin`.
    pub baseform: String,
    /// `CLASS`, e.g. `nimisana`, `lyhenne` (abbreviation).
    pub class: String,
    /// Base forms of the compound parts from `WORDBASES` (`+sossu(sossu)+pummi(pummi)` →
    /// `sossu`, `pummi`); derivational suffixes (`+us(+us)`) and hyphens are left out.
    pub parts: Vec<String>,
}

/// An open libvoikko handle for Finnish. `Send`, not `Sync`: put it behind a `Mutex`.
pub struct Voikko {
    handle: NonNull<c_void>,
    terminate: TerminateFn,
    analyze: AnalyzeFn,
    free_analysis: FreeAnalysisFn,
    value: ValueFn,
    free_value: FreeValueFn,
    // Keeps the function pointers above valid; dropped after `terminate` runs (field order).
    _lib: Library,
}

// SAFETY: a libvoikko handle is a heap object with no thread affinity; libvoikko only forbids
// concurrent use of one handle. `Voikko` is not `Sync` and analysis takes `&mut self`, so one
// thread at a time uses it (the checker keeps it in a `Mutex`).
unsafe impl Send for Voikko {}

impl std::fmt::Debug for Voikko {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Voikko").finish_non_exhaustive()
    }
}

impl Voikko {
    /// Loads `libvoikko.so.1` and opens the Finnish dictionary from the default path.
    pub fn open() -> Result<Self, VoikkoError> {
        // SAFETY: loading libvoikko runs only its (and libstdc++'s) initialisers, which have no
        // preconditions on us.
        let lib = unsafe { Library::new(LIBRARY) }.map_err(|e| VoikkoError::Load(e.to_string()))?;
        // SAFETY: each type matches the C prototype quoted in the module documentation.
        let (init, terminate, analyze, free_analysis, value, free_value) = unsafe {
            (
                *lib.get::<InitFn>(b"voikkoInit\0").map_err(load)?,
                *lib.get::<TerminateFn>(b"voikkoTerminate\0").map_err(load)?,
                *lib.get::<AnalyzeFn>(b"voikkoAnalyzeWordCstr\0")
                    .map_err(load)?,
                *lib.get::<FreeAnalysisFn>(b"voikko_free_mor_analysis\0")
                    .map_err(load)?,
                *lib.get::<ValueFn>(b"voikko_mor_analysis_value_cstr\0")
                    .map_err(load)?,
                *lib.get::<FreeValueFn>(b"voikko_free_mor_analysis_value_cstr\0")
                    .map_err(load)?,
            )
        };
        let mut error: *const c_char = std::ptr::null();
        // SAFETY: `error` is a valid out-pointer, the language code a NUL-terminated literal and
        // the path NULL (libvoikko's default search path).
        let raw = unsafe { init(&mut error, c"fi".as_ptr(), std::ptr::null()) };
        let Some(handle) = NonNull::new(raw) else {
            let message = if error.is_null() {
                "unknown error".to_owned()
            } else {
                // SAFETY: on failure libvoikko points `error` at a static NUL-terminated string.
                unsafe { CStr::from_ptr(error) }
                    .to_string_lossy()
                    .into_owned()
            };
            return Err(VoikkoError::Init(message));
        };
        Ok(Voikko {
            handle,
            terminate,
            analyze,
            free_analysis,
            value,
            free_value,
            _lib: lib,
        })
    }

    /// All analyses of one word; empty when libvoikko does not know it (or the word contains a
    /// NUL byte). Takes `&mut self`: one call at a time per handle.
    pub fn analyze(&mut self, word: &str) -> Vec<Analysis> {
        let Ok(word) = CString::new(word) else {
            return Vec::new();
        };
        // SAFETY: the handle is open (closed only in `drop`) and `word` is NUL-terminated.
        let list = unsafe { (self.analyze)(self.handle.as_ptr(), word.as_ptr()) };
        if list.is_null() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            // SAFETY: `list` is a NULL-terminated array; we stop at the terminator.
            let item = unsafe { *list.add(i) };
            if item.is_null() {
                break;
            }
            let baseform = self.value_of(item, c"BASEFORM").unwrap_or_default();
            let class = self.value_of(item, c"CLASS").unwrap_or_default();
            let parts = self
                .value_of(item, c"WORDBASES")
                .map(|w| parse_wordbases(&w))
                .unwrap_or_default();
            out.push(Analysis {
                baseform,
                class,
                parts,
            });
            i += 1;
        }
        // SAFETY: `list` came from `voikkoAnalyzeWordCstr` and is freed exactly once.
        unsafe { (self.free_analysis)(list) };
        out
    }

    fn value_of(&self, analysis: *mut c_void, key: &CStr) -> Option<String> {
        // SAFETY: `analysis` is a live element of the list being read; `key` is NUL-terminated.
        let raw = unsafe { (self.value)(analysis, key.as_ptr()) };
        if raw.is_null() {
            return None;
        }
        // SAFETY: a non-NULL value is a NUL-terminated UTF-8 string we own until freed.
        let text = unsafe { CStr::from_ptr(raw) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: freed exactly once, with the function libvoikko provides for it.
        unsafe { (self.free_value)(raw) };
        Some(text)
    }
}

impl Drop for Voikko {
    fn drop(&mut self) {
        // SAFETY: the handle came from `voikkoInit` and is terminated once; `_lib` is dropped
        // after this, so the function pointer is still valid.
        unsafe { (self.terminate)(self.handle.as_ptr()) };
    }
}

fn load(e: libloading::Error) -> VoikkoError {
    VoikkoError::Load(e.to_string())
}

/// `+työn(työ)+haku(haku)+velvollisu(velvollinen)+us(+us)` → `työ`, `haku`, `velvollinen`.
pub(crate) fn parse_wordbases(w: &str) -> Vec<String> {
    w.split('+')
        .filter_map(|seg| {
            let open = seg.find('(')?;
            let base = seg[open + 1..].strip_suffix(')')?;
            // A base starting with '+' is a derivational suffix; '-' is a hyphen joint.
            (!base.is_empty() && !base.starts_with('+') && base != "-").then(|| base.to_lowercase())
        })
        .collect()
}
