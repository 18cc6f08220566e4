//! [`lower_mins`](super::lower_mins) four permutations at a time with AVX2: the same
//! SplitMix64 arithmetic on 64-bit lanes (each 64-bit product built from three 32-bit ones,
//! as AVX2 has no 64-bit multiply), so the minima are exactly the scalar ones.

use std::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_extract_epi64, _mm256_min_epu32, _mm256_mul_epu32,
    _mm256_set_epi64x, _mm256_set1_epi64x, _mm256_slli_epi64, _mm256_srli_epi64, _mm256_xor_si256,
};

use super::{PERMUTATIONS, SALTS};

/// Permutations per vector.
const LANES: usize = 4;

/// The low 64 bits of `a * c` in each lane, `c` given as its low and high 32 bits.
#[target_feature(enable = "avx2")]
fn mul(a: __m256i, c_lo: __m256i, c_hi: __m256i) -> __m256i {
    let low = _mm256_mul_epu32(a, c_lo);
    let cross = _mm256_add_epi64(
        _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), c_lo),
        _mm256_mul_epu32(a, c_hi),
    );
    _mm256_add_epi64(low, _mm256_slli_epi64::<32>(cross))
}

/// A 64-bit constant in every lane, as (low 32 bits, high 32 bits).
#[target_feature(enable = "avx2")]
fn halves(c: u64) -> (__m256i, __m256i) {
    (
        _mm256_set1_epi64x((c & 0xffff_ffff) as i64),
        _mm256_set1_epi64x((c >> 32) as i64),
    )
}

/// Lowers each of `mins` to the least top half of `mix(shingle ^ salt)` over `shingles`.
#[target_feature(enable = "avx2")]
pub(super) fn lower_mins(mins: &mut [u32; PERMUTATIONS], shingles: &[u64]) {
    let salts: [__m256i; PERMUTATIONS / LANES] = std::array::from_fn(|v| {
        let s = |i: usize| SALTS[v * LANES + i] as i64;
        _mm256_set_epi64x(s(3), s(2), s(1), s(0))
    });
    // Each lane holds a minimum in its low 32 bits and zero above, so the unsigned 32-bit
    // minimum of two vectors is the minimum of each lane.
    let mut acc: [__m256i; PERMUTATIONS / LANES] = std::array::from_fn(|v| {
        let m = |i: usize| i64::from(mins[v * LANES + i]);
        _mm256_set_epi64x(m(3), m(2), m(1), m(0))
    });
    let (c1_lo, c1_hi) = halves(0xbf58_476d_1ce4_e5b9);
    let (c2_lo, c2_hi) = halves(0x94d0_49bb_1331_11eb);
    for &s in shingles {
        let s = _mm256_set1_epi64x(s as i64);
        for (a, salt) in acc.iter_mut().zip(&salts) {
            let z = _mm256_xor_si256(s, *salt);
            let z = mul(
                _mm256_xor_si256(z, _mm256_srli_epi64::<30>(z)),
                c1_lo,
                c1_hi,
            );
            let z = mul(
                _mm256_xor_si256(z, _mm256_srli_epi64::<27>(z)),
                c2_lo,
                c2_hi,
            );
            // The top half of z ^ (z >> 31) is (z >> 32) ^ (z >> 63).
            let top = _mm256_xor_si256(_mm256_srli_epi64::<32>(z), _mm256_srli_epi64::<63>(z));
            *a = _mm256_min_epu32(*a, top);
        }
    }
    for (chunk, a) in mins.chunks_exact_mut(LANES).zip(&acc) {
        let lanes = [
            _mm256_extract_epi64::<0>(*a),
            _mm256_extract_epi64::<1>(*a),
            _mm256_extract_epi64::<2>(*a),
            _mm256_extract_epi64::<3>(*a),
        ];
        for (slot, lane) in chunk.iter_mut().zip(lanes) {
            *slot = lane as u32;
        }
    }
}
