"""Coded values of a talent record and their Chinese labels (API values are the keys)."""

GENDERS = {"male": "男", "female": "女"}
ID_TYPES = {"resident_id": "居民身份证", "passport": "护照",
            "foreign_permanent_resident": "外国人永久居留身份证",
            "hmt_residence_permit": "港澳台居民居住证"}
# Nationalities that are regions of China, whose residents hold 港澳台居民居住证.
CHINESE_REGIONS = ("HK", "MO", "TW")
EDUCATIONS = {
    "doctorate": "博士研究生",
    "master": "硕士研究生",
    "bachelor": "大学本科",
    "college": "大学专科",
    "other": "其他",
}
TITLE_LEVELS = {
    "senior": "正高级",
    "vice_senior": "副高级",
    "intermediate": "中级",
    "junior": "初级",
    "none": "无职称",
}
FIELDS = {
    "bamboo_wood": "农林产品(竹木)精深加工",
    "biomedicine": "生物医药",
    "new_energy_materials": "新能源新材料",
    "modern_agriculture": "现代农业",
    "education": "教育",
    "healthcare": "医疗卫生",
    "other": "其他",
}
CATEGORIES = {
    "leading": "产业领军人才",
    "innovator": "科技创新人才",
    "young": "青年科技人才",
    "engineer": "卓越工程师",
    "craftsman": "双牌工匠",
    "none": "其他",
}
SOURCES = {"introduced": "引进", "local": "本土培养"}
PROGRAMME_LEVELS = {
    "academician": "院士",
    "national": "国家级人才计划",
    "provincial": "省级人才计划",
    "municipal": "市级人才计划",
    "none": "无",
}
STATUSES = {"active": "在县工作", "left": "已离开"}

# Names clerks use for the countries they meet most, listed first; every other ISO 3166 country
# follows with its Chinese name from pycountry's maintained translations.
COMMON_NATIONALITIES = {
    "CN": "中国",
    "US": "美国",
    "GB": "英国",
    "DE": "德国",
    "FR": "法国",
    "JP": "日本",
    "KR": "韩国",
    "RU": "俄罗斯",
    "CA": "加拿大",
    "AU": "澳大利亚",
    "SG": "新加坡",
    "MY": "马来西亚",
    "TH": "泰国",
    "VN": "越南",
    "IN": "印度",
    "PK": "巴基斯坦",
    "IT": "意大利",
    "NL": "荷兰",
    "UA": "乌克兰",
    "BR": "巴西",
    # Regions of China that issue their own travel documents.
    "HK": "中国香港",
    "MO": "中国澳门",
    "TW": "中国台湾",
}


# Where pycountry's zh_CN translation differs from the short names of GB/T 2659 (mainland usage):
# typos (柬埔塞), Taiwan-style names (瓜地马拉, 马尔他) and full official names (伊朗伊斯兰共和国).
GB_T_2659_NAMES = {
    "BD": "孟加拉国", "BO": "玻利维亚", "BQ": "荷兰加勒比区", "BV": "布韦岛", "CC": "科科斯（基林）群岛",
    "CD": "刚果（金）", "CF": "中非", "CG": "刚果（布）", "DO": "多米尼加", "FK": "福克兰群岛（马尔维纳斯）",
    "FM": "密克罗尼西亚联邦", "GS": "南乔治亚岛和南桑德韦奇群岛", "GT": "危地马拉",
    "HM": "赫德岛和麦克唐纳岛", "IM": "马恩岛", "IR": "伊朗", "KG": "吉尔吉斯斯坦", "KH": "柬埔寨",
    "KP": "朝鲜", "LA": "老挝", "MD": "摩尔多瓦", "MT": "马耳他", "PF": "法属波利尼西亚",
    "SH": "圣赫勒拿", "SJ": "斯瓦尔巴岛和扬马延岛", "SY": "叙利亚", "TF": "法属南部领地",
    "TT": "特立尼达和多巴哥", "VE": "委内瑞拉", "BL": "圣巴泰勒米",
}


def _all_nationalities() -> dict[str, str]:
    import gettext

    import pycountry

    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"],
                                      fallback=True)
    names = dict(COMMON_NATIONALITIES)
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        names.setdefault(country.alpha_2,
                         GB_T_2659_NAMES.get(country.alpha_2) or translation.gettext(country.name))
    return names


NATIONALITIES = _all_nationalities()
NATIONALITY_BY_NAME = {name: code for code, name in NATIONALITIES.items()}


def nationality_code(text: str | None) -> str | None:
    """A country as a clerk may type it — ``DE``, ``de``, ``德国`` or ``德国（DE）`` — as its code."""
    value = (text or "").strip()
    if not value:
        return None
    for open_paren, close_paren in (("（", "）"), ("(", ")")):
        if value.endswith(close_paren) and open_paren in value:
            value = value[value.rindex(open_paren) + 1:-1].strip()
    if value.upper() in NATIONALITIES:
        return value.upper()
    return NATIONALITY_BY_NAME.get(value)


def nationality_display(code: str | None) -> str:
    return f"{NATIONALITIES[code]}（{code}）" if code in NATIONALITIES else (code or "")


# What clerks type in an import sheet for a choice, where the meaning is unambiguous.
SYNONYMS = {
    "source": {"本地": "local", "本土": "local", "本地培养": "local", "引才": "introduced",
               "外地引进": "introduced"},
    "education": {"博士": "doctorate", "博士研究生": "doctorate", "硕士": "master", "研究生": "master",
                  "本科": "bachelor", "大学": "bachelor", "大专": "college", "专科": "college"},
    "title_level": {"正高": "senior", "正高职称": "senior", "副高": "vice_senior", "副高职称": "vice_senior",
                    "中级职称": "intermediate", "初级职称": "junior", "无职称": "none"},
    "gender": {"男性": "male", "女性": "female"},
    "status": {"在县": "active", "在职": "active", "离开": "left", "已调离": "left"},
    "id_type": {"身份证": "resident_id", "居民身份证号码": "resident_id"},
}

CHOICE_SETS = {
    "gender": GENDERS,
    "id_type": ID_TYPES,
    "education": EDUCATIONS,
    "title_level": TITLE_LEVELS,
    "field": FIELDS,
    "category": CATEGORIES,
    "source": SOURCES,
    "programme_level": PROGRAMME_LEVELS,
    "status": STATUSES,
}


def label(kind: str, value: str | None) -> str:
    if value is None:
        return ""
    if kind == "nationality":
        return NATIONALITIES.get(value, value)
    return CHOICE_SETS[kind].get(value, value)


def sql_in(values: dict) -> str:
    return ", ".join(f"'{v}'" for v in values)
