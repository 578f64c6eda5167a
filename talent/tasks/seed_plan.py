"""The seed plan, exactly as 附件3 and its task list 附件3-1 state it (``work-plan.txt``).

Texts are copied verbatim (including the source's stray spaces inside sentences); unit names
are the county's unit names (``县政府办（金融办）`` → ``县政府办(金融办)``, ``县 人社局`` → ``县人社局``).
Every number the texts name is an indicator; figures the office follows without a number in
the text (VIP cards issued, 县派科技特派员 selected …) are indicators with no target.
"""
from datetime import date

PLAN_NAME = "双牌县打好科技创新攻坚仗工作方案"
PLAN_YEAR = 2023
STARTS_ON = date(2023, 1, 1)
# The plan runs until its last items' deadline (1.1–1.3: 2025年12月底前); its other items keep
# their own deadline (2023年12月底前), and so do the 总体目标, which are the first year's growth.
ENDS_ON = date(2025, 12, 31)
GOALS_BY = date(2023, 12, 31)
OFFICE_UNIT = "县科工信局"
CONVENER = "县政府分管副县长"
DEPUTY_CONVENERS = "县政府办分管副主任、县科工信局主要负责人"
# 工作专班成员单位, in the order the text lists them.
MEMBER_UNITS = ["县委组织部", "县政府办(金融办)", "县发改局", "县教育局", "县财政局", "县人社局",
                "县农业农村局", "县林业局", "县卫健局", "县市场监管局", "县科协", "国家税务局双牌分局",
                "人民银行双牌支行"]

GOALS = (
    '争取一批上级科技项目、科技平台在双牌布局，全力攻克关键技术，转化科技成果，优势产业科技含量'
    '明显提升。全社会研发经费投入增长13%以上，技术合同交易成交额增长15%以上，新增高价值发'
    '明专利4件以上，高新技术产业增加值增长15%左右。'
)

SAFEGUARDS = (
    '1.组建工作专班。成立双牌县打好科技创新攻坚仗工作专班，由县政府分管副县长任召集人，县政府'
    '办分管副主任、县科工信局主要负责人任副召集人，成员单位包括县委组织部、县政府办(金融办）、'
    '县发改局、县教育局、县财政局、县人社局、县农业农村局、县林业局、县卫健局、县市场监管局、县'
    '科协、国家税务局双牌分局、人民银行双牌支行等单位。专班办公室设在县科工信局，负责日常协调和'
    '调度工作。\n2.强化科技投入。大力落实《永州市加大全社会研发经费投入行动计划(2022-2'
    '025年)》要求,加大财政科技投入，落实研发奖补政策，引导企业加大科技投入。\n3.健全推进'
    '机制。各相关部门要按照职责分工，将此项工作纳入年度重点工作计划，及时宣传总结提炼科技创新亮'
    '点和好经验、好做法，推动各项目标任务落地见效。'
)

# (numeral, title, the 工作任务 paragraph of section 二)
ACTIONS = [
    ("一", "实施关键核心技术攻关行动",
     (
         '1.实施关键核心技术攻关行动。聚焦农林产品精深加工、生物医药、新能源新材料等产业抓创新，围'
         '绕产业链部署创新链，围绕创新链布局产业链，坚持以问题和需求为导向，力争新引进高新竹木企业2'
         '家以上，开发竹木新产品6个以上，依托吴义强院士团队创新工作室，为产业发展提供强有力的科技支'
         '撑。'
     )),
    ("二", "实施创新成果转化行动",
     (
         '2.实施创新成果转化行动。强化企业科技创新主体地位，大力推动企业与科研院所的合作，坚持产业'
         '出题、科技答题、金融助力，推动“科技-产业-金融”良性循环，支撑产业向价值链中高端跃升。'
     )),
    ("三", "实施科技创新平台创建行动",
     (
         '3.实施科技创新平台创建行动。力争创建1家院士工作站，打造科技要素汇集地、科研攻关主阵地、'
         '原始创新策源地。'
     )),
    ("四", "实施潇湘人才行动",
     (
         '4.实施潇湘人才行动。贯彻实施新时代人才强县战略，深入推进“潇湘人才计划”,落实好人才新政'
         '“三十六条”,实施基础设施、 现代产业、科技创新、开放合作、体制机制等“五大对接行动”,培'
         '养引进更多产业领军人才、科技创新人才、青年科技人才、卓越工程师、双牌工匠。（具体工作任务详'
         '见附件3-1）'
     )),
]

# (code, title, text, lead units, responsible units, deadline)
ITEMS = [
    ("1.1", "农林产品加工领域",
     (
         '重点开展竹木精深加工等关键核心技术的研究，提升农业经济竞争力。大力支持建好竹木初加工集聚区'
         '和数字智能竹产业科技园，重点推进竹木加工、绿色家居制造等核心技术攻关。'
     ),
     ['县科工信局'],
     ['县林业局', '县农业农村局', '县市场监管局', '县产业开发区'],
     date(2025, 12, 31)),
    ("1.2", "生物医药领域",
     (
         '重点开展虎杖等中药材提取物自动化生产技术攻关力争突破一批生物医药提取关键核心技术。'
     ),
     ['县科工信局'],
     ['县农业农村局', '县卫健局', '县市场监管局', '县产业开发区'],
     date(2025, 12, 31)),
    ("1.3", "新能源新材料领域",
     (
         '围绕延链、补链、强链，引进风电等配套设备制造项目，支持昇宇科技、昊利科技及风电配套设备制造'
         '等企业升级改造、扩能增效，打造百亿级新能源新材料产业集群。'
     ),
     ['县科工信局'],
     ['县发改局', '县财政局', '县市场监管局', '县产业开发区'],
     date(2025, 12, 31)),
    ("2.1", "加强科技成果转化平台建设",
     (
         '实现技术合同交易额2亿元以上，评价入库科技型中小企业50家以上，净增高新技术企业2家以上、'
         '新增专精特新企业4家以上，新增高价值发明专利4件以上。'
     ),
     ['县科工信局'],
     ['县财政局', '县林业局', '县农业农村局', '县市场监管局', '国家税务局双牌分局', '县产业开发区'],
     date(2023, 12, 31)),
    ("2.2", "提升科技成果转移转化服务水平",
     (
         '落实职务科技成果转化现金奖励个人所得税优惠、科研人员股权激励个人所得税递延纳税等政策和尽职'
         '免责制度，提高科技成果转化率。组织省派科技特派员、“三区”科技人才指导服务县内农业企业、专'
         '业合作社，开展技术研发和指导，推广示范农业技术。争取省级科技特派员服务乡村振兴科技项目1项'
         '以上 。'
     ),
     ['县科工信局'],
     ['县委组织部', '县财政局', '县市场监管局', '县林业局', '县农业农村局', '国家税务局双牌分局'],
     date(2023, 12, 31)),
    ("2.3", "大力强化金融赋能科技",
     (
         '推动合作银行为科技型企业投放贷款1亿元以上、覆盖企业10家以上，发放纯信用贷款3000万元'
         '以上。深入开展知识产权质押融资“入园惠企”行动，力争知识产权质押融资1500万元以上。'
     ),
     ['人民银行双牌支行'],
     ['县政府办(金融办)', '县科工信局', '县市场监管局', '县产业开发区'],
     date(2023, 12, 31)),
    ("3.1", "加速建设研发创新平台",
     (
         '依托吴义强院士团队创新工作室，力争创建专家工作站。建成永州市首个虎杖提取物高纯度技术研发中'
         '心。'
     ),
     ['县科协'],
     ['县委组织部', '县科工信局', '县人社局', '县财政局'],
     date(2023, 12, 31)),
    ("3.2", "壮大公共技术服务平台",
     (
         '积极创建科技要素大市场永州分市场双牌工作站。加快推进“双牌野生茶星创天地”、“赋能工坊众创'
         '空间”等省级公共平台建设，培育引进第三方服务机构，完善公共技术服务体系。'
     ),
     ['县科工信局'],
     ['县市场监管局', '县产业开发区'],
     date(2023, 12, 31)),
    ("4.1", "培育壮大科技人才队伍",
     (
         '靶向引进1个以上高端科技创新人才团队，在市十大科技创新项目、揭榜挂帅、省市自科联合基金等市'
         '级科技项目中挖掘1名以上优秀科技人才，并将符合条件的人选优先推荐申报省级、国家级人才项目。'
         '开展新一轮县派科技特派员选派，做好各级科技特派员服务与管理工作。力争全年引进外国人才1人以'
         '上。主动融入粤港澳大湾区，力争搭建“科创飞地”创新平台1家以上。落实好人才引进津贴补贴政策'
         ',使之能安心创业，扎根双牌做贡献。'
     ),
     ['县委组织部', '县科工信局'],
     ['县教育局', '县财政局', '县人社局', '县卫健局', '各乡镇(管理局)'],
     date(2023, 12, 31)),
    ("4.2", "完善人才评价与激励机制",
     (
         '落实好人才新政“三十六条”等相关政策，用好用活各类人才，赋 予科技项目负责人更大技术路线决'
         '定权和经费使用权，为科研人员松绑减负。完善科研人员职务发明成果权益分享机制，探索赋予科研人'
         '员职务科技成果所有权或长期使用权，提高科研人员收益分享比例。'
     ),
     ['县委组织部', '县科工信局'],
     ['县教育局', '县财政局', '县人社局', '县卫健局', '各乡镇(管理局)'],
     date(2023, 12, 31)),
    ("4.3", "提升科技人才服务水平",
     (
         '建好科技人才信息库，做好高层次人才职称申报的“一站式”服务，对符合条件的优秀科技人才，优先'
         '推荐发放“泷泊英才VIP卡”，并在住房保障、医疗服务、子女教育等方面提供精细服务。落实好符'
         '合国际惯例的外籍专家永久居留和配套扶持政策，吸引更多境外优质科技人才、团队落户双牌。'
     ),
     ['县委组织部', '县科工信局'],
     ['县教育局', '县财政局', '县人社局', '县卫健局', '各乡镇(管理局)'],
     date(2023, 12, 31)),
]

BASELINE_YEAR = PLAN_YEAR - 1  # growth targets compare with the year before the plan's


def _ind(name, measure, target, comparison="at_least", *, metric=None, level="", aggregation="single",
         named=()):
    """An indicator of the text. ``aggregation``: ``sum`` where each unit brings its own part of
    the count (enterprises it registers, talents it finds), ``single`` where the figure is one
    county statistic or one facility that the lead unit or the office reports. A computed
    target counts from the plan's start (cumulative); a rate or a monitored yearly count does not.
    ``named``: units that may report it besides the office (and lead units)."""
    return {"name": name, "measure": measure, "target": target, "comparison": comparison,
            "source": "computed" if metric else "reported", "metric_key": metric,
            "level_measure": level, "baseline_year": BASELINE_YEAR if level else None,
            "aggregation": aggregation, "cumulative": target is not None and measure != "%",
            "named_units": list(named)}


# 一、总体目标: county-wide; the growth ones carry a baseline (the value of 2022, entered by the
# office — the text names no figure) and are reported as the year's level in ``level``.
# The growth rates are county statistics: 县统计局 reports them (as the office may).
STATISTICS = ("县统计局",)

GOAL_INDICATORS = [
    _ind("全社会研发经费投入增长", "%", 13, level="万元", named=STATISTICS),
    _ind("技术合同交易成交额增长", "%", 15, level="万元", named=STATISTICS),
    _ind("新增高价值发明专利", "件", 4),
    _ind("高新技术产业增加值增长", "%", 15, "about", level="亿元", named=STATISTICS),
]

# 二、工作任务: targets named in the action paragraphs, by action numeral.
ACTION_INDICATORS = {
    "一": [_ind("新引进高新竹木企业", "家", 2, aggregation="sum"),
          _ind("开发竹木新产品", "个", 6, aggregation="sum")],
    "三": [_ind("创建院士工作站", "家", 1)],
}

# 附件3-1: the numbers each 工作事项 names, by item code.
ITEM_INDICATORS = {
    "1.3": [_ind("新能源新材料产业集群规模（百亿级）", "亿元", 100)],
    "2.1": [
        _ind("技术合同交易额", "亿元", 2),
        _ind("评价入库科技型中小企业", "家", 50, aggregation="sum"),
        _ind("净增高新技术企业", "家", 2),
        _ind("新增专精特新企业", "家", 4, aggregation="sum"),
        _ind("新增高价值发明专利", "件", 4),
    ],
    "2.2": [_ind("争取省级科技特派员服务乡村振兴科技项目", "项", 1,
                 metric="commissioners.provincial_projects"),
            _ind("科技特派员服务对象", "个", None, metric="commissioners.targets_served")],
    "2.3": [
        _ind("合作银行为科技型企业投放贷款", "亿元", 1),
        _ind("贷款覆盖科技型企业", "家", 10),
        _ind("发放纯信用贷款", "万元", 3000),
        _ind("知识产权质押融资", "万元", 1500),
    ],
    "3.1": [_ind("创建专家工作站", "个", 1),
            _ind("建成虎杖提取物高纯度技术研发中心", "个", 1)],
    "3.2": [_ind("创建科技要素大市场永州分市场双牌工作站", "个", 1),
            _ind("省级公共平台建设（双牌野生茶星创天地、赋能工坊众创空间）", "个", 2)],
    "4.1": [
        _ind("靶向引进高端科技创新人才团队", "个", 1, metric="registry.teams_introduced"),
        _ind("在市级科技项目中挖掘优秀科技人才", "名", 1, aggregation="sum"),
        _ind("引进外国人才", "人", 1, metric="registry.foreign_talents_introduced"),
        _ind("搭建“科创飞地”创新平台", "家", 1),
        _ind("推荐申报省级、国家级人才项目", "人", None, metric="programmes.recommended"),
        _ind("入选省级以上人才项目", "人", None, metric="programmes.selected_high_level"),
        _ind("新一轮县派科技特派员选派", "人", None, metric="commissioners.county_selected"),
    ],
    "4.3": [_ind("发放“泷泊英才VIP卡”", "张", None, metric="cards.cards_issued"),
            _ind("人才服务事项按时办结率", "%", None, metric="services.on_time_rate")],
}
