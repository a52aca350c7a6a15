//! Exit codes of every command, documented once (the README lists them).

/// How a command ends, as the process exit code a scheduler sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Ok = 0,
    /// 1: could not run (bad arguments, configuration, data folder, store).
    Failed = 1,
    /// 2: the batch finished and all outputs were written, but a model failed.
    ModelFailed = 2,
    /// 3: `xuncha eval`: a model fell below `--min-recall` / `--min-precision`.
    BelowThreshold = 3,
    /// 4: `xuncha triage`: unknown ids or statuses, nothing was recorded.
    TriageRefused = 4,
    /// 10: `xuncha nightly`: another nightly run holds the lock.
    Locked = 10,
    /// 11: `xuncha nightly`: a required dataset is missing.
    RequiredMissing = 11,
    /// 12: another run is writing into the same output folder.
    OutBusy = 12,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A failure that ends a command, with the exit code to return.
#[derive(Debug)]
pub struct Failure {
    pub code: Exit,
    pub message: String,
}

impl Failure {
    /// A failure with a given exit code.
    pub fn new(code: Exit, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::new(Exit::Failed, e.to_string())
    }
}
