//! The spec loader rejects bad specs with a clear message pointing at file, line and column: one module
//! per kind of check, all editing the one valid fixture of `fixture`.

mod apis;
mod code_desc;
mod error_lists;
mod fixture;
mod keys_and_references;
mod operations;
mod protocol_errors;
mod sensitive;
