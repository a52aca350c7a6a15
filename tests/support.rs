//! What the test targets of this package share.

use std::path::PathBuf;

/// The shipped model library, found through this package's folder as cargo
/// gives it to the running test, so that a test binary reused from a build
/// in a clone at another path (a shared target folder) reads this clone's
/// models; the build-time folder otherwise.
pub fn models_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../models")
}
