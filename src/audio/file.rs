//! Opening audio files: regular files only, every other kind refused before `open`.
//!
//! Opening a named pipe for reading blocks until a writer appears, and a
//! character device such as `/dev/zero` reads forever: either would hang
//! `load`, `stream`, `get_duration` or a whole batch (Ctrl-C cannot interrupt
//! a blocking `open`). Every path the audio core reads goes through [`open`],
//! which `stat`s the path first and refuses what is not a regular file with
//! [`Error::NotAFile`]. The file is then opened without blocking (a path
//! swapped for a pipe in between cannot hang it either) and checked again.

use std::fs::{File, FileType};
use std::path::Path;

use crate::error::{Error, Result};

/// What kind of file system object `kind` is, as error messages name it.
fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_char_device() {
            return "character device";
        }
        if kind.is_block_device() {
            return "block device";
        }
    }
    if kind.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

/// Refuses `path` when it names a directory, a named pipe, a socket or a
/// device (symbolic links followed) with [`Error::NotAFile`], without opening
/// it. A path that cannot be examined (missing, no permission) passes: opening
/// it reports that with its own error.
pub fn refuse_special(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(Error::NotAFile {
            path: path.to_path_buf(),
            kind: describe(meta.file_type()),
        }),
        _ => Ok(()),
    }
}

/// Opens `path` for reading after [`refuse_special`] accepts it:
/// [`Error::FileNotFound`] when nothing is there, [`Error::Io`] when it cannot
/// be opened (permissions). On Unix the file is
/// opened with `O_NONBLOCK` (which regular files ignore) and its type checked
/// again on the open descriptor, so a path replaced by a pipe after the check
/// is refused too instead of blocking.
pub fn open(path: &Path) -> Result<File> {
    refuse_special(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => Error::FileNotFound {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    };
    let file = options.open(path).map_err(io)?;
    let kind = file.metadata().map_err(io)?.file_type();
    if kind.is_file() {
        Ok(file)
    } else {
        Err(Error::NotAFile {
            path: path.to_path_buf(),
            kind: describe(kind),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_open_and_everything_else_is_refused_by_kind() {
        let dir = crate::testing::scratch_dir("file").unwrap();
        let regular = dir.join("a.wav");
        std::fs::write(&regular, b"RIFF").unwrap();
        assert!(open(&regular).is_ok());
        let refused = |path: &Path| match open(path) {
            Err(Error::NotAFile { kind, .. }) => kind,
            other => panic!("{path:?}: {other:?}"),
        };
        assert_eq!(refused(&dir), "directory");
        #[cfg(unix)]
        {
            assert_eq!(refused(Path::new("/dev/zero")), "character device");
            let fifo = dir.join("pipe.wav");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(made.unwrap().success());
            assert_eq!(refused(&fifo), "named pipe (FIFO)");
            let socket = dir.join("sock.wav");
            let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
            assert_eq!(refused(&socket), "socket");
        }
        assert!(matches!(
            open(&dir.join("missing.wav")),
            Err(Error::FileNotFound { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
