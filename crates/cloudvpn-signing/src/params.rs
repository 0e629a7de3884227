//! Parameter-list plumbing shared by the schemes that sort parameters.

/// One borrowed parameter, with the first bytes of its name packed into an
/// integer so that sorting rarely has to call `memcmp`.
#[derive(Clone, Copy)]
pub(crate) struct Param<'a> {
    /// The first 8 bytes of `name`, big-endian, zero-padded.
    prefix: u64,
    /// The parameter name.
    pub(crate) name: &'a str,
    /// The parameter value.
    pub(crate) value: &'a str,
}

/// The first 8 bytes of `name`, big-endian, zero-padded.
///
/// Comparing prefixes is consistent with comparing the names bytewise:
/// when two prefixes differ, at the first differing position either both
/// names have a byte there, or one name has ended (padding `0`) and is then
/// a proper prefix of the other, so it sorts first either way. Only equal
/// prefixes need the full comparison.
#[inline]
pub(crate) fn prefix_key(name: &str) -> u64 {
    let bytes = name.as_bytes();
    match bytes.first_chunk::<8>() {
        Some(head) => u64::from_be_bytes(*head),
        // Shifts rather than a variable-length copy, which would be a
        // `memcpy` call.
        None => bytes
            .iter()
            .zip((0..8).rev())
            .fold(0, |key, (&b, i)| key | u64::from(b) << (8 * i)),
    }
}

impl<'a> Param<'a> {
    #[inline]
    fn new(name: &'a str, value: &'a str) -> Self {
        Self {
            prefix: prefix_key(name),
            name,
            value,
        }
    }

    /// Byte order of `(name, value)`, deciding on the prefix first (see
    /// [`prefix_key`]).
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| (self.name, self.value).cmp(&(other.name, other.value)))
    }
}

/// Borrows the `(name, value)` pairs that `keep` accepts and sorts them by
/// name, comparing bytes (so `Z` sorts before `a`, as Python's `sorted()`,
/// Go's `sort.Strings` and the vendors' docs do). One allocation.
///
/// Equal names are then ordered by value. The official SDKs never send a
/// name twice (they build a dict), so this only makes the result independent
/// of the input order when a hostile or buggy client does.
pub(crate) fn sorted_by_name<K, V>(
    params: &[(K, V)],
    keep: impl Fn(&str, &str) -> bool,
) -> Vec<Param<'_>>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut sorted: Vec<Param<'_>> = Vec::with_capacity(params.len());
    sorted.extend(
        params
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .filter(|&(k, v)| keep(k, v))
            .map(|(k, v)| Param::new(k, v)),
    );
    sort(&mut sorted);
    sorted
}

/// Above this many parameters, insertion sort stops paying off.
const INSERTION_SORT_MAX: usize = 32;

/// Sorts by [`Param::cmp`]. Requests carry a dozen or so parameters, where a
/// plain insertion sort on the integer prefixes beats the general sort
/// (fewer comparisons through `memcmp`, no sorting network); longer lists,
/// such as a hostile request, get the O(n log n) one.
fn sort(params: &mut [Param<'_>]) {
    if params.len() > INSERTION_SORT_MAX {
        params.sort_unstable_by(Param::cmp);
        return;
    }
    for i in 1..params.len() {
        let current = params[i];
        let mut j = i;
        while j > 0 && current.cmp(&params[j - 1]).is_lt() {
            params[j] = params[j - 1];
            j -= 1;
        }
        params[j] = current;
    }
}

/// The only value of parameter `name`, or what went wrong finding it.
pub(crate) enum Lookup<'a> {
    /// The parameter is absent.
    Missing,
    /// The parameter appears more than once.
    Duplicate,
    /// The parameter appears exactly once, with this value.
    Found(&'a str),
}

/// Finds the single occurrence of `name` in `params` (exact, case-sensitive
/// match, as both vendors treat parameter names).
pub(crate) fn lookup<'a, K, V>(params: &'a [(K, V)], name: &str) -> Lookup<'a>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut found = Lookup::Missing;
    for (k, v) in params {
        if k.as_ref() == name {
            if matches!(found, Lookup::Found(_)) {
                return Lookup::Duplicate;
            }
            found = Lookup::Found(v.as_ref());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_comparing_the_tuples() {
        let names = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "aZ",
            "a_b",
            "Signatur",
            "SignatureA",
            "SignatureB",
            "Signature",
            "SignaturA",
            "é",
            "z",
            "Z",
            "12345678",
            "123456789",
            "1234567",
        ];
        let mut pool = Vec::new();
        for (i, name) in names.iter().enumerate() {
            pool.push((*name, ["2", "1", ""][i % 3]));
            pool.push((*name, "0"));
        }
        pool.reverse();
        // Both sides of the insertion-sort limit.
        for n in [0, 1, 2, 5, 11, 31, 32, 33, 36, 100] {
            let params: Vec<(&str, &str)> = pool.iter().cycle().take(n).copied().collect();
            let sorted: Vec<(&str, &str)> = sorted_by_name(&params, |_, _| true)
                .iter()
                .map(|p| (p.name, p.value))
                .collect();
            let mut expected = params.clone();
            expected.sort_unstable();
            assert_eq!(sorted, expected, "{n}");
        }
    }

    #[test]
    fn keep_filters() {
        let params = [("b", "1"), ("a", "@x"), ("c", "2")];
        let kept: Vec<&str> = sorted_by_name(&params, |_, v| !v.starts_with('@'))
            .iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(kept, ["b", "c"]);
    }
}

/// A source string (`GETvpc.tencentcloudapi.com/?Action=…&Token=…`) with the value of its session token
/// parameter replaced by `***`, for error messages: a verifier reports what it signed, never a token.
pub(crate) fn without_session_token(source: String) -> String {
    const NAME: &str = "Token=";
    let mut out = String::with_capacity(source.len());
    let mut rest = source.as_str();
    while let Some(at) = rest.find(NAME) {
        let starts_parameter = at == 0 || matches!(rest.as_bytes()[at - 1], b'?' | b'&');
        let value_start = at + NAME.len();
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        if starts_parameter {
            out.push_str("***");
            rest = &rest[rest.find('&').unwrap_or(rest.len())..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod session_token_tests {
    use super::without_session_token;

    #[test]
    fn the_session_token_of_a_source_string_is_masked_and_nothing_else() {
        assert_eq!(
            without_session_token(
                "GETvpc.tencentcloudapi.com/?Action=X&Token=tok-secret&XToken=kept".to_owned()
            ),
            "GETvpc.tencentcloudapi.com/?Action=X&Token=***&XToken=kept"
        );
        assert_eq!(
            without_session_token("POSTh/?Token=a%26b".to_owned()),
            "POSTh/?Token=***"
        );
        assert_eq!(
            without_session_token("GETh/?Action=X".to_owned()),
            "GETh/?Action=X"
        );
    }
}
