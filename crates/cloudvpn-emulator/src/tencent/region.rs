//! Tencent region names: v2 requests may use the short names of the v2 documents (`gz`) or the current ids
//! (`ap-guangzhou`); both mean the same state.

/// Short v2 names and the region ids they stand for.
const ALIASES: &[(&str, &str)] = &[
    ("gz", "ap-guangzhou"),
    ("sh", "ap-shanghai"),
    ("bj", "ap-beijing"),
    ("cd", "ap-chengdu"),
    ("cq", "ap-chongqing"),
    ("hk", "ap-hongkong"),
    ("sg", "ap-singapore"),
    ("kr", "ap-seoul"),
    ("jp", "ap-tokyo"),
    ("th", "ap-bangkok"),
    ("in", "ap-mumbai"),
    ("de", "eu-frankfurt"),
    ("usw", "na-siliconvalley"),
    ("use", "na-ashburn"),
    ("ca", "na-toronto"),
    ("shjr", "ap-shanghai-fsi"),
    ("szjr", "ap-shenzhen-fsi"),
];

/// The region id for a `Region` value (short names expanded, others kept).
pub fn normalize_region(region: &str) -> &str {
    ALIASES
        .iter()
        .find(|(short, _)| *short == region)
        .map(|(_, long)| *long)
        .unwrap_or(region)
}

/// The short name used in old-style ids (`gz_vpc_76`); the region id itself when there is none.
pub fn short_region(region: &str) -> &str {
    ALIASES
        .iter()
        .find(|(_, long)| *long == region)
        .map(|(short, _)| *short)
        .unwrap_or(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_names_agree() {
        assert_eq!(normalize_region("gz"), "ap-guangzhou");
        assert_eq!(normalize_region("ap-guangzhou"), "ap-guangzhou");
        assert_eq!(normalize_region("mars-1"), "mars-1");
        assert_eq!(short_region("ap-guangzhou"), "gz");
        assert_eq!(short_region("mars-1"), "mars-1");
    }
}
