//! `ClientToken`: a repeated call with the same token and the same parameters gets the first call's
//! successful answer again (same `RequestId`, no second change); the same token with other parameters is
//! `IdempotentParameterMismatch`.
//!
//! Only successes are recorded. An error changes nothing, so repeating the call is already safe, and a
//! client that keeps its token across retries (as the official SDKs and our runtime do) must be able to
//! succeed after a retryable error such as `VpnGateway.Configuring`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, HashMap};

/// How many recorded outcomes are kept; the oldest are forgotten first (real services keep tokens for a
/// limited time too).
pub const CAPACITY: usize = 10_000;

/// The code and message of a token reused with different parameters. Not in the specs (no VPC document
/// lists it); this is the wording Alibaba's other products document for the same code.
pub const MISMATCH_CODE: &str = "IdempotentParameterMismatch";
/// See [`MISMATCH_CODE`].
pub const MISMATCH_MESSAGE: &str =
    "The request uses the same client token as a previous, but non-identical request.";

/// One recorded success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The account that called.
    pub account: String,
    /// The action.
    pub action: String,
    /// The token.
    pub token: String,
    /// The operation's parameters except the token, canonicalised.
    pub fingerprint: String,
    /// The answer, as JSON (it carries the original `RequestId`).
    pub response: serde_json::Value,
}

/// What a lookup found.
#[derive(Debug, PartialEq)]
pub enum Lookup<'a> {
    /// Never seen: run the call.
    New,
    /// Seen with the same parameters: answer this again.
    Replay(&'a serde_json::Value),
    /// Seen with other parameters.
    Mismatch,
}

/// The recorded outcomes, oldest first.
#[derive(Debug, Clone, Default)]
pub struct ClientTokens {
    next_seq: u64,
    records: BTreeMap<u64, Record>,
    index: HashMap<String, u64>,
}

fn key(account: &str, action: &str, token: &str) -> String {
    let mut k = String::with_capacity(account.len() + action.len() + token.len() + 2);
    k.push_str(account);
    k.push('\n');
    k.push_str(action);
    k.push('\n');
    k.push_str(token);
    k
}

/// Canonical form of an operation's parameters without its token: sorted `name=value` lines.
pub fn fingerprint<K: AsRef<str>>(params: &[(K, String)], token_param: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_str()))
        .filter(|(k, _)| *k != token_param)
        .collect();
    pairs.sort();
    let mut out = String::new();
    for (k, v) in pairs {
        out.push_str(k);
        out.push('=');
        out.push_str(v);
        out.push('\n');
    }
    out
}

impl ClientTokens {
    /// What the token means for this call.
    pub fn lookup(
        &self,
        account: &str,
        action: &str,
        token: &str,
        fingerprint: &str,
    ) -> Lookup<'_> {
        let Some(record) = self
            .index
            .get(&key(account, action, token))
            .and_then(|seq| self.records.get(seq))
        else {
            return Lookup::New;
        };
        if record.fingerprint == fingerprint {
            Lookup::Replay(&record.response)
        } else {
            Lookup::Mismatch
        }
    }

    /// Records a success.
    pub fn record(&mut self, record: Record) {
        let k = key(&record.account, &record.action, &record.token);
        if let Some(old) = self.index.remove(&k) {
            self.records.remove(&old);
        }
        let seq = self.next_seq;
        self.next_seq = seq.wrapping_add(1);
        self.records.insert(seq, record);
        self.index.insert(k, seq);
        while self.records.len() > CAPACITY {
            if let Some((_, oldest)) = self.records.pop_first() {
                self.index
                    .remove(&key(&oldest.account, &oldest.action, &oldest.token));
            }
        }
    }

    /// The sequence number the next record will get (the journal asks which records are new).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The records made since the one numbered `seq` (inclusive) that are still kept, oldest first.
    pub fn recorded_since(&self, seq: u64) -> impl Iterator<Item = &Record> {
        self.records.range(seq..).map(|(_, r)| r)
    }

    /// How many outcomes are recorded.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

// Equal when the same records are kept in the same order (sequence numbers are renumbered on load).
impl PartialEq for ClientTokens {
    fn eq(&self, other: &Self) -> bool {
        self.records.values().eq(other.records.values())
    }
}

// Serialised as the list of records, oldest first; the index is rebuilt on load.
impl Serialize for ClientTokens {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.records.values())
    }
}

impl<'de> Deserialize<'de> for ClientTokens {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut tokens = ClientTokens::default();
        for record in Vec::<Record>::deserialize(d)? {
            tokens.record(record);
        }
        Ok(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(token: &str, fp: &str) -> Record {
        Record {
            account: "a".into(),
            action: "DeleteVpnGateway".into(),
            token: token.into(),
            fingerprint: fp.into(),
            response: serde_json::json!({"RequestId": token}),
        }
    }

    #[test]
    fn replays_matches_and_refuses_mismatches() {
        let mut t = ClientTokens::default();
        assert_eq!(t.lookup("a", "DeleteVpnGateway", "t1", "x"), Lookup::New);
        t.record(record("t1", "x"));
        assert!(matches!(
            t.lookup("a", "DeleteVpnGateway", "t1", "x"),
            Lookup::Replay(_)
        ));
        assert_eq!(
            t.lookup("a", "DeleteVpnGateway", "t1", "y"),
            Lookup::Mismatch
        );
        assert_eq!(t.lookup("b", "DeleteVpnGateway", "t1", "x"), Lookup::New);
    }

    #[test]
    fn forgets_the_oldest_and_survives_a_round_trip() {
        let mut t = ClientTokens::default();
        for i in 0..CAPACITY + 5 {
            t.record(record(&i.to_string(), "x"));
        }
        assert_eq!(t.len(), CAPACITY);
        assert_eq!(t.lookup("a", "DeleteVpnGateway", "0", "x"), Lookup::New);
        let back: ClientTokens = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(back.len(), CAPACITY);
        assert!(matches!(
            back.lookup("a", "DeleteVpnGateway", "7", "x"),
            Lookup::Replay(_)
        ));
    }

    #[test]
    fn fingerprint_ignores_order_and_the_token() {
        let a = [
            ("RegionId", "r".to_owned()),
            ("ClientToken", "t".to_owned()),
        ];
        let b = [
            ("ClientToken", "u".to_owned()),
            ("RegionId", "r".to_owned()),
        ];
        assert_eq!(
            fingerprint(&a, "ClientToken"),
            fingerprint(&b, "ClientToken")
        );
    }
}
