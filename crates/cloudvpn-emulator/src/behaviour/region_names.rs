//! The names the region APIs answer for region ids (`LocalName`, `RegionName`). Which regions exist is not
//! decided here: the region APIs list the `regions` of the API specs (see `behaviour::tencent_region` and
//! `alibaba::regions`). A region without a name here is named by its id, as Alibaba's own DescribeRegions
//! answers for regions it has no name for (ECS's example answers `LocalName: cn-qingdao-nebula`).

/// Alibaba Cloud regions: id, Chinese name, English name (the providers' region tables).
const ALIBABA: &[(&str, &str, &str)] = &[
    ("cn-hangzhou", "华东1（杭州）", "China (Hangzhou)"),
    ("cn-shanghai", "华东2（上海）", "China (Shanghai)"),
    ("cn-qingdao", "华北1（青岛）", "China (Qingdao)"),
    ("cn-beijing", "华北2（北京）", "China (Beijing)"),
    ("cn-zhangjiakou", "华北3（张家口）", "China (Zhangjiakou)"),
    ("cn-shenzhen", "华南1（深圳）", "China (Shenzhen)"),
    ("cn-hongkong", "中国香港", "China (Hong Kong)"),
    ("ap-southeast-1", "新加坡", "Singapore"),
    ("us-east-1", "美国（弗吉尼亚）", "US (Virginia)"),
    ("us-west-1", "美国（硅谷）", "US (Silicon Valley)"),
    ("eu-central-1", "德国（法兰克福）", "Germany (Frankfurt)"),
];

/// Tencent Cloud regions: id and Chinese name, as `RegionName` shows them (`华南地区(广州)`).
const TENCENT: &[(&str, &str)] = &[
    ("ap-guangzhou", "华南地区(广州)"),
    ("ap-shanghai", "华东地区(上海)"),
    ("ap-nanjing", "华东地区(南京)"),
    ("ap-beijing", "华北地区(北京)"),
    ("ap-chengdu", "西南地区(成都)"),
    ("ap-chongqing", "西南地区(重庆)"),
    ("ap-hongkong", "港澳台地区(中国香港)"),
    ("ap-singapore", "亚太东南(新加坡)"),
    ("ap-jakarta", "亚太东南(雅加达)"),
    ("ap-bangkok", "亚太东南(曼谷)"),
    ("ap-seoul", "亚太东北(首尔)"),
    ("ap-tokyo", "亚太东北(东京)"),
    ("ap-mumbai", "亚太南部(孟买)"),
    ("na-siliconvalley", "美国西部(硅谷)"),
    ("na-ashburn", "美国东部(弗吉尼亚)"),
    ("na-toronto", "北美地区(多伦多)"),
    ("eu-frankfurt", "欧洲地区(法兰克福)"),
    ("sa-saopaulo", "南美地区(圣保罗)"),
    ("ap-shanghai-fsi", "华东地区(上海金融)"),
    ("ap-shenzhen-fsi", "华南地区(深圳金融)"),
];

/// The language of an Alibaba `LocalName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    /// `zh-CN`, the default.
    Chinese,
    /// `en-US`; also `ja`, for which the emulator has no names of its own.
    English,
}

impl Language {
    /// From `AcceptLanguage` (absent: Chinese, the documented default).
    pub(crate) fn from_accept_language(value: Option<&str>) -> Language {
        match value {
            Some("en-US") | Some("ja") => Language::English,
            _ => Language::Chinese,
        }
    }
}

/// The name of an Alibaba region in `language`, or its id.
pub(crate) fn alibaba(id: &str, language: Language) -> &str {
    match ALIBABA.iter().find(|(known, ..)| *known == id) {
        Some((_, zh, en)) => match language {
            Language::Chinese => zh,
            Language::English => en,
        },
        None => id,
    }
}

/// The name of a Tencent region, or its id.
pub(crate) fn tencent(id: &str) -> &str {
    TENCENT
        .iter()
        .find(|(known, _)| *known == id)
        .map_or(id, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_language_and_fall_back_to_the_id() {
        assert_eq!(alibaba("cn-hangzhou", Language::Chinese), "华东1（杭州）");
        assert_eq!(
            alibaba("cn-hangzhou", Language::from_accept_language(Some("en-US"))),
            "China (Hangzhou)"
        );
        assert_eq!(Language::from_accept_language(None), Language::Chinese);
        assert_eq!(alibaba("cn-wuhan", Language::English), "cn-wuhan");
        assert_eq!(tencent("ap-guangzhou"), "华南地区(广州)");
        assert_eq!(tencent("eu-moscow"), "eu-moscow");
    }

    #[test]
    fn every_name_is_given_once() {
        let mut ids: Vec<&str> = ALIBABA.iter().map(|(id, ..)| *id).collect();
        ids.extend(TENCENT.iter().map(|(id, _)| *id));
        let before = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }
}
