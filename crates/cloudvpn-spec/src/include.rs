//! A protocol's errors file, included by the `protocol_errors:` of each `api.yaml` of that protocol.
//!
//! The errors every API of one protocol may answer (authentication, signature, throttling, version) are
//! written once, in `specs/<provider>/_protocols/<protocol>-errors.yaml`; a folder whose name starts with
//! `_` holds such files and is not an API. Each including API checks the file against its own protocol and
//! error style, so a bad include is reported at the `protocol_errors:` line of the `api.yaml` that names it.

use crate::error::SpecError;
use crate::locate::Locator;
use crate::model::{ApiFile, ProtocolErrorsFile};
use std::path::{Component, Path, PathBuf};

/// A loaded, checked protocol errors file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProtocolErrors {
    /// The file, as the loader found it (the API's folder joined with the include).
    #[serde(skip)]
    pub path: PathBuf,
    /// Its contents.
    #[serde(flatten)]
    pub file: ProtocolErrorsFile,
}

impl ProtocolErrors {
    /// The file's name without `-errors.yaml`, as a Rust module: `alibaba_rpc`, `tencent_api3`.
    pub fn module_name(&self) -> String {
        let stem = self
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        stem.trim_end_matches("-errors").replace('-', "_")
    }
}

/// Whether `dir` (a folder under a provider) holds included files rather than an API.
pub(crate) fn is_include_folder(dir: &Path) -> bool {
    dir.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('_'))
}

/// Loads and checks the protocol errors file `api` includes, if any; problems go into `errors`.
pub(crate) fn protocol_errors(
    api_path: &Path,
    api_text: &str,
    api: &ApiFile,
    errors: &mut Vec<SpecError>,
) -> Option<ProtocolErrors> {
    let include = api.protocol_errors.as_deref()?;
    let at = Locator::new(api_text).find("protocol_errors", include, 0);
    let refuse = |message: String| SpecError::new(api_path, at, message);
    let dir = api_path.parent().unwrap_or(Path::new("."));
    let path = normalized(&dir.join(include));
    let stays_in_provider = Path::new(include)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::ParentDir))
        && Path::new(include)
            .components()
            .filter(|c| *c == Component::ParentDir)
            .count()
            == 1;
    let in_include_folder = path.parent().is_some_and(is_include_folder);
    if !stays_in_provider || !in_include_folder || !include.ends_with("-errors.yaml") {
        errors.push(refuse(format!(
            "protocol_errors `{include}` must name a `<protocol>-errors.yaml` file in the provider's `_protocols` \
             folder, relative to this folder: e.g. `../_protocols/alibaba-rpc-errors.yaml`"
        )));
        return None;
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            errors.push(refuse(format!(
                "protocol_errors `{include}` cannot be read ({e}): give the path of an existing file, relative \
                 to this folder"
            )));
            return None;
        }
    };
    let file: ProtocolErrorsFile = match serde_yaml::from_str(&text) {
        Ok(file) => file,
        Err(e) => {
            errors.push(SpecError::from_yaml(&path, &e));
            return None;
        }
    };
    let before = errors.len();
    if file.protocol != api.protocol {
        errors.push(refuse(format!(
            "protocol_errors `{include}` holds the errors of protocol {:?}, but this API speaks {:?}; include \
             the file of its own protocol",
            file.protocol, api.protocol
        )));
    }
    crate::validate::protocol_errors(&path, &text, &file, api.error_status, errors);
    for own in &api.common_errors {
        let spellings = std::iter::once(&own.code).chain(&own.also_spelled);
        for spelling in spellings {
            let shared = file
                .errors
                .iter()
                .any(|e| &e.code == spelling || e.also_spelled.contains(spelling));
            if shared {
                let at = Locator::new(api_text).find("code", &own.code, 0);
                errors.push(SpecError::new(
                    api_path,
                    at,
                    format!(
                        "error `{spelling}` is already one of the protocol's errors ({include}); list it there \
                         once (a reading of this API's that differs goes under that file's `discrepancies`)"
                    ),
                ));
            }
        }
    }
    (errors.len() == before).then_some(ProtocolErrors { path, file })
}

/// `path` with its `..` components resolved by name, so the file is named as it is
/// (`specs/alibaba/_protocols/…`, not `specs/alibaba/vpc-2016-04-28/../_protocols/…`).
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
