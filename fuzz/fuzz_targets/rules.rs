#![no_main]
libfuzzer_sys::fuzz_target!(
    init: kirjuri_fuzz::write_seeds_from_env(kirjuri_fuzz::Target::Rules),
    |data: &[u8]| kirjuri_fuzz::run(kirjuri_fuzz::Target::Rules, data)
);
