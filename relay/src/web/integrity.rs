//! Subresource Integrity for the page. At start-up the relay hashes every script, wasm module
//! and stylesheet it serves from `www/` and `pkg/` (SHA-384 in base64, as SRI writes it), and
//! serves `index.html` with those hashes pinned:
//!
//! - an import map whose `integrity` section names every such file, which the browser checks
//!   for each module it imports, and which the page reads for the wasm modules it fetches;
//! - an `integrity` attribute on each `<script>` and `<link>` of the page that names one;
//! - a Content-Security-Policy that admits that one inline import map by its hash.
//!
//! A file changed after start-up, on disk or on the way (a cache, a CDN), is then refused by
//! the browser. The page is pinned only where `index.html` holds [`MARKER`], the place of the
//! import map; any other `index.html` is served as it is.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha384};

use super::CSP;

/// Where `index.html` asks for the import map.
pub const MARKER: &str = "<!-- sealbill-relay: import map -->";

/// Extensions of the files pinned: scripts, wasm modules and stylesheets.
const PINNED: [&str; 3] = ["js", "wasm", "css"];

/// Folder depth searched below `www/` and `pkg/` (a bound, should a symlink make a loop).
const MAX_DEPTH: usize = 8;

/// `index.html` with every file's hash pinned, and the CSP that admits its import map.
#[derive(Debug)]
pub struct PinnedPage {
    /// The page as served.
    html: Bytes,
    /// The Content-Security-Policy of the page.
    csp: HeaderValue,
}

impl PinnedPage {
    /// The page as a response, with its CSP.
    pub fn response(&self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CONTENT_SECURITY_POLICY, self.csp.clone()),
            ],
            self.html.clone(),
        )
            .into_response()
    }
}

/// Pins `www_dir/index.html` to the files served now, or `None` where it holds no [`MARKER`]
/// (or does not exist).
pub fn pin(www_dir: &Path, pkg_dir: &Path) -> io::Result<Option<PinnedPage>> {
    let html = match fs::read_to_string(www_dir.join("index.html")) {
        Ok(html) if html.contains(MARKER) => html,
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut hashes = BTreeMap::new();
    hash_files(www_dir, "", MAX_DEPTH, &mut hashes)?;
    hash_files(pkg_dir, "/pkg", MAX_DEPTH, &mut hashes)?;
    let map = serde_json::json!({ "integrity": hashes }).to_string();
    let html = with_integrity(&html, &hashes).replacen(
        MARKER,
        &format!("<script type=\"importmap\">{map}</script>"),
        1,
    );
    let csp = CSP.replacen(
        "'wasm-unsafe-eval'",
        &format!("'wasm-unsafe-eval' '{}'", sri(map.as_bytes())),
        1,
    );
    let csp = HeaderValue::from_str(&csp).map_err(io::Error::other)?;
    Ok(Some(PinnedPage {
        html: html.into(),
        csp,
    }))
}

/// The SRI hash of `bytes`: `sha384-` and the digest in base64.
fn sri(bytes: &[u8]) -> String {
    format!("sha384-{}", STANDARD.encode(Sha384::digest(bytes)))
}

/// Adds the hash of every pinned file under `dir`, keyed by its URL path (`prefix/…`). Hidden
/// entries are skipped, as the relay never serves them.
fn hash_files(
    dir: &Path,
    prefix: &str,
    depth: usize,
    hashes: &mut BTreeMap<String, String>,
) -> io::Result<()> {
    let Some(depth) = depth.checked_sub(1) else {
        return Ok(());
    };
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return Err(io::Error::other(format!(
                "a file name that is not UTF-8 in {}",
                dir.display()
            )));
        };
        if name.starts_with('.') {
            continue;
        }
        let url = format!("{prefix}/{}", percent_encoded(name));
        if path.is_dir() {
            hash_files(&path, &url, depth, hashes)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| PINNED.contains(&e))
        {
            hashes.insert(url, sri(&fs::read(&path)?));
        }
    }
    Ok(())
}

/// A file name as a URL path segment: bytes outside RFC 3986's unreserved set percent-encoded.
fn percent_encoded(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `html` with an `integrity` attribute on each `<script src>` and `<link href>` tag that
/// names a pinned file and has none yet.
fn with_integrity(html: &str, hashes: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(html.len() + 100 * hashes.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let (before, tag_on) = rest.split_at(start);
        out.push_str(before);
        let end = tag_on.find('>').map_or(tag_on.len(), |e| e + 1);
        let (tag, after) = tag_on.split_at(end);
        out.push_str(&pinned_tag(tag, hashes).unwrap_or_else(|| tag.to_owned()));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// One `<script …>` or `<link …>` tag with the hash of the file it names, if it is pinned.
fn pinned_tag(tag: &str, hashes: &BTreeMap<String, String>) -> Option<String> {
    let (name, attribute) = [("<script ", " src=\""), ("<link ", " href=\"")]
        .into_iter()
        .find(|(name, _)| tag.starts_with(name))?;
    if tag.contains(" integrity=") {
        return None;
    }
    let value = tag.split_once(attribute)?.1.split_once('"')?.0;
    let hash = hashes.get(value)?;
    let (_, attributes) = tag.split_at(name.len());
    Some(format!("{name}integrity=\"{hash}\" {attributes}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes() -> BTreeMap<String, String> {
        BTreeMap::from([("/app.js".to_owned(), "sha384-A".to_owned())])
    }

    #[test]
    fn tags_that_name_a_pinned_file_get_its_hash() {
        let html = "<head><script type=\"module\" src=\"/app.js\"></script>\
            <link rel=\"modulepreload\" href=\"/app.js\" />\
            <link rel=\"modulepreload\" href=\"/other.js\" />\
            <script integrity=\"sha384-B\" src=\"/app.js\"></script><p>a < b</p>";
        assert_eq!(
            with_integrity(html, &hashes()),
            "<head><script integrity=\"sha384-A\" type=\"module\" src=\"/app.js\"></script>\
            <link integrity=\"sha384-A\" rel=\"modulepreload\" href=\"/app.js\" />\
            <link rel=\"modulepreload\" href=\"/other.js\" />\
            <script integrity=\"sha384-B\" src=\"/app.js\"></script><p>a < b</p>"
        );
        assert_eq!(with_integrity("<scrip", &hashes()), "<scrip");
    }

    #[test]
    fn names_become_url_segments() {
        assert_eq!(percent_encoded("de-form_1.js"), "de-form_1.js");
        assert_eq!(percent_encoded("a b/ü.js"), "a%20b%2F%C3%BC.js");
    }

    #[test]
    fn sri_hashes_are_sha384_in_base64() {
        // The example of the SRI specification's "alert('Hello, world.');".
        assert_eq!(
            sri(b"alert('Hello, world.');"),
            "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO"
        );
    }

    #[test]
    fn the_pinned_page_carries_an_import_map_its_csp_admits() {
        let dir = std::env::temp_dir().join(format!("sealbill-sri-{}", std::process::id()));
        let (www, pkg) = (dir.join("www"), dir.join("pkg"));
        for d in [www.join("i18n"), pkg.join("invoice"), www.join(".git")] {
            fs::create_dir_all(d).unwrap();
        }
        let page = format!("<head>{MARKER}<script type=\"module\" src=\"/app.js\"></script>");
        for (path, text) in [
            (www.join("index.html"), page.as_str()),
            (www.join("app.js"), "alert('Hello, world.');"),
            (www.join("i18n/de.js"), ""),
            (www.join("notes.txt"), ""),
            (www.join(".git/x.js"), ""),
            (pkg.join("invoice/m_bg.wasm"), ""),
        ] {
            fs::write(path, text).unwrap();
        }
        let pinned = pin(&www, &pkg).unwrap().unwrap();
        let empty = sri(b"");
        let app = "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO";
        let map = format!(
            "{{\"integrity\":{{\"/app.js\":\"{app}\",\"/i18n/de.js\":\"{empty}\",\
             \"/pkg/invoice/m_bg.wasm\":\"{empty}\"}}}}"
        );
        assert_eq!(
            pinned.html,
            &format!(
                "<head><script type=\"importmap\">{map}</script>\
                 <script integrity=\"{app}\" type=\"module\" src=\"/app.js\"></script>"
            )
        );
        assert!(pinned.csp.to_str().unwrap().contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' '{}';",
            sri(map.as_bytes())
        )));

        fs::write(www.join("index.html"), "<head></head>").unwrap();
        assert!(pin(&www, &pkg).unwrap().is_none(), "no marker, no pinning");
        fs::remove_dir_all(dir).unwrap();
    }
}
