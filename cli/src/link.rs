//! Opening with a link (SPEC §5.3): reading the link without putting it on the command line,
//! and saying in plain words what a failure means for a link.

use std::io::Read;
use std::path::Path;

use sealbill::{Error, LinkSecret};
use zeroize::Zeroizing;

use crate::failure::Failure;
use crate::inputs;

/// The longest link read from standard input.
const MAX_LINK: u64 = 4096;

/// The link that `arg` gives: `-` reads it from standard input, an existing file holds it
/// on its first line, anything else is the link itself (or its part after `#`).
pub fn read(arg: &str) -> Result<LinkSecret, Failure> {
    let text = if arg == "-" {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .take(MAX_LINK)
            .read_to_string(&mut text)
            .map_err(|e| Failure::new(format!("cannot read the link from standard input: {e}")))?;
        text
    } else if Path::new(arg).is_file() {
        inputs::read_small(Path::new(arg))?
    } else {
        Zeroizing::new(arg.to_owned())
    };
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    LinkSecret::parse(line)
        .map(|(_, secret)| secret)
        .map_err(|e| {
            Failure::new(format!(
                "this link is broken or incomplete: copy the whole link from the message \
                 again, or ask the sender to send it again ({e}) [{}]",
                e.code()
            ))
        })
}

/// An opening error in link terms: what the link says about an envelope that no key
/// unwraps (SPEC §5.3), with what to do.
pub fn failure(link: &LinkSecret, error: Error) -> Failure {
    let error = link.explain(error);
    let advice = match &error {
        Error::KeyBlockAltered => {
            ". Do not pay on its basis: tell the sender, and ask them to send it again"
        }
        Error::BadLinkPassphrase => {
            "; check the passphrase with the sender (by phone, not by email). If it is right, \
             do not pay on its basis: tell the sender"
        }
        Error::NoMatch => {
            // A link without a check (version 1) cannot tell a wrong link from an altered
            // envelope.
            return Failure::new(format!(
                "this link does not open this envelope: the link is broken or was made for \
                 another envelope, or the envelope was altered [{}]",
                error.code()
            ));
        }
        _ => "",
    };
    Failure::new(format!("{error}{advice} [{}]", error.code()))
}
