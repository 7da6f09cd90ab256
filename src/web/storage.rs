//! `localStorage` as the core's [`Storage`], wrapped because it can be missing, full, or throw
//! (private modes, sandboxed iframes, storage disabled by policy). Reads that fail are absent
//! values; a write that fails is logged here, once, and returned to the caller, who goes on in
//! memory for this page. Keys and stored shapes are the core's ([`crate::base::storage`]).

use crate::base::storage::{Storage, StorageError};
use crate::web::dom::{warn, window};

/// The page's `localStorage`.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserStorage;

fn local_storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

/// Logs a failed write; the one place that does.
fn reported(key: &str) -> StorageError {
    let error = StorageError::new(key);
    warn(&error.describe());
    error
}

impl Storage for BrowserStorage {
    fn get(&self, key: &str) -> Option<String> {
        local_storage()?.get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        match local_storage().map(|s| s.set_item(key, value)) {
            Some(Ok(())) => Ok(()),
            _ => Err(reported(key)),
        }
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        match local_storage().map(|s| s.remove_item(key)) {
            // Nothing stored can be left behind when there is no storage.
            None | Some(Ok(())) => Ok(()),
            Some(Err(_)) => Err(reported(key)),
        }
    }
}
