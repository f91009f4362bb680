#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| kirjuri_fuzz::run(kirjuri_fuzz::Target::OidcCallback, data));
