//! Where a call goes: the provider's rules per region, or a base URL that overrides them (the emulator).

use cloudvpn_types::meta::ApiMeta;

/// A resolved endpoint: scheme, authority (`host[:port]`, exactly what is signed as the host) and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https` or `http`.
    pub scheme: String,
    /// `vpc.aliyuncs.com`, `127.0.0.1:8080`.
    pub authority: String,
    /// `/` or `/v2/index.php`.
    pub path: String,
}

impl Endpoint {
    /// The provider's endpoint for `region`, per the API's rules (e.g. `vpc.aliyuncs.com` for cn-hangzhou,
    /// `vpc.<region>.aliyuncs.com` for most others, `vpc.api.qcloud.com` for Tencent v2).
    pub fn for_region(api: &ApiMeta, region: &str) -> Self {
        Endpoint {
            scheme: api.endpoint.scheme.to_owned(),
            authority: api.endpoint.host_for(region),
            path: api.endpoint.path.to_owned(),
        }
    }

    /// A base URL such as `http://127.0.0.1:8080`, with the API's own path appended.
    pub fn parse_base(base: &str, api_path: &str) -> Result<Self, String> {
        let url = reqwest::Url::parse(base).map_err(|e| {
            format!("endpoint {base:?} is not a URL ({e}); write it like http://127.0.0.1:8080")
        })?;
        let scheme = url.scheme();
        if scheme != "http" && scheme != "https" {
            return Err(format!(
                "endpoint {base:?} must start with http:// or https://"
            ));
        }
        let Some(host) = url.host_str() else {
            return Err(format!("endpoint {base:?} has no host"));
        };
        if !(url.path().is_empty() || url.path() == "/") || url.query().is_some() {
            return Err(format!(
                "endpoint {base:?} must be only scheme, host and port; the API's path ({api_path}) is added for you"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("endpoint {base:?} must not carry user credentials"));
        }
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Ok(Endpoint {
            scheme: scheme.to_owned(),
            authority,
            path: api_path.to_owned(),
        })
    }

    /// The URL with this query (none when empty).
    pub fn url_with_query(&self, query: &str) -> String {
        // Sized once: this runs on every attempt.
        let mut url = String::with_capacity(
            self.scheme.len() + 3 + self.authority.len() + self.path.len() + 1 + query.len(),
        );
        url.push_str(&self.scheme);
        url.push_str("://");
        url.push_str(&self.authority);
        url.push_str(&self.path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn_types::{alibaba_vpc, tencent_vpc_v2};

    #[test]
    fn provider_rules() {
        let e = Endpoint::for_region(&alibaba_vpc::API, "cn-hangzhou");
        assert_eq!(e.url_with_query(""), "https://vpc.aliyuncs.com/");
        let e = Endpoint::for_region(&alibaba_vpc::API, "eu-central-1");
        assert_eq!(
            e.url_with_query("a=b"),
            "https://vpc.eu-central-1.aliyuncs.com/?a=b"
        );
        let e = Endpoint::for_region(&tencent_vpc_v2::API, "ap-guangzhou");
        assert_eq!(
            e.url_with_query(""),
            "https://vpc.api.qcloud.com/v2/index.php"
        );
    }

    #[test]
    fn base_urls() {
        let e = Endpoint::parse_base("http://127.0.0.1:8080", "/v2/index.php").expect("ok");
        assert_eq!(e.authority, "127.0.0.1:8080");
        assert_eq!(
            e.url_with_query("x=1"),
            "http://127.0.0.1:8080/v2/index.php?x=1"
        );
        let e = Endpoint::parse_base("http://[::1]:9000/", "/").expect("ok");
        assert_eq!(e.authority, "[::1]:9000");
        for bad in [
            "127.0.0.1:8080",
            "ftp://x",
            "http://h/path",
            "not a url",
            "http://u:p@h",
        ] {
            assert!(Endpoint::parse_base(bad, "/").is_err(), "{bad}");
        }
    }
}
