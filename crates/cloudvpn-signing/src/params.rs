//! Parameter-list plumbing shared by the schemes that sort parameters.

/// Borrows the `(name, value)` pairs that `keep` accepts and sorts them by
/// name, comparing bytes (so `Z` sorts before `a`, as Python's `sorted()`,
/// Go's `sort.Strings` and the vendors' docs do).
///
/// Equal names are then ordered by value. The official SDKs never send a
/// name twice (they build a dict), so this only makes the result independent
/// of the input order when a hostile or buggy client does.
pub(crate) fn sorted_by_name<K, V>(
    params: &[(K, V)],
    keep: impl Fn(&str, &str) -> bool,
) -> Vec<(&str, &str)>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|&(k, v)| keep(k, v))
        .collect();
    sorted.sort_unstable();
    sorted
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
