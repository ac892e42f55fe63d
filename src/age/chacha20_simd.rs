//! ChaCha20 (RFC 8439 §2.3–2.4) computing four blocks per pass in wasm simd128 lanes, for the
//! STREAM payload (SPEC §2.3). Only built with the `simd` feature for wasm32 with `+simd128`;
//! the known-answer suites (RFC 8439, Wycheproof) run against it in that build.
//!
//! The layout is "vertical": each of the 16 state words is one `v128` holding that word for
//! four consecutive block counters, so a quarter round is twelve vector operations for four
//! blocks. Rotations by 16 and 8 are byte shuffles; by 12 and 7, two shifts and an or.

use core::arch::wasm32::{
    i32x4_shuffle, i8x16_shuffle, u32x4, u32x4_add, u32x4_shl, u32x4_shr, u32x4_splat,
    u64x2_extract_lane, v128, v128_or, v128_xor,
};

use chacha20poly1305::aead::generic_array::GenericArray;
use cipher::consts::{U12, U32, U4, U64};
use cipher::{
    Block, BlockSizeUser, IvSizeUser, KeyIvInit, KeySizeUser, ParBlocks, ParBlocksSizeUser,
    StreamBackend, StreamCipherCore, StreamCipherCoreWrapper, StreamCipherSeekCore, StreamClosure,
};
use zeroize::Zeroize;

/// "expand 32-byte k".
const CONSTANTS: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// ChaCha20 with a 96-bit nonce and a 32-bit block counter, as a `cipher` stream cipher.
pub type ChaCha20 = StreamCipherCoreWrapper<ChaCha20Core>;

/// The ChaCha20 state: constants, key, counter (word 12) and nonce. Wiped on drop.
pub struct ChaCha20Core {
    state: [u32; 16],
}

impl Drop for ChaCha20Core {
    fn drop(&mut self) {
        self.state.zeroize();
    }
}

impl KeySizeUser for ChaCha20Core {
    type KeySize = U32;
}

impl IvSizeUser for ChaCha20Core {
    type IvSize = U12;
}

impl BlockSizeUser for ChaCha20Core {
    type BlockSize = U64;
}

/// Little-endian words from bytes (RFC 8439 §2.3).
fn words<const N: usize>(bytes: &[u8]) -> [u32; N] {
    let mut out = [0u32; N];
    for (word, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *word = u32::from_le_bytes(chunk.try_into().unwrap_or_default());
    }
    out
}

impl KeyIvInit for ChaCha20Core {
    fn new(key: &GenericArray<u8, U32>, iv: &GenericArray<u8, U12>) -> Self {
        let [k0, k1, k2, k3, k4, k5, k6, k7] = words::<8>(key);
        let [n0, n1, n2] = words::<3>(iv);
        let [c0, c1, c2, c3] = CONSTANTS;
        ChaCha20Core {
            state: [
                c0, c1, c2, c3, k0, k1, k2, k3, k4, k5, k6, k7, 0, n0, n1, n2,
            ],
        }
    }
}

impl StreamCipherCore for ChaCha20Core {
    fn remaining_blocks(&self) -> Option<usize> {
        (u32::MAX - self.state[12]).try_into().ok()
    }

    fn process_with_backend(&mut self, f: impl StreamClosure<BlockSize = Self::BlockSize>) {
        f.call(&mut Backend(self));
    }
}

impl StreamCipherSeekCore for ChaCha20Core {
    type Counter = u32;

    fn get_block_pos(&self) -> u32 {
        self.state[12]
    }

    fn set_block_pos(&mut self, pos: u32) {
        self.state[12] = pos;
    }
}

struct Backend<'a>(&'a mut ChaCha20Core);

impl BlockSizeUser for Backend<'_> {
    type BlockSize = U64;
}

impl ParBlocksSizeUser for Backend<'_> {
    type ParBlocksSize = U4;
}

impl StreamBackend for Backend<'_> {
    fn gen_ks_block(&mut self, block: &mut Block<Self>) {
        // Single blocks are rare (the Poly1305 key, a tail): compute four, keep the first.
        let mut blocks = ParBlocks::<Self>::default();
        four_blocks(&self.0.state, &mut blocks);
        if let Some(first) = blocks.first() {
            block.copy_from_slice(first);
        }
        self.0.state[12] = self.0.state[12].wrapping_add(1);
    }

    fn gen_par_ks_blocks(&mut self, blocks: &mut ParBlocks<Self>) {
        four_blocks(&self.0.state, blocks);
        self.0.state[12] = self.0.state[12].wrapping_add(4);
    }
}

/// Turns four lane-wise words (word i of blocks 0..3 each) into four runs of words (words
/// i..i+3 of block 0, of block 1, …).
#[inline(always)]
fn transpose(s0: v128, s1: v128, s2: v128, s3: v128) -> [v128; 4] {
    let a = i32x4_shuffle::<0, 4, 1, 5>(s0, s1);
    let b = i32x4_shuffle::<0, 4, 1, 5>(s2, s3);
    let c = i32x4_shuffle::<2, 6, 3, 7>(s0, s1);
    let d = i32x4_shuffle::<2, 6, 3, 7>(s2, s3);
    [
        i32x4_shuffle::<0, 1, 4, 5>(a, b),
        i32x4_shuffle::<2, 3, 6, 7>(a, b),
        i32x4_shuffle::<0, 1, 4, 5>(c, d),
        i32x4_shuffle::<2, 3, 6, 7>(c, d),
    ]
}

fn rotl16(x: v128) -> v128 {
    i8x16_shuffle::<2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13>(x, x)
}

fn rotl8(x: v128) -> v128 {
    i8x16_shuffle::<3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14>(x, x)
}

fn rotl12(x: v128) -> v128 {
    v128_or(u32x4_shl(x, 12), u32x4_shr(x, 20))
}

fn rotl7(x: v128) -> v128 {
    v128_or(u32x4_shl(x, 7), u32x4_shr(x, 25))
}

/// The quarter round (RFC 8439 §2.1) on four lanes at once.
#[inline(always)]
fn quarter(a: v128, b: v128, c: v128, d: v128) -> (v128, v128, v128, v128) {
    let a = u32x4_add(a, b);
    let d = rotl16(v128_xor(d, a));
    let c = u32x4_add(c, d);
    let b = rotl12(v128_xor(b, c));
    let a = u32x4_add(a, b);
    let d = rotl8(v128_xor(d, a));
    let c = u32x4_add(c, d);
    let b = rotl7(v128_xor(b, c));
    (a, b, c, d)
}

/// The keystream blocks for counters `state[12]` to `state[12] + 3` (RFC 8439 §2.3).
#[inline(always)]
fn four_blocks(state: &[u32; 16], blocks: &mut ParBlocks<Backend<'_>>) {
    let counter = state[12];
    let counters = u32x4(
        counter,
        counter.wrapping_add(1),
        counter.wrapping_add(2),
        counter.wrapping_add(3),
    );
    let start: [v128; 16] = core::array::from_fn(|i| match i {
        12 => counters,
        _ => u32x4_splat(state.get(i).copied().unwrap_or_default()),
    });
    let [mut x0, mut x1, mut x2, mut x3, mut x4, mut x5, mut x6, mut x7, mut x8, mut x9, mut x10, mut x11, mut x12, mut x13, mut x14, mut x15] =
        start;
    for _ in 0..10 {
        // Column rounds, then diagonal rounds.
        (x0, x4, x8, x12) = quarter(x0, x4, x8, x12);
        (x1, x5, x9, x13) = quarter(x1, x5, x9, x13);
        (x2, x6, x10, x14) = quarter(x2, x6, x10, x14);
        (x3, x7, x11, x15) = quarter(x3, x7, x11, x15);
        (x0, x5, x10, x15) = quarter(x0, x5, x10, x15);
        (x1, x6, x11, x12) = quarter(x1, x6, x11, x12);
        (x2, x7, x8, x13) = quarter(x2, x7, x8, x13);
        (x3, x4, x9, x14) = quarter(x3, x4, x9, x14);
    }
    let mixed = [
        x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15,
    ];
    let sum: [v128; 16] = core::array::from_fn(|i| match (mixed.get(i), start.get(i)) {
        (Some(m), Some(s)) => u32x4_add(*m, *s),
        _ => u32x4_splat(0),
    });
    let [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15] = sum;
    let groups = [
        transpose(s0, s1, s2, s3),
        transpose(s4, s5, s6, s7),
        transpose(s8, s9, s10, s11),
        transpose(s12, s13, s14, s15),
    ];
    for (group, runs) in groups.iter().enumerate() {
        for (block, run) in blocks.iter_mut().zip(runs) {
            let halves = [u64x2_extract_lane::<0>(*run), u64x2_extract_lane::<1>(*run)];
            if let Some(bytes) = block.get_mut(16 * group..16 * group + 16) {
                for (dst, half) in bytes.chunks_exact_mut(8).zip(halves) {
                    dst.copy_from_slice(&half.to_le_bytes());
                }
            }
        }
    }
}
