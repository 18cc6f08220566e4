//! Hash maps and sets keyed by tree node. The extractor looks nodes up in them for every
//! node of every pass, and a node id is a small integer handed out by the tree, not input
//! an attacker chooses, so a multiply-and-fold hash does instead of SipHash.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::tree::NodeId;

/// A map from tree node to `V`.
pub type NodeMap<V> = HashMap<NodeId, V, BuildHasherDefault<NodeHasher>>;
/// A set of tree nodes.
pub type NodeSet = HashSet<NodeId, BuildHasherDefault<NodeHasher>>;

/// Odd 64-bit constant from the golden ratio (Knuth's multiplicative hashing, TAOCP vol. 3,
/// §6.4).
const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Hashes the integers a [`NodeId`] is made of.
#[derive(Debug, Default, Clone, Copy)]
pub struct NodeHasher(u64);

impl Hasher for NodeHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(MULTIPLIER);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    #[test]
    fn neighbouring_ids_spread_over_buckets() {
        let build = BuildHasherDefault::<NodeHasher>::default();
        let low: HashSet<u64> = (1..=64usize).map(|n| build.hash_one(n) & 63).collect();
        assert!(low.len() > 32, "{} distinct low bit patterns", low.len());
    }
}
