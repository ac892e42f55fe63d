//! Writes the seed corpora of the fuzz targets from the test vectors:
//! `seeds REPO_ROOT OUT_DIR [VALIDATION_EXAMPLES]` fills `OUT_DIR/TARGET/` for every target.
//!
//! - the test kit (tests/vectors/sealbill): envelopes, keystores, backups, links and the signed
//!   request; the manifests of the envelopes the fixed reader opens;
//! - the CCTV age bundle (tests/vectors/cctv-age.bundle): headers, armor and whole files;
//! - the invoice corpus (invoice/tests/invoices) and, when given, the CEN, Peppol and
//!   XRechnung examples, with the CII of each valid UBL invoice;
//! - backup plaintexts and relay requests written here.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sealbill::fuzzing::{armor, encode_manifest};
use sealbill::{open, EntryKind};

type Corpora = BTreeMap<&'static str, Vec<(String, Vec<u8>)>>;
/// A vector's `key: value` header lines.
type Fields = Vec<(String, String)>;

/// A vector file: its `key: value` header lines and its body after the blank line.
fn split_vector(raw: &[u8]) -> Option<(Fields, &[u8])> {
    let at = raw.windows(2).position(|w| w == b"\n\n")?;
    let head = std::str::from_utf8(raw.get(..at)?).ok()?;
    let fields = head
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some((fields, raw.get(at + 2..)?))
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn add(corpora: &mut Corpora, target: &'static str, name: &str, bytes: &[u8]) {
    corpora
        .entry(target)
        .or_default()
        .push((name.to_owned(), bytes.to_vec()));
}

/// An age file: its header, its armor or itself, and its manifest if the reader opens it.
fn age_file(corpora: &mut Corpora, name: &str, file: &[u8], armored: bool) {
    add(corpora, "envelope", name, file);
    if armored {
        add(corpora, "armor", name, file);
        return;
    }
    add(corpora, "age_header", name, file);
    add(corpora, "armor", name, &armor(file));
    let identities = [sealbill_fuzz::reader().age_identity().clone()];
    if let Ok(opened) = open(&identities, file, None) {
        if let Ok(manifest) = encode_manifest(&opened.manifest) {
            add(corpora, "manifest", name, &manifest);
        }
    }
}

fn test_kit(corpora: &mut Corpora, root: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(root.join("tests/vectors/sealbill"))? {
        let path = entry?.path();
        let name = file_name(&path);
        let raw = fs::read(&path)?;
        let Some((fields, body)) = split_vector(&raw) else {
            continue;
        };
        match field(&fields, "kind") {
            Some("envelope") => age_file(corpora, &name, body, false),
            Some("keystore") => add(corpora, "keystore", &name, body),
            Some("backup") => add(corpora, "backup", &name, body),
            Some("request") => {
                let method = field(&fields, "method").unwrap_or("POST");
                let target = field(&fields, "target").unwrap_or("/");
                let signature = field(&fields, "header").unwrap_or_default();
                let mut request = format!(
                    "{method} {target}\nHost: relay.example\nContent-Type: application/octet-stream\nSealbill-Signature: {signature}\n\n"
                )
                .into_bytes();
                request.extend_from_slice(body);
                add(corpora, "relay", &name, &request);
            }
            _ => {}
        }
        if let Some(link) = field(&fields, "link") {
            add(corpora, "link", &name, link.as_bytes());
        }
    }
    Ok(())
}

/// The bundle holds `<name>\n<length>\n<bytes>\n` per vector.
fn cctv(corpora: &mut Corpora, root: &Path) -> std::io::Result<()> {
    let bundle = fs::read(root.join("tests/vectors/cctv-age.bundle"))?;
    let mut rest = &bundle[..];
    while let Some(end) = rest.iter().position(|&b| b == b'\n') {
        let name = String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned();
        rest = rest.get(end + 1..).unwrap_or_default();
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            break;
        };
        let len: usize = String::from_utf8_lossy(rest.get(..end).unwrap_or_default())
            .parse()
            .unwrap_or(0);
        rest = rest.get(end + 1..).unwrap_or_default();
        let Some(raw) = rest.get(..len) else {
            break;
        };
        rest = rest.get(len + 1..).unwrap_or_default();
        let Some((fields, body)) = split_vector(raw) else {
            continue;
        };
        if field(&fields, "compressed").is_some() {
            continue;
        }
        let armored = field(&fields, "armored") == Some("yes");
        age_file(corpora, &format!("cctv-{name}"), body, armored);
    }
    Ok(())
}

/// UBL to the `ubl` target and CII to `cii`, plus the CII of every UBL that converts.
fn invoice(corpora: &mut Corpora, name: &str, xml: &[u8]) {
    if xml.windows(20).any(|w| w == b"CrossIndustryInvoice") {
        add(corpora, "cii", name, xml);
        return;
    }
    add(corpora, "ubl", name, xml);
    if let Ok(cii) = sealbill_invoice::to_cii(xml) {
        add(corpora, "cii", &format!("{name}.cii"), cii.as_bytes());
    }
}

fn invoices(corpora: &mut Corpora, dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            invoices(corpora, &path)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        {
            invoice(corpora, &file_name(&path), &fs::read(&path)?);
        }
    }
    Ok(())
}

/// Backup plaintexts (SPEC §5.6): the identity entry, then entries, then the end marker.
fn backup_plaintexts(corpora: &mut Corpora) {
    fn entry(out: &mut Vec<u8>, code: u8, name: &str, data: &[u8]) {
        out.push(code);
        out.extend_from_slice(&(name.len() as u16).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(data.len() as u64).to_be_bytes());
        out.extend_from_slice(data);
    }
    let mut identity = Vec::new();
    identity.extend_from_slice(&9u16.to_be_bytes());
    identity.extend_from_slice(b"Acme GmbH");
    identity.extend_from_slice(&[7; 32]);
    let mut only = Vec::new();
    entry(&mut only, 1, "identity", &identity);
    let mut full = only.clone();
    only.push(0);
    add(corpora, "backup", "plain-identity-only", &only);
    for (code, kind) in (2u8..).zip(EntryKind::ALL) {
        entry(
            &mut full,
            code,
            &format!("{}.json", kind.as_str()),
            b"{\"a\":1}",
        );
    }
    full.push(0);
    add(corpora, "backup", "plain-every-kind", &full);
}

/// Requests for every route of the relay.
fn relay_requests(corpora: &mut Corpora) {
    let id = "AAAAAAAAAAAAAAAAAAAAAA";
    let requests = [
        "GET /healthz\n\n".to_owned(),
        "GET /metrics\n\n".to_owned(),
        "GET /\n\n".to_owned(),
        "GET /.hidden\n\n".to_owned(),
        "GET /pkg/sealbill_bg.wasm\nAccept-Encoding: gzip\n\n".to_owned(),
        "HEAD /index.html\nIf-None-Match: \"x\"\n\n".to_owned(),
        format!("GET /api/v1/envelopes/{id}\nX-Forwarded-For: 10.0.0.1, 192.0.2.7\n\n"),
        format!("GET /api/v1/envelopes/{id}/status\n\n"),
        format!("DELETE /api/v1/envelopes/{id}\nAuthorization: Bearer AAAA\n\n"),
        format!("POST /api/v1/envelopes/{id}/opened\nContent-Type: application/octet-stream\n\nproof"),
        format!("GET /api/v1/envelopes/{id}/replies\n\n"),
        format!("POST /api/v1/envelopes/{id}/replies\nContent-Type: application/octet-stream\n\nage-encryption.org/v1\n"),
        format!("DELETE /api/v1/envelopes/{id}/replies/{id}\nAuthorization: Bearer AAAA\n\n"),
        "POST /api/v1/envelopes?expires=60\nContent-Type: application/octet-stream\nContent-Length: 22\n\nage-encryption.org/v1\n".to_owned(),
        "POST /api/v1/rosters\nContent-Type: application/octet-stream\n\nroster".to_owned(),
        "POST /api/v1/rosters/memberships\n\nmembership".to_owned(),
        "POST /api/v1/rosters/archive-keys\n\nkey".to_owned(),
        "GET /api/v1/team\nSealbill-Signature: key=AAAA,ts=1,sig=AAAA\n\n".to_owned(),
        "GET /api/v1/team/envelopes?since=0\n\n".to_owned(),
        "OPTIONS /api/v1/envelopes\nOrigin: https://example.com\nAccess-Control-Request-Method: POST\n\n".to_owned(),
        "PROPFIND /api/v1/nothing\n\n".to_owned(),
    ];
    for (i, request) in requests.iter().enumerate() {
        add(
            corpora,
            "relay",
            &format!("request-{i:02}"),
            request.as_bytes(),
        );
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

fn main() -> std::io::Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let (Some(root), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: seeds REPO_ROOT OUT_DIR [VALIDATION_EXAMPLES]");
        std::process::exit(2);
    };
    let mut corpora = Corpora::new();
    test_kit(&mut corpora, root)?;
    cctv(&mut corpora, root)?;
    invoices(&mut corpora, &root.join("invoice/tests/invoices"))?;
    if let Some(examples) = args.get(2).filter(|d| d.is_dir()) {
        invoices(&mut corpora, examples)?;
    }
    backup_plaintexts(&mut corpora);
    relay_requests(&mut corpora);
    for (target, seeds) in &corpora {
        let dir = out.join(target);
        fs::create_dir_all(&dir)?;
        for (name, bytes) in seeds {
            fs::write(dir.join(format!("seed-{name}")), bytes)?;
        }
        println!("{target}: {} seeds", seeds.len());
    }
    Ok(())
}
