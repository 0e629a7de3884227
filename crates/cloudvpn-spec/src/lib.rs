//! The spec model of cloudvpn.
//!
//! `specs/<provider>/<api>/api.yaml` and `specs/<provider>/<api>/<Action>.yaml` are YAML transcriptions of the
//! providers' API documents (format: `specs/README.md`). [`load`] reads a whole tree, checks it, and returns a
//! [`SpecSet`] that the code generator turns into Rust. Every problem is reported with its file, line and
//! column, and loading carries on after the first so that one run shows them all.

mod error;
mod hint;
mod include;
mod locate;
pub mod model;
mod validate;

use std::path::{Path, PathBuf};

pub use cloudvpn_naming::{pascal_case, snake_case};
pub use error::{SpecError, SpecErrors};
pub use hint::MAX_HINT_CHARS;
pub use include::ProtocolErrors;
pub use model::*;
pub use validate::resolve_path;

/// A loaded, checked spec tree.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpecSet {
    /// The APIs, sorted by folder.
    pub apis: Vec<Api>,
}

/// One API: its shared file and its operations.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Api {
    /// The API's folder, as given to the loader.
    #[serde(skip)]
    pub dir: PathBuf,
    /// `api.yaml`.
    pub file: ApiFile,
    /// The protocol's errors file `api.yaml` includes (`protocol_errors:`), loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol_errors: Option<ProtocolErrors>,
    /// The operations, sorted by action.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Operation {
    /// The spec file.
    #[serde(skip)]
    pub path: PathBuf,
    /// Its contents.
    #[serde(flatten)]
    pub spec: OperationFile,
}

impl Api {
    /// The Rust module the API's types are generated into: `alibaba_vpc`, `tencent_vpc_v2`.
    ///
    /// Date versions (`2016-04-28`) are left out, named versions (`v2`) kept, so the name stays short and
    /// still tells Tencent's v2 API from a later one.
    pub fn module_name(&self) -> String {
        let provider = match self.file.provider {
            Provider::Alibaba => "alibaba",
            Provider::Tencent => "tencent",
        };
        let mut name = format!("{provider}_{}", self.file.service.replace('-', "_"));
        if !self.file.version.starts_with(|c: char| c.is_ascii_digit()) {
            name.push('_');
            name.push_str(&self.file.version.replace(['-', '.'], "_").to_lowercase());
        }
        name
    }

    /// The operation with this action.
    pub fn operation(&self, action: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.spec.action == action)
    }

    /// Every error any operation of the API may answer: its protocol's, then its own common errors.
    pub fn common_errors(&self) -> impl Iterator<Item = &ErrorSpec> {
        let shared = self.protocol_errors.iter().flat_map(|p| &p.file.errors);
        shared.chain(&self.file.common_errors)
    }
}

/// Loads every API folder under `root` (`root/<provider>/<api>/api.yaml`).
pub fn load(root: &Path) -> Result<SpecSet, SpecErrors> {
    let mut apis = Vec::new();
    let mut errors = Vec::new();
    let providers = match sorted_entries(root) {
        Ok(p) => p,
        Err(e) => return Err(SpecErrors(vec![e])),
    };
    for provider_dir in providers.into_iter().filter(|p| p.is_dir()) {
        match sorted_entries(&provider_dir) {
            Ok(dirs) => {
                // `_protocols/` and the like hold files APIs include, not an API.
                let apis_dirs = dirs
                    .into_iter()
                    .filter(|p| p.is_dir() && !include::is_include_folder(p));
                for dir in apis_dirs {
                    match load_api(&dir) {
                        Ok(api) => apis.push(api),
                        Err(SpecErrors(mut es)) => errors.append(&mut es),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if apis.is_empty() && errors.is_empty() {
        errors.push(SpecError::new(
            root,
            (1, 1),
            "no API folder found: expected <provider>/<api>/api.yaml under this directory",
        ));
    }
    if errors.is_empty() {
        check_names(&apis, &mut errors);
    }
    if errors.is_empty() {
        Ok(SpecSet { apis })
    } else {
        Err(SpecErrors(errors))
    }
}

/// Loads one API folder: its `api.yaml` and every other `*.yaml` in it as an operation.
pub fn load_api(dir: &Path) -> Result<Api, SpecErrors> {
    let api_path = dir.join("api.yaml");
    let mut errors = Vec::new();
    let api_text = match read(&api_path) {
        Ok(t) => t,
        Err(e) => return Err(SpecErrors(vec![e])),
    };
    let api_file: Option<ApiFile> = parse(&api_path, &api_text, &mut errors);

    let mut operations = Vec::new();
    let files = sorted_entries(dir).map_err(|e| SpecErrors(vec![e]))?;
    for path in files {
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml || path.file_name().is_some_and(|n| n == "api.yaml") {
            continue;
        }
        match read(&path) {
            Ok(text) => {
                if let Some(spec) = parse::<OperationFile>(&path, &text, &mut errors) {
                    operations.push((path, text, spec));
                }
            }
            Err(e) => errors.push(e),
        }
    }

    let Some(api_file) = api_file else {
        return Err(SpecErrors(errors));
    };
    let protocol_errors = include::protocol_errors(&api_path, &api_text, &api_file, &mut errors);
    validate::api(&api_path, &api_text, &api_file, &operations, &mut errors);
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    let mut operations: Vec<Operation> = operations
        .into_iter()
        .map(|(path, _, spec)| Operation { path, spec })
        .collect();
    operations.sort_by(|a, b| a.spec.action.cmp(&b.spec.action));
    Ok(Api {
        dir: dir.to_path_buf(),
        file: api_file,
        protocol_errors,
        operations,
    })
}

/// Whether the emulator's one front end for `a`'s protocol could not tell an operation of `a` from one
/// of `b`: same protocol, same version (or a protocol whose requests carry none: Tencent v2), same
/// action. The front end routes by version, then action.
fn route_clash<'a>(a: &'a Api, b: &Api) -> Option<&'a str> {
    let versioned = !matches!(a.file.protocol, Protocol::TencentV2);
    if a.file.protocol != b.file.protocol || (versioned && a.file.version != b.file.version) {
        return None;
    }
    a.operations
        .iter()
        .map(|o| o.spec.action.as_str())
        .find(|action| b.operation(action).is_some())
}

/// Names that must be unique across APIs (the generated module, the command group, the client of a
/// provider, an operation's route in the emulator) and well formed.
fn check_names(apis: &[Api], errors: &mut Vec<SpecError>) {
    for (i, api) in apis.iter().enumerate() {
        let file = api.dir.join("api.yaml");
        let earlier = &apis[..i];
        if let Some((other, action)) = earlier
            .iter()
            .find_map(|o| route_clash(api, o).map(|action| (o, action)))
        {
            errors.push(SpecError::new(
                &file,
                (line_of(&file, "version:"), 1),
                format!(
                    "action `{action}` of this API has the protocol and version of {} too, so a request could not \
                     name which one it calls; give the API its own version",
                    other.dir.display()
                ),
            ));
        }
        if let Some(other) = earlier
            .iter()
            .find(|o| o.module_name() == api.module_name())
        {
            errors.push(SpecError::new(
                &file,
                (1, 1),
                format!(
                    "this API would generate module `{}`, which {} already uses; give it a different service or version",
                    api.module_name(),
                    other.dir.display()
                ),
            ));
        }
        if let Some(mine) = &api.protocol_errors {
            let clash = earlier
                .iter()
                .filter_map(|o| o.protocol_errors.as_ref())
                .find(|p| p.module_name() == mine.module_name() && p.path != mine.path);
            if let Some(other) = clash {
                errors.push(SpecError::new(
                    &file,
                    (line_of(&file, "protocol_errors:"), 1),
                    format!(
                        "{} would generate protocols::{}, which {} already does; name each protocol's errors file                          after its own protocol",
                        mine.path.display(),
                        mine.module_name(),
                        other.path.display()
                    ),
                ));
            }
        }
        let names = &api.file.names;
        let at = |key: &str| (line_of(&file, key), 1);
        if !is_pascal_case(&names.client) {
            errors.push(SpecError::new(
                &file,
                at("client:"),
                format!(
                    "names.client `{}` is not a Rust type name: expected PascalCase letters and digits, e.g. `VpcClient`",
                    names.client
                ),
            ));
        }
        if !is_kebab_case(&names.command) {
            errors.push(SpecError::new(
                &file,
                at("command:"),
                format!(
                    "names.command `{}` is not a command name: expected lower-case words joined by `-`, e.g. `tencent-v2`",
                    names.command
                ),
            ));
        }
        if let Some(other) = earlier
            .iter()
            .find(|o| o.file.names.command == names.command)
        {
            errors.push(SpecError::new(
                &file,
                at("command:"),
                format!(
                    "names.command `{}` is already the command group of {}; give each API its own",
                    names.command,
                    other.dir.display()
                ),
            ));
        }
        if let Some(other) = earlier
            .iter()
            .find(|o| o.file.provider == api.file.provider && o.file.names.client == names.client)
        {
            errors.push(SpecError::new(
                &file,
                at("client:"),
                format!(
                    "names.client `{}` is already the client of {} for this provider; give each API its own",
                    names.client,
                    other.dir.display()
                ),
            ));
        }
    }
}

/// The 1-based line of the first line of `file` containing `needle`, or 1 when it cannot be read.
fn line_of(file: &Path, needle: &str) -> usize {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|text| text.lines().position(|l| l.contains(needle)))
        .map_or(1, |i| i + 1)
}

fn is_pascal_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn read(path: &Path) -> Result<String, SpecError> {
    std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(path, (1, 1), format!("cannot read spec file: {e}")))
}

fn parse<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    errors: &mut Vec<SpecError>,
) -> Option<T> {
    match serde_yaml::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(SpecError::from_yaml(path, &e));
            None
        }
    }
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let read = std::fs::read_dir(dir)
        .map_err(|e| SpecError::new(dir, (1, 1), format!("cannot read spec folder: {e}")))?;
    let mut paths = Vec::new();
    for entry in read {
        let entry = entry
            .map_err(|e| SpecError::new(dir, (1, 1), format!("cannot read spec folder: {e}")))?;
        paths.push(entry.path());
    }
    paths.sort();
    Ok(paths)
}
