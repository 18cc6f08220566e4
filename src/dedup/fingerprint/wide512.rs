//! [`lower_mins`](super::lower_mins) eight permutations at a time with AVX-512: the same
//! SplitMix64 arithmetic as the scalar code, each 64-bit product one instruction
//! (AVX-512DQ's `vpmullq`), where AVX2 builds it from three 32-bit ones; the minima are
//! exactly the scalar ones.

use std::arch::x86_64::{
    __m512i, _mm256_extract_epi64, _mm512_extracti64x4_epi64, _mm512_min_epu32, _mm512_mullo_epi64,
    _mm512_set_epi64, _mm512_set1_epi64, _mm512_srli_epi64, _mm512_xor_si512,
};

use super::{PERMUTATIONS, SALTS};

/// Permutations per vector.
const LANES: usize = 8;

/// Eight consecutive values of `values` from `at`, as 64-bit lanes (lane 0 first).
#[target_feature(enable = "avx512f")]
fn lanes(values: impl Fn(usize) -> i64, at: usize) -> __m512i {
    let v = |i: usize| values(at + i);
    _mm512_set_epi64(v(7), v(6), v(5), v(4), v(3), v(2), v(1), v(0))
}

/// Lowers each of `mins` to the least top half of `mix(shingle ^ salt)` over `shingles`.
#[target_feature(enable = "avx512f,avx512dq,avx2")]
pub(super) fn lower_mins(mins: &mut [u32; PERMUTATIONS], shingles: &[u64]) {
    let salts: [__m512i; PERMUTATIONS / LANES] =
        std::array::from_fn(|v| lanes(|i| SALTS[i] as i64, v * LANES));
    // Each lane holds a minimum in its low 32 bits and zero above, so the unsigned 32-bit
    // minimum of two vectors is the minimum of each lane.
    let mut acc: [__m512i; PERMUTATIONS / LANES] =
        std::array::from_fn(|v| lanes(|i| i64::from(mins[i]), v * LANES));
    let c1 = _mm512_set1_epi64(0xbf58_476d_1ce4_e5b9_u64 as i64);
    let c2 = _mm512_set1_epi64(0x94d0_49bb_1331_11eb_u64 as i64);
    for &s in shingles {
        let s = _mm512_set1_epi64(s as i64);
        for (a, salt) in acc.iter_mut().zip(&salts) {
            let z = _mm512_xor_si512(s, *salt);
            let z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64::<30>(z)), c1);
            let z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64::<27>(z)), c2);
            // The top half of z ^ (z >> 31) is (z >> 32) ^ (z >> 63).
            let top = _mm512_xor_si512(_mm512_srli_epi64::<32>(z), _mm512_srli_epi64::<63>(z));
            *a = _mm512_min_epu32(*a, top);
        }
    }
    for (chunk, a) in mins.chunks_exact_mut(LANES).zip(&acc) {
        let (low, high) = (
            _mm512_extracti64x4_epi64::<0>(*a),
            _mm512_extracti64x4_epi64::<1>(*a),
        );
        let lanes = [
            _mm256_extract_epi64::<0>(low),
            _mm256_extract_epi64::<1>(low),
            _mm256_extract_epi64::<2>(low),
            _mm256_extract_epi64::<3>(low),
            _mm256_extract_epi64::<0>(high),
            _mm256_extract_epi64::<1>(high),
            _mm256_extract_epi64::<2>(high),
            _mm256_extract_epi64::<3>(high),
        ];
        for (slot, lane) in chunk.iter_mut().zip(lanes) {
            *slot = lane as u32;
        }
    }
}
