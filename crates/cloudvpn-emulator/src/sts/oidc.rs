//! OIDC tokens: the unsigned JWTs `POST /_emulator/oidc-token` makes, and the claim checks both STS
//! services make on whatever token they are given (issuer, audience, expiry; a signature is not checked,
//! which the emulator documents: any `alg`, including `none`, is read).

use super::trust::OidcProvider;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The claims the emulator reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// `iss`.
    pub iss: String,
    /// `sub`.
    pub sub: String,
    /// `aud`: one audience or several.
    pub aud: Audience,
    /// `iat`, Unix seconds.
    #[serde(default)]
    pub iat: i64,
    /// `exp`, Unix seconds.
    pub exp: i64,
}

/// A token's `aud`: a string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// One audience.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl Audience {
    /// Every audience.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Audience::One(a) => vec![a.as_str()],
            Audience::Many(list) => list.iter().map(String::as_str).collect(),
        }
    }
}

/// Why a token is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not three Base64URL parts of JSON with the claims; says what is wrong.
    Malformed(&'static str),
    /// `exp` is past.
    Expired,
    /// `iss` is not the provider's issuer.
    WrongIssuer,
    /// No `aud` is one of the provider's audiences.
    WrongAudience,
}

/// An unsigned JWT (`alg: none`, empty signature) with these claims.
pub fn unsigned_token(claims: &Claims) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    format!("{header}.{payload}.")
}

/// The last second a token's `exp` or `iat` may name: 9999-12-31T23:59:59Z, the last instant the
/// ISO 8601 answers (`ExpirationTime`, `IssuanceTime`) can write. A larger value in an unsigned JWT is
/// crafted, and its milliseconds would overflow.
pub const LAST_CLAIM_SECOND: i64 = 253_402_300_799;

/// The claims of `token`, its shape checked (not its signature).
pub fn read(token: &str) -> Result<Claims, Refusal> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 {
        return Err(Refusal::Malformed(
            "a JWT is three Base64URL parts separated by '.'",
        ));
    }
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .map_err(|_| Refusal::Malformed("a part of the JWT is not Base64URL"))
    };
    let header = decode(parts[0])?;
    serde_json::from_slice::<serde_json::Value>(&header)
        .ok()
        .filter(serde_json::Value::is_object)
        .ok_or(Refusal::Malformed("the JWT header is not a JSON object"))?;
    let claims: Claims = serde_json::from_slice(&decode(parts[1])?).map_err(|_| {
        Refusal::Malformed("the JWT payload lacks iss, sub, aud or exp, or is not JSON")
    })?;
    let in_range = |secs: i64| (0..=LAST_CLAIM_SECOND).contains(&secs);
    if !in_range(claims.exp) {
        return Err(Refusal::Malformed(
            "the JWT claim exp is not a Unix time in seconds between 1970 and 9999",
        ));
    }
    if !in_range(claims.iat) {
        return Err(Refusal::Malformed(
            "the JWT claim iat is not a Unix time in seconds between 1970 and 9999",
        ));
    }
    Ok(claims)
}

/// A claim's seconds as the milliseconds [`super::iso_utc`] takes; [`read`] has bounded them, so
/// this cannot saturate for a token it returned.
pub fn claim_ms(secs: i64) -> u64 {
    u64::try_from(secs).unwrap_or(0).saturating_mul(1000)
}

/// Whether `claims` are acceptable to `provider` at `now_secs`: issuer, then audience, then expiry.
pub fn check(claims: &Claims, provider: &OidcProvider, now_secs: i64) -> Result<(), Refusal> {
    if claims.iss != provider.issuer {
        return Err(Refusal::WrongIssuer);
    }
    if !claims
        .aud
        .all()
        .iter()
        .any(|a| provider.audiences.iter().any(|b| b == a))
    {
        return Err(Refusal::WrongAudience);
    }
    if claims.exp <= now_secs {
        return Err(Refusal::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sts::trust::{Cloud, DEFAULT_OIDC_ISSUER};

    fn provider() -> OidcProvider {
        OidcProvider {
            cloud: Cloud::Alibaba,
            account: "default".into(),
            name: "emulator".into(),
            issuer: DEFAULT_OIDC_ISSUER.into(),
            audiences: vec!["sts.aliyuncs.com".into()],
        }
    }

    fn claims(aud: &str, exp: i64) -> Claims {
        Claims {
            iss: DEFAULT_OIDC_ISSUER.into(),
            sub: "ci-job".into(),
            aud: Audience::One(aud.into()),
            iat: 1_000,
            exp,
        }
    }

    #[test]
    fn a_made_token_reads_back_and_passes_until_it_expires() {
        let token = unsigned_token(&claims("sts.aliyuncs.com", 2_000));
        assert_eq!(token.matches('.').count(), 2);
        let read_back = read(&token).unwrap();
        assert_eq!(read_back, claims("sts.aliyuncs.com", 2_000));
        assert_eq!(check(&read_back, &provider(), 1_999), Ok(()));
        assert_eq!(check(&read_back, &provider(), 2_000), Err(Refusal::Expired));
    }

    #[test]
    fn issuer_audience_and_shape_are_checked() {
        let mut other = claims("sts.aliyuncs.com", 2_000);
        other.iss = "https://elsewhere".into();
        assert_eq!(check(&other, &provider(), 1_500), Err(Refusal::WrongIssuer));
        let wrong_aud = claims("someone-else", 2_000);
        assert_eq!(
            check(&wrong_aud, &provider(), 1_500),
            Err(Refusal::WrongAudience)
        );
        let many = Claims {
            aud: Audience::Many(vec!["x".into(), "sts.aliyuncs.com".into()]),
            ..claims("", 2_000)
        };
        assert_eq!(check(&many, &provider(), 1_500), Ok(()));
        assert!(matches!(read("only.two"), Err(Refusal::Malformed(_))));
        assert!(matches!(read("a.b.c"), Err(Refusal::Malformed(_))));
        let no_exp = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(b"{}"),
            URL_SAFE_NO_PAD.encode(br#"{"iss":"i","sub":"s","aud":"a"}"#)
        );
        assert!(matches!(read(&no_exp), Err(Refusal::Malformed(_))));
    }

    #[test]
    fn exp_and_iat_outside_1970_to_9999_are_malformed() {
        let mut absurd = claims("sts.aliyuncs.com", LAST_CLAIM_SECOND + 1);
        assert!(
            matches!(read(&unsigned_token(&absurd)), Err(Refusal::Malformed(why)) if why.contains("exp"))
        );
        absurd.exp = LAST_CLAIM_SECOND;
        assert_eq!(read(&unsigned_token(&absurd)), Ok(absurd.clone()));
        absurd.iat = -1;
        assert!(
            matches!(read(&unsigned_token(&absurd)), Err(Refusal::Malformed(why)) if why.contains("iat"))
        );
        assert_eq!(claim_ms(LAST_CLAIM_SECOND), 253_402_300_799_000);
    }
}

/// The body of `POST /_emulator/oidc-token`: `{"cloud": "alibaba"|"tencent", "subject": "…"}` with an
/// optional `audience` (default: what the cloud's default provider expects) and `expires_in` (seconds,
/// default 3600; zero or less makes a token that is already expired, for tests of the refusal).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcTokenRequest {
    /// Whose STS the token is for.
    pub cloud: super::trust::Cloud,
    /// `sub`.
    pub subject: String,
    /// `aud`.
    #[serde(default)]
    pub audience: Option<String>,
    /// Seconds until `exp`.
    #[serde(default)]
    pub expires_in: Option<i64>,
}

impl OidcTokenRequest {
    /// The unsigned token, issued at `now_secs` by [`super::trust::DEFAULT_OIDC_ISSUER`].
    pub fn token(&self, now_secs: i64) -> String {
        use super::trust::{
            Cloud, DEFAULT_ALIBABA_AUDIENCE, DEFAULT_OIDC_ISSUER, DEFAULT_TENCENT_AUDIENCE,
        };
        let audience = self.audience.clone().unwrap_or_else(|| {
            match self.cloud {
                Cloud::Alibaba => DEFAULT_ALIBABA_AUDIENCE,
                Cloud::Tencent => DEFAULT_TENCENT_AUDIENCE,
            }
            .to_owned()
        });
        unsigned_token(&Claims {
            iss: DEFAULT_OIDC_ISSUER.to_owned(),
            sub: self.subject.clone(),
            aud: Audience::One(audience),
            iat: now_secs,
            exp: now_secs.saturating_add(self.expires_in.unwrap_or(3600)),
        })
    }
}
