//! Keys kept in a file of the data folder, for development installs that
//! configure none: read, or made once and written private.

use std::io::Write;
use std::path::Path;

/// The text of the key file at `path`, made with `make` on first use:
/// created new and readable by its owner only, so two processes starting
/// at once never both write it (the second reads the first's). The flag
/// says whether it was made now.
pub fn read_or_make(
    path: &Path,
    make: impl Fn() -> Result<String, String>,
) -> Result<(String, bool), String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text, false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let text = make()?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            match write_private(path, &text) {
                Ok(()) => Ok((text, true)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::read_to_string(path)
                        .map(|text| (text, false))
                        .map_err(|e| format!("{}: {e}", path.display()))
                }
                Err(e) => Err(format!("{}: {e}", path.display())),
            }
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_private_and_then_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("k.key");
        let (first, made) = read_or_make(&path, || Ok("one".into())).unwrap();
        assert_eq!((first.as_str(), made), ("one", true));
        let (again, made) = read_or_make(&path, || Ok("two".into())).unwrap();
        assert_eq!((again.as_str(), made), ("one", false));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
