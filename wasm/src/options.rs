//! The option shapes that JS passes in, each declared once: serde reads them, tsify writes
//! their TypeScript. Unknown keys are refused, so a misspelt option such as `expectedSender`
//! fails instead of being ignored.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsCast;
use zeroize::Zeroizing;

use sealbill::{Error, Fingerprint, KdfParams, Passphrase};

use crate::errors::{js_error, JsResult};

/// Reads a JS value into its Rust shape. Keys the shape does not declare are refused (serde
/// cannot see them: serde-wasm-bindgen reads only the declared keys of an object). serde's
/// messages are not passed on, as they may quote values (a passphrase, say).
pub(crate) fn decode<T: Tsify + DeserializeOwned>(value: Ts<T>) -> JsResult<T> {
    let invalid = || {
        js_error(Error::InvalidInput(
            "an option or document object has an unknown key or a value of the wrong type \
             (see sealbill.d.ts)",
        ))
    };
    let value = value.js_value();
    if let Some(object) = value.dyn_ref::<js_sys::Object>() {
        let fields = fields_of::<T>();
        let known = js_sys::Object::keys(object).iter().all(|key| {
            key.as_string()
                .is_some_and(|k| fields.contains(&k.as_str()))
        });
        if !known {
            return Err(invalid());
        }
    }
    T::from_js(value).map_err(|_| invalid())
}

/// The keys of a struct shape, as its own `Deserialize` impl declares them (with serde's
/// renames applied): a deserializer that records what `deserialize_struct` asks for.
fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Fields<'a>(&'a mut &'static [&'static str]);

    impl<'de> serde::Deserializer<'de> for Fields<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("fields recorded"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

/// A passphrase from JS, NFC-normalized (SPEC §5.1) with the JS engine's Unicode tables.
pub(crate) fn passphrase(text: &str) -> JsResult<Passphrase> {
    Passphrase::with_nfc(text, |text| {
        Zeroizing::new(String::from(js_sys::JsString::from(text).normalize("NFC")))
    })
    .map_err(js_error)
}

/// Argon2id cost; each field defaults to RFC 9106's 64 MiB, 3 passes, 1 lane.
#[derive(Tsify, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KdfOptions {
    /// Memory in KiB (19456 to 262144).
    #[tsify(optional)]
    pub memory_kib: Option<u32>,
    /// Passes (2 to 8).
    #[tsify(optional)]
    pub iterations: Option<u32>,
    /// Lanes (1 to 4).
    #[tsify(optional)]
    pub parallelism: Option<u32>,
}

impl KdfOptions {
    /// The checked Argon2id parameters.
    pub(crate) fn params(options: Option<Ts<KdfOptions>>) -> JsResult<KdfParams> {
        let o = options.map(decode).transpose()?.unwrap_or_default();
        let d = KdfParams::DEFAULT;
        let params = KdfParams {
            memory_kib: o.memory_kib.unwrap_or(d.memory_kib),
            iterations: o.iterations.unwrap_or(d.iterations),
            parallelism: o.parallelism.unwrap_or(d.parallelism),
        };
        params.check().map_err(js_error)?;
        Ok(params)
    }
}

/// A document to seal. The invoice comes first.
#[derive(Tsify, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentInput {
    /// A plain file name, such as `invoice.xml`.
    pub name: String,
    /// The media type, such as `application/xml`.
    pub media_type: String,
    /// The content.
    #[tsify(type = "Uint8Array")]
    pub data: serde_bytes::ByteBuf,
}

/// A document announced to a `SealStream` before its bytes are pushed.
#[derive(Tsify, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentAnnouncement {
    /// A plain file name.
    pub name: String,
    /// The media type.
    pub media_type: String,
    /// The exact number of bytes that will be pushed.
    pub size: u64,
}

/// Also seal for a fresh link: `true`, or `{ passphrase }` for a link that also needs one.
#[derive(Tsify, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum LinkOption {
    /// `true` for a link, `false` for none.
    Plain(bool),
    /// A link that also needs this passphrase.
    Passphrase {
        /// The link's passphrase.
        #[tsify(type = "string")]
        passphrase: Zeroizing<String>,
    },
}

/// How to seal: recipients are `sealbill-card:…` or `age1…` strings.
#[derive(Tsify, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SealOptions {
    /// The invoice id that the signed manifest carries.
    pub invoice_id: String,
    /// The clients' cards or `age1…` recipients; the sender is always added.
    #[tsify(optional)]
    pub recipients: Option<Vec<String>>,
    /// Seconds since the Unix epoch; defaults to now.
    #[tsify(optional)]
    pub issued_at: Option<u64>,
    /// Also seal for a fresh link, optionally bound to a passphrase.
    #[tsify(optional)]
    pub link: Option<LinkOption>,
    /// ASCII-armored output instead of binary.
    #[tsify(optional)]
    pub armor: Option<bool>,
    /// The sender's owner-signed team membership, to send as a member of a business: the
    /// envelope carries it, and the team's archive key can read it.
    #[tsify(optional, type = "Uint8Array")]
    #[serde(default)]
    pub membership: Option<serde_bytes::ByteBuf>,
}

impl SealOptions {
    /// The core's options: recipients parsed, the link request with its normalized passphrase.
    pub(crate) fn to_core(options: Ts<SealOptions>) -> JsResult<sealbill::SealOptions> {
        let o = decode(options)?;
        let recipients = o
            .recipients
            .unwrap_or_default()
            .iter()
            .map(|r| sealbill::parse_recipient(r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(js_error)?;
        let link = match o.link {
            None | Some(LinkOption::Plain(false)) => None,
            Some(LinkOption::Plain(true)) => Some(sealbill::LinkRequest::Plain),
            Some(LinkOption::Passphrase { passphrase: p }) => {
                Some(sealbill::LinkRequest::WithPassphrase(passphrase(&p)?))
            }
        };
        let membership = o
            .membership
            .map(|m| sealbill::Membership::verify(&m))
            .transpose()
            .map_err(js_error)?;
        Ok(sealbill::SealOptions {
            recipients,
            link,
            membership,
            encoding: if o.armor == Some(true) {
                sealbill::age::Encoding::Armored
            } else {
                sealbill::age::Encoding::Binary
            },
            ..sealbill::SealOptions::new(&o.invoice_id, o.issued_at.unwrap_or_else(now_seconds))
        })
    }
}

/// How to open: `expectSender` pins the business's fingerprint (the sender's, or the owner's
/// when a team member sent it).
#[derive(Tsify, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenOptions {
    /// The fingerprint the business must have (eight groups of five digits).
    #[tsify(optional)]
    pub expect_sender: Option<String>,
    /// The link's passphrase, for a link that needs one.
    #[tsify(optional, type = "string")]
    pub passphrase: Option<Zeroizing<String>>,
}

/// Open options, parsed: the pinned fingerprint and the normalized passphrase.
pub(crate) struct OpenPlan {
    pub(crate) expect: Option<Fingerprint>,
    pub(crate) passphrase: Option<Passphrase>,
}

impl OpenOptions {
    /// The plan of an open with keys (`what`: "an identity", "an archive key"), which need no
    /// passphrase: one given is refused rather than ignored.
    pub(crate) fn plan_for_keys(
        options: Option<Ts<OpenOptions>>,
        what: &'static str,
    ) -> JsResult<OpenPlan> {
        let plan = OpenOptions::plan(options)?;
        if plan.passphrase.is_some() {
            return Err(js_error(Error::InvalidInput(what)));
        }
        Ok(plan)
    }

    pub(crate) fn plan(options: Option<Ts<OpenOptions>>) -> JsResult<OpenPlan> {
        let o = options.map(decode).transpose()?.unwrap_or_default();
        Ok(OpenPlan {
            expect: o
                .expect_sender
                .map(|f| f.parse::<Fingerprint>())
                .transpose()
                .map_err(js_error)?,
            passphrase: o.passphrase.map(|p| passphrase(&p)).transpose()?,
        })
    }
}

/// Seconds since the Unix epoch, from the JS clock.
pub(crate) fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
