//! Known-answer tests for the cryptographic primitives sealbill depends on: X25519
//! (RFC 7748), ChaCha20-Poly1305 (RFC 8439 and Wycheproof), Ed25519 (RFC 8032) and Argon2id
//! (RFC 9106). ChaCha20-Poly1305 is checked through `sealbill::age::PayloadAead`, the
//! construction the STREAM payload uses (the simd128 one in the `simd` build).
//!
//! The vectors live in `tests/vectors/kat/*.txt`, copied from the RFCs, and are embedded so
//! that the same suite runs natively and, under wasm-bindgen-test, in the wasm build. Format: `#` lines
//! are comments, blank lines separate cases, and each case is a set of `name = value`
//! lines; values are lowercase hex (outputs are compared as hex strings), except the
//! decimal counts and parameters each file names.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashMap;

use argon2::{Algorithm, Argon2, AssociatedData, Params, ParamsBuilder, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::Nonce;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sealbill::age::PayloadAead as ChaCha20Poly1305;
use x25519_dalek::{x25519, PublicKey, StaticSecret};

/// The vector files, by name.
const FILES: &[(&str, &str)] = &[
    (
        "rfc7748-x25519.txt",
        include_str!("vectors/kat/rfc7748-x25519.txt"),
    ),
    (
        "rfc8439-chacha20poly1305.txt",
        include_str!("vectors/kat/rfc8439-chacha20poly1305.txt"),
    ),
    (
        "rfc8032-ed25519.txt",
        include_str!("vectors/kat/rfc8032-ed25519.txt"),
    ),
    (
        "rfc9106-argon2id.txt",
        include_str!("vectors/kat/rfc9106-argon2id.txt"),
    ),
];

/// The cases of `tests/vectors/kat/<file>`, each a map from name to (trimmed) value.
fn cases(file: &str) -> Vec<HashMap<String, String>> {
    let (_, text) = FILES
        .iter()
        .find(|(name, _)| *name == file)
        .expect("a known vector file");
    let mut cases = vec![];
    let mut case = HashMap::new();
    // The trailing "" ends the last case even without a final blank line.
    for line in text.lines().map(str::trim).chain([""]) {
        if line.is_empty() {
            if !case.is_empty() {
                cases.push(std::mem::take(&mut case));
            }
        } else if !line.starts_with('#') {
            let (name, value) = line.split_once('=').expect("a `name = value` line");
            let old = case.insert(name.trim().to_owned(), value.trim().to_owned());
            assert!(
                old.is_none(),
                "{file}: `{}` given twice in a case",
                name.trim()
            );
        }
    }
    cases
}

/// RFC 7748 §5.2 (X25519 and the iterated vector) and §6.1 (Diffie-Hellman).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rfc7748_x25519() {
    let cases = cases("rfc7748-x25519.txt");
    for case in &cases {
        let h = |name: &str| -> [u8; 32] { hex::decode(&case[name]).unwrap().try_into().unwrap() };
        if case.contains_key("alice_private") {
            let alice = StaticSecret::from(h("alice_private"));
            let bob = StaticSecret::from(h("bob_private"));
            let (alice_public, bob_public) = (PublicKey::from(&alice), PublicKey::from(&bob));
            assert_eq!(hex::encode(alice_public), case["alice_public"]);
            assert_eq!(hex::encode(bob_public), case["bob_public"]);
            assert_eq!(
                hex::encode(alice.diffie_hellman(&bob_public)),
                case["shared"]
            );
            assert_eq!(
                hex::encode(bob.diffie_hellman(&alice_public)),
                case["shared"]
            );
        } else if let Some(iterations) = case.get("iterations") {
            let (mut k, mut u) = (h("k"), h("u"));
            for _ in 0..iterations.parse::<u32>().unwrap() {
                (k, u) = (x25519(k, u), k);
            }
            assert_eq!(
                hex::encode(k),
                case["output"],
                "after {iterations} iterations"
            );
        } else {
            assert_eq!(hex::encode(x25519(h("scalar"), h("u"))), case["output"]);
        }
    }
    assert!(!cases.is_empty(), "no X25519 cases");
}

/// RFC 8439 §2.8.2 and Appendix A.5: seal, open, and reject a flipped tag bit.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rfc8439_chacha20poly1305() {
    let cases = cases("rfc8439-chacha20poly1305.txt");
    for case in &cases {
        let h = |name: &str| hex::decode(&case[name]).unwrap();
        let cipher = ChaCha20Poly1305::new_from_slice(&h("key")).unwrap();
        let nonce = h("nonce");
        let nonce = Nonce::from_slice(&nonce);
        let (aad, plaintext) = (h("aad"), h("plaintext"));
        let sealed = [h("ciphertext"), h("tag")].concat();

        let msg = Payload {
            msg: &plaintext,
            aad: &aad,
        };
        let expected = format!("{}{}", case["ciphertext"], case["tag"]);
        assert_eq!(hex::encode(cipher.encrypt(nonce, msg).unwrap()), expected);
        let msg = Payload {
            msg: &sealed,
            aad: &aad,
        };
        assert_eq!(
            hex::encode(cipher.decrypt(nonce, msg).unwrap()),
            case["plaintext"]
        );

        let mut forged = sealed.clone();
        *forged.last_mut().unwrap() ^= 0x01;
        let msg = Payload {
            msg: &forged,
            aad: &aad,
        };
        assert!(
            cipher.decrypt(nonce, msg).is_err(),
            "a flipped tag bit was accepted"
        );
    }
    assert!(!cases.is_empty(), "no ChaCha20-Poly1305 cases");
}

/// Wycheproof's ChaCha20-Poly1305 vectors (`chacha20_poly1305_test.json`, as shipped by the
/// `wycheproof` crate 0.6): every valid case seals and opens to the published bytes, every
/// invalid one (forged tags, edge-case Poly1305 values) fails to open. Cases with a nonce other
/// than 96 bits are invalid by construction: RFC 8439's AEAD takes only 96-bit nonces.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn wycheproof_chacha20poly1305() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("vectors/kat/wycheproof-chacha20poly1305.json")).unwrap();
    let h = |v: &serde_json::Value| hex::decode(v.as_str().unwrap()).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in file["testGroups"].as_array().unwrap() {
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let expect_valid = case["result"] == "valid";
            let (key, iv, aad, msg) = (
                h(&case["key"]),
                h(&case["iv"]),
                h(&case["aad"]),
                h(&case["msg"]),
            );
            let sealed = [h(&case["ct"]), h(&case["tag"])].concat();
            if iv.len() != 12 {
                assert!(!expect_valid, "case {id}: a non-96-bit nonce marked valid");
                invalid += 1;
                continue;
            }
            let cipher = ChaCha20Poly1305::new_from_slice(&key).unwrap();
            let nonce = Nonce::from_slice(&iv);
            let opened = cipher.decrypt(
                nonce,
                Payload {
                    msg: &sealed,
                    aad: &aad,
                },
            );
            if expect_valid {
                assert_eq!(opened.as_deref(), Ok(msg.as_slice()), "case {id}: open");
                let again = cipher
                    .encrypt(
                        nonce,
                        Payload {
                            msg: &msg,
                            aad: &aad,
                        },
                    )
                    .unwrap();
                assert_eq!(again, sealed, "case {id}: seal");
                valid += 1;
            } else {
                assert!(opened.is_err(), "case {id}: an invalid case opened");
                invalid += 1;
            }
        }
    }
    assert_eq!(
        valid + invalid,
        file["numberOfTests"].as_u64().unwrap() as usize
    );
    assert!(
        valid > 200 && invalid > 50,
        "{valid} valid, {invalid} invalid"
    );
}

/// RFC 8032 §7.1: key derivation and deterministic signing give the published values,
/// `verify_strict` accepts them and rejects a changed message.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rfc8032_ed25519() {
    let cases = cases("rfc8032-ed25519.txt");
    for case in &cases {
        let h = |name: &str| hex::decode(&case[name]).unwrap();
        let (public_key, message, signature) = (h("public_key"), h("message"), h("signature"));
        let signing = SigningKey::from_bytes(&h("secret_key").try_into().unwrap());
        assert_eq!(hex::encode(signing.verifying_key()), case["public_key"]);
        assert_eq!(
            hex::encode(signing.sign(&message).to_bytes()),
            case["signature"]
        );

        let verifying = VerifyingKey::from_bytes(&public_key.try_into().unwrap()).unwrap();
        let signature = Signature::from_slice(&signature).unwrap();
        verifying.verify_strict(&message, &signature).unwrap();

        // Flip the first bit of the message; TEST 1's message is empty, so grow it instead.
        let mut changed = message;
        match changed.first_mut() {
            Some(byte) => *byte ^= 0x01,
            None => changed.push(0x00),
        }
        assert!(verifying.verify_strict(&changed, &signature).is_err());
    }
    assert!(!cases.is_empty(), "no Ed25519 cases");
}

/// RFC 9106 §5.3: Argon2id with a secret and associated data.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rfc9106_argon2id() {
    let cases = cases("rfc9106-argon2id.txt");
    for case in &cases {
        let h = |name: &str| hex::decode(&case[name]).unwrap();
        let n = |name: &str| case[name].parse::<u32>().unwrap();
        let tag_length = usize::try_from(n("tag_length")).unwrap();
        let params: Params = ParamsBuilder::new()
            .m_cost(n("m_cost"))
            .t_cost(n("t_cost"))
            .p_cost(n("p_cost"))
            .output_len(tag_length)
            .data(AssociatedData::new(&h("associated_data")).unwrap())
            .build()
            .unwrap();
        let version = Version::try_from(n("version")).unwrap();
        let secret = h("secret");
        let argon2 =
            Argon2::new_with_secret(&secret, Algorithm::Argon2id, version, params).unwrap();

        let mut tag = vec![0; tag_length];
        argon2
            .hash_password_into(&h("password"), &h("salt"), &mut tag)
            .unwrap();
        assert_eq!(hex::encode(tag), case["tag"]);
    }
    assert!(!cases.is_empty(), "no Argon2id cases");
}
