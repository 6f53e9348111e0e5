//! Hash maps for the checker's hot lookups (schema properties, mapping keys, model groups):
//! foldhash instead of SipHash, which costs several times more per short string key. Keys come
//! from the user's own config; foldhash's per-process seed still varies the layout.

pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

pub fn map_with_capacity<K, V>(capacity: usize) -> FastMap<K, V> {
    FastMap::with_capacity_and_hasher(capacity, foldhash::fast::RandomState::default())
}

pub fn set_with_capacity<K>(capacity: usize) -> FastSet<K> {
    FastSet::with_capacity_and_hasher(capacity, foldhash::fast::RandomState::default())
}
