//! Lock files: one process at a time per store or output folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::exit::{Exit, Failure};

/// The lock file; removed when dropped.
pub struct Lock(PathBuf);

impl Lock {
    /// Take the lock, or say who holds it. A lock left by a process that
    /// no longer exists is taken over.
    pub fn acquire(path: PathBuf, code: Exit, holder: &str) -> Result<Lock, Failure> {
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    writeln!(file, "{}", std::process::id())?;
                    return Ok(Lock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = std::fs::read_to_string(&path)
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    let alive = pid.is_empty() || Path::new(&format!("/proc/{pid}")).exists();
                    if alive {
                        return Err(Failure {
                            code,
                            message: format!(
                                "{holder}（进程 {pid}，锁文件 {}），本次不运行",
                                path.display()
                            ),
                        });
                    }
                    std::fs::remove_file(&path)?;
                }
                Err(e) => return Err(Failure::from(format!("{}：{e}", path.display()))),
            }
        }
        Err(Failure {
            code,
            message: format!("无法取得锁 {}", path.display()),
        })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
