//! Writes every invoice of the corpus (`tests/invoices/valid/*.json`) as the documents sealbill
//! produces: `NAME.ubl.xml` (what gets signed and sealed), `NAME.cii.xml` (built as CII), and,
//! where it differs from that, `NAME.cii-from-ubl.xml` (the UBL converted to CII, as on opening).
//!
//! `scripts/official-rules.sh` runs the official CEN, Peppol and KoSIT rule sets over them:
//!
//! ```sh
//! cargo run -p sealbill-invoice --example corpus_documents -- OUT_DIR
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sealbill_invoice::{build, build_as, to_cii, Error, PlainInvoice, Syntax};

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: corpus_documents OUT_DIR");
        return ExitCode::from(2);
    };
    match write_all(&out) {
        Ok(count) => {
            eprintln!(
                "wrote {count} corpus invoices as UBL and CII to {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("corpus_documents: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Builds each corpus invoice and writes its UBL and CII documents into `out`.
fn write_all(out: &Path) -> Result<usize, String> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invoices/valid");
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .map_err(|e| format!("{}: {e}", corpus.display()))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".json")?.to_owned())
        })
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(format!("no invoice in {}", corpus.display()));
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut failures = Vec::new();
    for name in &names {
        if let Err(message) = write_one(&corpus, out, name) {
            failures.push(message);
        }
    }
    if !failures.is_empty() {
        return Err(failures.join("\n"));
    }
    Ok(names.len())
}

/// Builds one corpus invoice as UBL and as CII, and converts the UBL to CII.
fn write_one(corpus: &Path, out: &Path, name: &str) -> Result<(), String> {
    let path = corpus.join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let plain: PlainInvoice =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let failed = |what: &str, e: Error| -> String {
        let mut message = format!("{name}: {what}: {e}");
        if let Error::Invalid(problems) = &e {
            for problem in problems {
                message.push_str(&format!("\n  {problem}"));
            }
        }
        message
    };
    let ubl = build(&plain).map_err(|e| failed("does not build", e))?.xml;
    let cii = build_as(&plain, Syntax::Cii)
        .map_err(|e| failed("does not build as CII", e))?
        .xml;
    let converted =
        to_cii(ubl.as_bytes()).map_err(|e| failed("its UBL does not convert to CII", e))?;
    let mut documents = vec![("ubl", ubl), ("cii", cii.clone())];
    if converted != cii {
        documents.push(("cii-from-ubl", converted));
    }
    for (suffix, document) in documents {
        let file = out.join(format!("{name}.{suffix}.xml"));
        std::fs::write(&file, document).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}
