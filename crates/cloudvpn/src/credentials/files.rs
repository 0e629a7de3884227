//! Reading credentials files and naming them in messages.

use std::io::Read;
use std::path::{Component, Path};

/// Credentials files are a few hundred bytes. The cap keeps a variable that points at a device or a huge
/// file from hanging or exhausting memory.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// What reading a credentials file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileText {
    /// The file does not exist: the source is absent.
    Missing,
    /// The contents.
    Text(String),
    /// The file exists but could not be read; the reason holds no file contents.
    Unreadable(String),
}

/// Reads a credentials file as UTF-8.
pub(crate) fn read_text(path: &Path) -> FileText {
    use std::io::ErrorKind;
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        // A component of the path that is a file rather than a directory means the file cannot exist either.
        Err(err) if matches!(err.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return FileText::Missing;
        }
        Err(err) => return FileText::Unreadable(format!("cannot open: {}", err.kind())),
    };
    let mut bytes = Vec::new();
    if let Err(err) = file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        return FileText::Unreadable(match err.kind() {
            ErrorKind::IsADirectory => "is a directory".to_owned(),
            kind => format!("cannot read: {kind}"),
        });
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return FileText::Unreadable("larger than 1 MiB; not a credentials file".to_owned());
    }
    match String::from_utf8(bytes) {
        Ok(text) => FileText::Text(text),
        Err(_) => FileText::Unreadable("not valid UTF-8".to_owned()),
    }
}

/// `path` for messages: under the home directory it is written `~/…` with `/` separators, so messages (and
/// tests) look the same on every machine and do not spell out the user's home.
pub(crate) fn display_path(path: &Path, home: Option<&Path>) -> String {
    if let Some(rest) = home.and_then(|home| path.strip_prefix(home).ok()) {
        let parts: Vec<String> = rest
            .components()
            .filter_map(|component| match component {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        if parts.is_empty() {
            return "~".to_owned();
        }
        return format!("~/{}", parts.join("/"));
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_uses_tilde_under_home() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        let inside = home.join(".aliyun").join("config.json");
        assert_eq!(display_path(&inside, Some(home)), "~/.aliyun/config.json");
        assert_eq!(display_path(home, Some(home)), "~");
        let outside = Path::new("relative").join("creds");
        assert_eq!(
            display_path(&outside, Some(home)),
            outside.display().to_string()
        );
        assert_eq!(display_path(&inside, None), inside.display().to_string());
    }

    #[test]
    fn read_text_distinguishes_missing_unreadable_and_text() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_text(&dir.path().join("nope")), FileText::Missing);
        let file = dir.path().join("f");
        std::fs::write(&file, "hello").unwrap();
        assert_eq!(read_text(&file), FileText::Text("hello".into()));
        // A path through a regular file cannot exist.
        assert_eq!(read_text(&file.join("below")), FileText::Missing);
        std::fs::write(&file, [0xff, 0xfe, 0x00]).unwrap();
        assert_eq!(
            read_text(&file),
            FileText::Unreadable("not valid UTF-8".into())
        );
        assert!(matches!(read_text(dir.path()), FileText::Unreadable(_)));
        std::fs::write(&file, vec![b'a'; MAX_FILE_BYTES as usize + 1]).unwrap();
        assert!(matches!(read_text(&file), FileText::Unreadable(r) if r.contains("1 MiB")));
    }
}
