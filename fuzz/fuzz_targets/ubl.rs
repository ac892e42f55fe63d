//! UBL reading (sealbill-invoice, SPEC §9): see `sealbill_fuzz::read_invoice`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sealbill_fuzz::read_invoice(data, sealbill_invoice::Syntax::Ubl));
