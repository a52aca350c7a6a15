//! How soon jemalloc gives freed pages back to the system (its dirty-page
//! decay, 1 s as [`crate::use_jemalloc`] sets it). Loading a lake frees
//! about as much as it keeps (buffers grown while columns are decoded,
//! references replaced by tokens), and with that decay those pages stayed
//! resident: the read was the run's peak (scale 10: 2.8–2.9 GB, the models
//! 2.4–2.5 GB). A run over a lake therefore loads it with no decay (peak
//! 2.2 GB, the read ≈ 0.2 s slower), see [`NoDecay`]. Normalizing exports
//! allocates all along: with no decay its read took 1.7× as long, so it
//! keeps the decay, but for putting large exports' frames together
//! ([`GATHER_WITHOUT_DECAY`]).

/// Normalized exports whose frames hold at least this many bytes are put
/// together ([`xuncha_ingest::FilesRead::gather`]) with no decay. Making
/// each column one chunk copies it, and with the decay the chunks it
/// replaced stayed resident: messy scale 5 (960 MB of data) peaked at
/// 2.6 GB as the read ended, 1.9–2.0 GB without. Giving the pages back
/// costs ≈ 0.1 s, more than it is worth for a small county (scale 1:
/// 190 MB, 1.3 s read).
pub const GATHER_WITHOUT_DECAY: usize = 512 << 20;

/// While alive, jemalloc gives every freed page back at once; dropping it
/// sets back the decay it found. Does nothing to a binary built without
/// jemalloc.
pub struct NoDecay {
    before: Option<isize>,
}

impl NoDecay {
    pub fn start() -> Self {
        let before = jemalloc::dirty_decay();
        if before.is_some() {
            jemalloc::set_dirty_decay(0);
        }
        Self { before }
    }
}

impl Drop for NoDecay {
    fn drop(&mut self) {
        if let Some(ms) = self.before {
            jemalloc::set_dirty_decay(ms);
        }
    }
}

#[cfg(all(unix, not(target_os = "emscripten")))]
mod jemalloc {
    use std::ffi::{c_void, CStr, CString};
    use std::ptr::null_mut;

    /// The decay of arenas created from now on, in ms; `None` when
    /// jemalloc is not in use.
    pub fn dirty_decay() -> Option<isize> {
        read(c"arenas.dirty_decay_ms")
    }

    /// Set the decay of every arena and of those created later.
    pub fn set_dirty_decay(ms: isize) {
        write(c"arenas.dirty_decay_ms", ms);
        for i in 0..read::<u32>(c"arenas.narenas").unwrap_or(0) {
            if let Ok(name) = CString::new(format!("arena.{i}.dirty_decay_ms")) {
                write(&name, ms);
            }
        }
    }

    /// Set a control; one jemalloc refuses (an arena not yet created) is
    /// left as it is.
    fn write<T>(name: &CStr, mut value: T) {
        // SAFETY: `name` is NUL-terminated and `value` a live `T` of the
        // size given; jemalloc refuses a size that is not the control's.
        unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                null_mut(),
                null_mut(),
                (&mut value as *mut T).cast::<c_void>(),
                std::mem::size_of::<T>(),
            );
        }
    }

    fn read<T: Default>(name: &CStr) -> Option<T> {
        let (mut value, mut len) = (T::default(), std::mem::size_of::<T>());
        // SAFETY: as in `write`; `value` and `len` outlive the call.
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                (&mut value as *mut T).cast::<c_void>(),
                &mut len,
                null_mut(),
                0,
            )
        };
        (status == 0 && len == std::mem::size_of::<T>()).then_some(value)
    }
}

#[cfg(not(all(unix, not(target_os = "emscripten"))))]
mod jemalloc {
    pub fn dirty_decay() -> Option<isize> {
        None
    }

    pub fn set_dirty_decay(_: isize) {}
}

#[cfg(all(test, unix, not(target_os = "emscripten")))]
mod tests {
    use super::*;

    #[test]
    fn no_decay_while_alive_then_the_decay_it_found() {
        let before = jemalloc::dirty_decay();
        assert!(before.is_some(), "jemalloc's controls answer");
        {
            let _no_decay = NoDecay::start();
            assert_eq!(jemalloc::dirty_decay(), Some(0));
        }
        assert_eq!(jemalloc::dirty_decay(), before);
    }
}
