//! Errors as data: what a behaviour or a protocol check answers, built from the generated metadata so that
//! codes, HTTP statuses and messages are the documented ones and are never retyped here.

use cloudvpn_types::meta::{ApiMeta, DocumentedError, OperationMeta};
use std::borrow::Cow;
use std::fmt;

/// An error answer, before it is rendered in a protocol's format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The code (Alibaba `Code`; Tencent v2 `codeDesc`).
    pub code: Cow<'static, str>,
    /// The message.
    pub message: Cow<'static, str>,
    /// The HTTP status (Alibaba; Tencent v2 always answers 200).
    pub http_status: u16,
    /// Tencent v2: the integer `code` of the envelope, when the metadata documents one.
    pub envelope_code: Option<i64>,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {}): {}",
            self.code, self.http_status, self.message
        )
    }
}

impl ServiceError {
    /// An error the metadata does not know (an emulator-specific one, or a fault rule's own code).
    pub fn custom(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
        http_status: u16,
    ) -> Self {
        ServiceError {
            code: code.into(),
            message: message.into(),
            http_status,
            envelope_code: None,
        }
    }

    /// The documented error, with its first documented status (400 when it has none, as on envelope APIs)
    /// and its documented message (or, when the document gives none, the last paragraph of its
    /// description: the Tencent documents' own wording).
    pub fn documented(doc: &'static DocumentedError) -> Self {
        let message = if doc.message.is_empty() {
            doc.description.rsplit("\n\n").next().unwrap_or_default()
        } else {
            doc.message
        };
        ServiceError {
            code: Cow::Borrowed(doc.code),
            message: Cow::Borrowed(message),
            http_status: doc.statuses.first().copied().unwrap_or(400),
            envelope_code: doc.envelope_code,
        }
    }

    /// The error `code` as `op` documents it (its own errors first, then the API's common ones), in the
    /// operation's spelling. `None` when neither documents it.
    pub fn of_operation(op: &OperationMeta, code: &str) -> Option<Self> {
        op.documented_error(code).map(Self::documented)
    }

    /// The first of `codes` that `op` documents: operations spell and choose their errors differently
    /// (`Forbbiden.SubUser` / `Forbidden.SubUser`, `TaskConflict` / `VpnTask.CONFLICT`), and a behaviour
    /// answers whichever its operation documents.
    pub fn first_documented(op: &OperationMeta, codes: &[&str]) -> Option<Self> {
        codes.iter().find_map(|code| Self::of_operation(op, code))
    }

    /// The API-wide documented error `code`.
    pub fn of_api(api: &ApiMeta, code: &str) -> Option<Self> {
        api.common_errors
            .iter()
            .find(|e| e.matches(code))
            .map(Self::documented)
    }

    /// Replaces the message.
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.message = message.into();
        self
    }

    /// Fills a placeholder of the documented message (`<sts>`, `…`, `"X"`) with `value`.
    pub fn fill(mut self, placeholder: &str, value: &str) -> Self {
        if self.message.contains(placeholder) {
            self.message = Cow::Owned(self.message.replacen(placeholder, value, 1));
        }
        self
    }
}

/// An API-wide error, named by the generated constant of its code (`cloudvpn_types::<api>::codes`, so a
/// misspelt code does not compile). The metadata always has it; the fallback keeps the code rather than
/// panicking should the two ever disagree.
pub fn api_error(api: &ApiMeta, code: &'static str, fallback_status: u16) -> ServiceError {
    ServiceError::of_api(api, code)
        .unwrap_or_else(|| ServiceError::custom(code, "", fallback_status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn_types::Operation;
    use cloudvpn_types::alibaba_vpc::{
        self, DeleteEnhancedVpnGatewayRequest, DeleteVpnGatewayRequest,
    };
    use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;

    #[test]
    fn takes_code_status_and_message_from_the_metadata() {
        let e =
            ServiceError::of_operation(DeleteVpnGatewayRequest::META, "ForbiddenRelease").unwrap();
        assert_eq!(e.http_status, 403);
        assert_eq!(
            e.message,
            "Forbidden to release a prepaid instance within validity period"
        );
    }

    #[test]
    fn answers_in_the_operation_spelling() {
        let codes = ["Forbbiden.SubUser"];
        let plain = ServiceError::first_documented(DeleteVpnGatewayRequest::META, &codes).unwrap();
        let enhanced =
            ServiceError::first_documented(DeleteEnhancedVpnGatewayRequest::META, &codes).unwrap();
        assert_eq!(plain.code, "Forbbiden.SubUser");
        assert_eq!(enhanced.code, "Forbidden.SubUser");
    }

    #[test]
    fn fills_placeholders() {
        let e =
            api_error(&alibaba_vpc::API, "SignatureDoesNotMatch", 400).fill("<sts>", "GET&%2F&x");
        assert_eq!(
            e.message,
            "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&x"
        );
        let e = api_error(&alibaba_vpc::API, "MissingParameter", 400).fill("\"X\"", "\"RegionId\"");
        assert!(
            e.message
                .starts_with("The input parameter \"RegionId\" that")
        );
    }

    #[test]
    fn tencent_messages_come_from_the_document_text() {
        let e =
            ServiceError::of_operation(DeleteVpnConnRequest::META, "InvalidVpnConnState").unwrap();
        assert_eq!(e.message, "vpn通道状态不对");
    }
}
