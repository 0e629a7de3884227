//! The replay probe: one read sent before the load and again, byte for byte, after it.

use super::*;

/// A read sent once before the load and byte for byte again after it (the same client, its clock and nonce
/// frozen): the second time it must be refused as a replay (Alibaba `SignatureNonceUsed`, Tencent v2
/// 4500), however many requests came between.
pub enum ReplayProbe {
    /// `DescribeVpnGateway` of the seeded gateway.
    Alibaba(alibaba::VpcClient),
    /// `DescribeVpnConn` of the seeded VPC.
    Tencent(tencent::VpcV2Client),
}

/// What the second sending of a [`ReplayProbe`] got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// Refused as a replay, with this code.
    Refused(String),
    /// Anything else (the code, or `accepted` for a success): the replay protection failed.
    NotRefused(String),
}

impl ReplayProbe {
    /// The probe for `workload`, signed now with a fixed random nonce.
    pub fn for_workload(
        workload: Workload,
        addr: SocketAddr,
        signature: AlibabaSignature,
    ) -> Result<Self, String> {
        let frozen = Frozen {
            at: SystemTime::now(),
            nonce: format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
            numeric_nonce: u64::from(fastrand::u32(1..)),
        };
        Ok(match workload {
            Workload::AlibabaDescribe | Workload::AlibabaDelete => {
                ReplayProbe::Alibaba(alibaba_client(addr, signature, Some(&frozen))?)
            }
            Workload::TencentDescribe | Workload::TencentDelete => {
                ReplayProbe::Tencent(tencent_client(addr, Some(&frozen))?)
            }
            Workload::Api3Describe | Workload::Api3Delete => {
                return Err(
                    "--replay-first needs a nonce, and API 3.0's TC3 signature has none (a \
                            stale timestamp is refused instead); use a v2 or Alibaba workload"
                        .into(),
                );
            }
        })
    }

    /// Sends the probe; `None` for a success, else the error's code and envelope code.
    async fn send(&self) -> Result<Option<ErrorInfo>, String> {
        fn outcome<T, E: OperationError>(
            r: Result<T, Error<E>>,
        ) -> Result<Option<ErrorInfo>, String> {
            match r {
                Ok(_) => Ok(None),
                Err(Error::Service(e)) => Ok(Some(e.info().clone())),
                Err(other) => Err(other.to_string()),
            }
        }
        match self {
            ReplayProbe::Alibaba(c) => outcome(
                c.describe_vpn_gateway()
                    .region_id(REGION)
                    .vpn_gateway_id("vpn-load-0")
                    .send()
                    .await,
            ),
            ReplayProbe::Tencent(c) => {
                outcome(c.describe_vpn_conn().vpc_id("vpc-load").send().await)
            }
        }
    }

    /// Sends the probe the first time; it must succeed.
    pub async fn send_first(&self) -> Result<(), String> {
        match self.send().await? {
            None => Ok(()),
            Some(info) => Err(format!(
                "the replay probe was refused the first time: {}",
                info.code
            )),
        }
    }

    /// Sends the very same bytes again.
    pub async fn replay(&self) -> Result<ReplayOutcome, String> {
        let Some(info) = self.send().await? else {
            return Ok(ReplayOutcome::NotRefused("accepted".to_owned()));
        };
        let refused = match self {
            ReplayProbe::Alibaba(_) => info.code == "SignatureNonceUsed",
            ReplayProbe::Tencent(_) => info.envelope_code == Some(4500),
        };
        let code = match info.envelope_code {
            Some(n) => n.to_string(),
            None => info.code,
        };
        Ok(if refused {
            ReplayOutcome::Refused(code)
        } else {
            ReplayOutcome::NotRefused(code)
        })
    }
}
