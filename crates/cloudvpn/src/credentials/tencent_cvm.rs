//! Tencent Cloud credentials of the CAM role bound to a CVM instance, from its metadata service, as the
//! official SDKs get them (`CvmRoleProvider`): the role is the given one, else the one
//! `GET /latest/meta-data/cam/security-credentials/` lists; its credentials are the JSON at that path plus
//! the role name (`Code` `Success`, `TmpSecretId`, `TmpSecretKey`, `Token`, `ExpiredTime` in Unix seconds).

use super::json::{parse_object, string_field};
use super::metadata::{self, MetadataHttp, RoleService, failure, role_name_problem, unix_time};
use super::tencent::TencentCredentials;
use super::{CredentialsError, ProvideCredentials, ProvideFuture, Resolved};
use cloudvpn_types::meta::Provider;
use std::fmt;

/// The metadata service of every CVM instance.
pub(crate) const CVM_METADATA_DEFAULT: &str = "http://metadata.tencentyun.com";
/// Points the CVM provider at another metadata service (tests, the emulator).
pub(crate) const CVM_METADATA_ENDPOINT_VAR: &str = "TENCENTCLOUD_METADATA_ENDPOINT";

const ROLES_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// What a CAM role name may hold besides letters and digits.
pub(crate) const ROLE_PUNCTUATION: &str = "._-+=,@";

/// The CAM role of the CVM instance this runs on.
#[derive(Clone)]
pub struct CvmRoleProvider {
    base: String,
    role: Option<String>,
    http: MetadataHttp,
}

impl CvmRoleProvider {
    /// The provider for `role` (discovered when `None`) at `base` (`http://metadata.tencentyun.com` on CVM).
    pub fn new(base: impl Into<String>, role: Option<String>) -> Result<Self, CredentialsError> {
        let base = base.into();
        if let Some(problem) = role
            .as_deref()
            .and_then(|r| role_name_problem(r, ROLE_PUNCTUATION))
        {
            return Err(failure(
                Provider::Tencent,
                &label(&base, None),
                format!("the role name {problem}"),
            ));
        }
        let http = MetadataHttp::new().map_err(|problem| {
            failure(Provider::Tencent, &label(&base, role.as_deref()), problem)
        })?;
        Ok(CvmRoleProvider { base, role, http })
    }

    /// How credentials from it are named: the role (when known) and the metadata service.
    pub(crate) fn source(&self) -> String {
        label(&self.base, self.role.as_deref())
    }

    async fn fetch(&self) -> Result<Resolved<TencentCredentials>, CredentialsError> {
        let answer = self
            .service()
            .fetch(self.role.as_deref(), &[])
            .await
            .map_err(|(role, problem)| {
                metadata::call_failed(
                    Provider::Tencent,
                    &label(&self.base, role.as_deref()),
                    problem,
                )
            })?;
        let source = label(&self.base, Some(&answer.role));
        credentials_json(&answer.body)
            .map(|(credentials, expires_at)| Resolved {
                expires_at,
                ..Resolved::new(credentials, source.clone())
            })
            .map_err(|problem| {
                failure(
                    Provider::Tencent,
                    &source,
                    format!("GET {}: {problem}", answer.path),
                )
            })
    }

    fn service(&self) -> RoleService<'_> {
        RoleService {
            http: &self.http,
            base: &self.base,
            roles_path: ROLES_PATH,
            role_punctuation: ROLE_PUNCTUATION,
            role_kind: "CAM role",
            belongs: "bound to",
            remedy: "bind one in the CVM console",
        }
    }
}

fn label(base: &str, role: Option<&str>) -> String {
    match role {
        Some(role) => format!("CVM role `{role}` (metadata service {base})"),
        None => format!("CVM role (metadata service {base})"),
    }
}

impl fmt::Debug for CvmRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CvmRoleProvider")
            .field("base", &self.base)
            .field("role", &self.role)
            .finish()
    }
}

impl ProvideCredentials<TencentCredentials> for CvmRoleProvider {
    fn provide(&self) -> ProvideFuture<'_, TencentCredentials> {
        Box::pin(self.fetch())
    }

    fn provide_offline(&self) -> Result<super::Offline<TencentCredentials>, CredentialsError> {
        Ok(super::Offline::Remote {
            from: self.source(),
        })
    }
}

type Parsed = (TencentCredentials, Option<std::time::SystemTime>);

fn credentials_json(body: &str) -> Result<Parsed, String> {
    let object = parse_object(body)?;
    match object.get("Code").and_then(|c| c.as_str()) {
        Some("Success") => {}
        Some(_) => {
            let code = metadata::error_code(body).unwrap_or_else(|| "not Success".to_owned());
            return Err(format!("the answer's Code is {code}"));
        }
        None => return Err("the answer has no Code".to_owned()),
    }
    let credentials = TencentCredentials::new(
        string_field(&object, "TmpSecretId")?,
        string_field(&object, "TmpSecretKey")?,
    )
    .with_token(string_field(&object, "Token")?);
    let expires_at = match object.get("ExpiredTime") {
        Some(serde_json::Value::Number(n)) => {
            let seconds = n
                .as_i64()
                .ok_or("ExpiredTime is not a whole number of seconds")?;
            Some(unix_time(seconds).ok_or("ExpiredTime is before 1970")?)
        }
        None => match object.get("Expiration").and_then(|e| e.as_str()) {
            Some(text) => Some(
                metadata::parse_expiration(text)
                    .ok_or("Expiration is not a time like 2024-01-01T12:00:00Z")?,
            ),
            None => return Err("the answer has neither ExpiredTime nor Expiration".to_owned()),
        },
        Some(_) => return Err("ExpiredTime is not a number".to_owned()),
    };
    Ok((credentials, expires_at))
}

/// `TENCENTCLOUD_METADATA_ENDPOINT`, else the CVM default.
pub(crate) fn cvm_base(value: Option<String>) -> Result<String, String> {
    metadata::base_url(value, CVM_METADATA_ENDPOINT_VAR, CVM_METADATA_DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::fake_server::FakeServer;

    const ROLE_JSON: &str = r#"{"TmpSecretId":"AKIDcvm","TmpSecretKey":"cvm-KeY-DISTINCTIVE","ExpiredTime":4070908800,"Expiration":"2099-01-01T00:00:00Z","Token":"cvm-ToKeN-DISTINCTIVE","Code":"Success"}"#;

    #[tokio::test]
    async fn the_discovered_role_and_its_credentials() {
        let server = FakeServer::start().await;
        server.route("GET", ROLES_PATH, 200, "CvmRole");
        server.route("GET", &format!("{ROLES_PATH}CvmRole"), 200, ROLE_JSON);
        let provider = CvmRoleProvider::new(&server.base, None).unwrap();
        let resolved = provider.provide().await.unwrap();
        assert_eq!(
            resolved.credentials,
            TencentCredentials::new("AKIDcvm", "cvm-KeY-DISTINCTIVE")
                .with_token("cvm-ToKeN-DISTINCTIVE")
        );
        assert_eq!(resolved.expires_at, unix_time(4_070_908_800));
        assert_eq!(
            resolved.source,
            format!("CVM role `CvmRole` (metadata service {})", server.base)
        );
        assert!(!format!("{resolved:?} {provider:?}").contains("DISTINCTIVE"));
        assert_eq!(server.received().len(), 2);
    }

    #[tokio::test]
    async fn unbound_roles_and_bad_answers_are_clear_errors() {
        let server = FakeServer::start().await;
        let error = CvmRoleProvider::new(&server.base, None)
            .unwrap()
            .provide()
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no CAM role is bound to this instance"),
            "{error}"
        );

        server.route(
            "GET",
            &format!("{ROLES_PATH}R"),
            200,
            r#"{"Code":"Failure","TmpSecretKey":"DISTINCTIVE"}"#,
        );
        let error = CvmRoleProvider::new(&server.base, Some("R".into()))
            .unwrap()
            .provide()
            .await
            .unwrap_err();
        let shown = error.to_string();
        assert!(shown.contains("CVM role `R`"), "{shown}");
        assert!(shown.contains("the answer's Code is Failure"), "{shown}");
        assert!(!shown.contains("DISTINCTIVE"), "{shown}");
    }

    #[tokio::test]
    async fn role_names_that_would_change_the_metadata_path_are_refused() {
        let server = FakeServer::start().await;
        for bad in ["../x", "a/b", "..", "r?x", "r#x", "r x", "r\u{1}"] {
            let error = CvmRoleProvider::new(&server.base, Some(bad.into())).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("the role name holds more than a role name may"),
                "{bad:?}: {error}"
            );
            server.route("GET", ROLES_PATH, 200, bad);
            let shown = CvmRoleProvider::new(&server.base, None)
                .unwrap()
                .provide()
                .await
                .unwrap_err()
                .to_string();
            assert!(
                shown.contains("the answer is not a role name"),
                "{bad:?}: {shown}"
            );
            assert!(
                shown.contains("ASCII letters, digits and . _ - + = , @"),
                "{shown}"
            );
        }
        // Only the role lists were read.
        assert!(server.received().iter().all(|r| r.path() == ROLES_PATH));
    }
}
