//! The collections the state is made of: persistent ordered maps and sets.
//!
//! A state made by [`State::apply`](crate::State::apply) shares every part
//! it did not change with the state it came from, so keeping the old state
//! costs the paths a command changed (a few nodes of a few maps), not a copy
//! of the fleet. Maps and sets are B-trees with shared nodes (`imbl`);
//! changing one that is not shared changes it in place, so
//! [`State::apply_mut`](crate::State::apply_mut) copies nothing.
//!
//! Iteration is in key order, as with the standard library's B-trees, so
//! every result stays deterministic.

use std::fmt;
use std::sync::Arc;

/// A persistent ordered set.
pub(crate) type Set<T> = imbl::OrdSet<T>;

/// A persistent ordered map, for values that are cheap to clone (ids,
/// counts, instants, and the persistent sets of the indexes).
pub(crate) type Map<K, V> = imbl::OrdMap<K, V>;

/// The objects of one kind by id: a persistent ordered map whose objects are
/// shared too, so that copying a node of the map copies reference counts,
/// not objects, and changing an object of a shared table copies that one
/// object.
#[derive(Clone)]
pub(crate) struct Table<K, V>(imbl::OrdMap<K, Arc<V>>);

impl<K: Ord + Clone, V: Clone + PartialEq> PartialEq for Table<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K: Ord + Clone, V: Clone + Eq> Eq for Table<K, V> {}

impl<K: Ord + Clone, V: Clone> Table<K, V> {
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.0.get(key).map(Arc::as_ref)
    }

    /// The object, copied first if another state shares it.
    pub(crate) fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.0.get_mut(key).map(Arc::make_mut)
    }

    pub(crate) fn contains_key(&self, key: &K) -> bool {
        self.0.contains_key(key)
    }

    /// Inserts an object; returns whether one was already there.
    pub(crate) fn insert(&mut self, key: K, value: V) -> bool {
        self.0.insert(key, Arc::new(value)).is_some()
    }

    /// Removes an object and returns it, still shared with any state that
    /// holds it rather than copied.
    pub(crate) fn remove(&mut self, key: &K) -> Option<Arc<V>> {
        self.0.remove(key)
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.0.values().map(Arc::as_ref)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(key, value)| (key, value.as_ref()))
    }

    /// The objects, in key order, each copied only if another state shares
    /// it.
    pub(crate) fn into_values(self) -> impl Iterator<Item = V> {
        self.0
            .into_iter()
            .map(|(_, value)| Arc::unwrap_or_clone(value))
    }
}

impl<K: Ord + Clone, V: Clone> Default for Table<K, V> {
    fn default() -> Self {
        Self(imbl::OrdMap::new())
    }
}

impl<K: Ord + Clone, V: Clone> FromIterator<(K, V)> for Table<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        Self(
            entries
                .into_iter()
                .map(|(key, value)| (key, Arc::new(value)))
                .collect(),
        )
    }
}

impl<K: Ord + Clone + fmt::Debug, V: Clone + fmt::Debug> fmt::Debug for Table<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
