"""The varied style's matters and category schemes, written as data (see caselink.demo_varied).

Each matter is told in beats: one beat names what happened (with the matter's particulars), the others add
harm, history and the demand; every beat has several wordings, so dozens of petitioners on one matter each
tell it in their own words. Category labels are kept per family of matters: one matter is filed under
another label by each receiving body, a short one on the hotline, the pre-2018 one in earlier years, a
sub-category path now and then. The wording is this generator's own; it reads nothing of the resolver.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """The labels one family of matters is filed under."""

    labels: tuple[str, ...]
    """Flat labels; each receiving body keeps to one of them."""
    paths: tuple[str, ...]
    """Sub-category paths written with "/" or "-"."""
    hotline: str
    """What a hotline's form calls it."""
    before_2018: tuple[str, ...] = ()
    """Labels used before the 2018 reorganisation of departments (国土资源 → 自然资源), when they differ."""


FAMILIES: dict[str, Family] = {
    "housing": Family(
        ("城乡建设", "住房城乡建设", "房地产", "住房保障", "城建"),
        ("城乡建设/房屋征收", "城乡建设/物业管理", "住房城乡建设-商品房", "房地产/开发企业"),
        "住建",
    ),
    "labour": Family(
        ("劳动和社会保障", "劳动社保", "劳动保障", "人社", "人力资源和社会保障"),
        ("劳动保障/欠薪", "劳动和社会保障-企业改制", "人社/劳动关系"),
        "人社",
    ),
    "land": Family(
        ("自然资源", "自然资源和规划", "土地"),
        ("自然资源/土地征收", "自然资源-征地补偿"),
        "自然资源",
        ("国土资源", "国土", "国土资源/征地"),
    ),
    "environment": Family(
        ("生态环境", "环境保护", "环保"),
        ("生态环境/大气污染", "生态环境-噪声污染", "环境保护/扬尘"),
        "环保",
        ("环境保护", "环保"),
    ),
    "education": Family(("教育", "教育文体", "教育体育"), ("教育/学校管理", "教育-收费"), "教育"),
    "law": Family(("政法", "涉法涉诉", "政法综治"), ("涉法涉诉/执行", "政法-法院"), "法院"),
    "transport": Family(("交通运输", "交通", "城乡建设"), ("交通运输/农村公路", "城乡建设-道路维修"), "交通"),
    "civil": Family(("民政", "社会保障", "民政事务"), ("民政/低保", "社会保障-最低生活保障"), "民政"),
    "health": Family(
        ("卫生健康", "医疗卫生", "卫健"), ("卫生健康/医疗纠纷", "医疗卫生-医患"), "卫健", ("卫生计生", "卫生")
    ),
    "utilities": Family(("城乡建设", "能源", "电力"), ("城乡建设/市政设施", "能源-电网建设"), "供电"),
}


@dataclass(frozen=True)
class Matter:
    """One kind of matter of the varied style."""

    key: str
    family: str
    unit: str
    """A department key of caselink.demo_data._DEPTS, "township" or "village"."""
    scope: str
    """individual / group (a village) / hot (an estate: dozens of residents) / cross (counties) / any"""
    decisive: str
    """The particulars that make two tellings one matter, as "{slot}{slot}" (the standard style's facts)."""
    what: tuple[str, ...]
    """The first beat: what happened, naming the particulars."""
    more: tuple[tuple[str, ...], ...]
    """Further beats (harm, history), each told or not, each in one of its wordings."""
    demand: tuple[str, ...]
    short: tuple[str, ...]
    """What a register's one line calls it (反映{short}问题)."""
    titles: tuple[str, ...]


MATTERS: tuple[Matter, ...] = (
    Matter(
        "mixing_plant",
        "environment",
        "ecology_environment",
        "hot",
        "{estate}{road}",
        (
            "{road}路口的搅拌站紧挨着{estate}",
            "{estate}旁边{road}路口建了一个混凝土搅拌站",
            "{road}和{road2}交叉口有家搅拌站，离{estate}不到一百米",
            "我住{estate}{unitno}，楼下{road}路口就是搅拌站",
            "{estate}南面{road}路口的混凝土搅拌站",
        ),
        (
            (
                "每天夜里运料车进进出出，吵得睡不着",
                "粉尘飘进家里，窗台上全是灰",
                "搅拌机从早响到晚，老人孩子受不了",
                "晾的衣服收回来都是一层灰",
            ),
            ("从{when}开工到现在一直这样", "{when}以来情况越来越严重", "投诉过好几次，白天停了晚上照开"),
            ("运料车把路面压得坑坑洼洼", "大车来回跑，孩子上学很危险"),
        ),
        (
            "请求环保部门查一查它有没有环评手续",
            "希望尽快把搅拌站搬走",
            "要求禁止夜间作业",
            "请依法处理，还居民一个安静的环境",
        ),
        ("搅拌站扰民", "{road}路口搅拌站噪音粉尘", "混凝土搅拌站污染"),
        (
            "{road}路口搅拌站严重扰民",
            "关于{estate}旁搅拌站的投诉",
            "{estate}业主投诉搅拌站噪音",
            "搅拌站粉尘什么时候能管",
        ),
    ),
    Matter(
        "power_line",
        "utilities",
        "housing_construction",
        "hot",
        "{estate}{road}",
        (
            "{road}110kV高压线从{estate}楼顶上方穿过",
            "{estate}{unitno}窗外就是{road}的110kV高压线",
            "{road}那条110千伏高压线离{estate}住宅楼太近",
            "{estate}小区边上{road}架设的高压线",
        ),
        (
            ("下雨天滋滋作响，业主担心辐射", "有孩子的家庭都不敢开窗", "买房时开发商根本没说有高压线"),
            ("{when}业主就向供电公司反映过", "{count}户业主联名写过信"),
        ),
        ("请求将高压线迁改入地", "要求供电部门和开发商给个说法", "希望相关部门检测并公开结果"),
        ("高压线离住宅太近", "{road}高压线迁改", "小区高压线"),
        ("{estate}头顶的高压线何时迁走", "{road}110kV高压线离小区太近", "关于{estate}高压线的问题"),
    ),
    Matter(
        "parking_bundle",
        "housing",
        "housing_construction",
        "hot",
        "{estate}",
        (
            "{estate}开发商要求买房必须同时买车位",
            "{estate}的车位只售不租，一个车位要{amount}",
            "我是{estate}{unitno}业主，开发商把车位和房子捆绑销售",
            "{estate}物业不让业主租车位，逼着花{amount}买",
        ),
        (
            ("不买车位就不给办交房手续", "小区里的车只能停在马路上", "车位价格比周边高出一大截"),
            ("{when}交房时才知道", "业主们找售楼处好几次都没用"),
        ),
        ("请求查处捆绑销售车位的行为", "要求开发商车位可租可售", "请住建部门管一管"),
        ("车位捆绑销售", "{estate}车位只售不租", "小区车位问题"),
        ("{estate}车位捆绑销售", "车位只售不租合理吗", "关于{estate}车位的求助"),
    ),
    Matter(
        "property_fee",
        "housing",
        "housing_construction",
        "individual",
        "{estate}{company}",
        (
            "{estate}物业{company}擅自上调物业费",
            "{estate}的物业公司{company}收了钱不办事",
            "{company}管理的{estate}电梯经常坏",
        ),
        (
            ("垃圾好几天没人清", "小区门禁坏了半年没修", "业主大会从来没开过"),
            ("{when}起物业费涨到每平米2.5元",),
        ),
        ("请求更换物业公司", "要求公开物业费收支", "请主管部门督促整改"),
        ("物业服务", "物业乱收费", "小区物业管理"),
        ("{estate}物业乱涨价", "{company}物业不作为", "关于{estate}物业的投诉"),
    ),
    Matter(
        "late_delivery",
        "housing",
        "housing_construction",
        "group",
        "{estate}{company}",
        (
            "购房合同（编号{contract}）约定{when}交房，{estate}至今没有交付",
            "{company}开发的{estate}逾期交房一年多",
            "买的{estate}的房子，合同号{contract}，到现在还是个烂尾楼",
        ),
        (
            ("每月照样还房贷，自己还在租房", "工地早就停工了", "开发商说资金链断了"),
            ("{count}户业主都是这个情况", "售楼处已经关门"),
        ),
        ("请求督促开发商复工交房", "要求按合同支付违约金", "请住建部门介入"),
        ("商品房逾期交付", "{estate}逾期交房", "楼盘烂尾"),
        ("{estate}何时交房", "{estate}烂尾求助", "关于{company}逾期交房"),
    ),
    Matter(
        "restructure",
        "labour",
        "human_resources",
        "cross",
        "{company}",
        (
            "{company}{year}年改制，职工的经济补偿至今没有兑现",
            "我们是原{company}的职工，{year}年企业改制时说好的补偿金没有给",
            "原{company}改制，{count}名职工被买断工龄，补偿标准太低",
        ),
        (
            (
                "厂子改了名字，原来的负责人找不到了",
                "别的县同一个厂的职工也是这个情况",
                "养老保险也断缴了好几年",
            ),
            ("本人工龄{years}年", "{when}找过人社局，说要等政策"),
        ),
        ("请求落实改制职工补偿", "要求补缴改制期间的养老保险", "请政府出面解决遗留问题"),
        ("企业改制职工补偿", "改制职工安置", "{company}改制遗留"),
        ("{company}改制职工补偿问题", "改制职工的补偿何时兑现", "原{company}职工求助"),
    ),
    Matter(
        "wage_arrears",
        "labour",
        "human_resources",
        "any",
        "{company}{project}",
        (
            "{company}（统一社会信用代码{uscc}）拖欠我们{count}名工人工资{amount}",
            "在{project}工地干活，{company}欠工资{amount}不给",
            "{company}承建{project}，包工头跑了，欠薪{amount}",
        ),
        (
            ("过年回家的路费都没有", "找公司老板电话不接", "有考勤表和工资条"),
            ("{when}干完活到现在一分没拿到", "劳动监察说在协调"),
        ),
        ("请求督促企业支付工资", "要求依法追讨欠薪", "请帮农民工讨回血汗钱"),
        ("拖欠农民工工资", "欠薪", "{company}欠薪"),
        ("{company}拖欠工资", "农民工讨薪求助", "{project}欠薪"),
    ),
    Matter(
        "enforcement",
        "law",
        "court",
        "individual",
        "{case}",
        (
            "{case}判决{company}支付本人{amount}，至今没有执行",
            "本人申请执行{case}一案，执行款{amount}一直没到位",
            "（案号{case}）判决生效后对方拒不履行",
        ),
        (("对方名下明明有房有车", "执行法官说找不到财产", "已经过去两年多"), ("{when}申请的强制执行",)),
        ("请求法院加大执行力度", "要求对被执行人采取措施", "请督促尽快执行到位"),
        ("执行难", "判决不执行", "法院执行"),
        ("{case}执行难", "判决生效不执行怎么办", "执行款何时到位"),
    ),
    Matter(
        "school_fee",
        "education",
        "education",
        "group",
        "{school}",
        (
            "{school}强制学生到外地工厂顶岗实习",
            "{school}每学期另收{amount}的资料费",
            "孩子在{school}读书，学校逼着交住宿费{amount}",
        ),
        (("不去就不给发毕业证", "收费没有收据", "家长群里很多人敢怒不敢言"), ("{when}开学时开始收的",)),
        ("请求教育部门查处", "要求退还违规收取的费用", "请规范学校管理"),
        ("学校乱收费", "{school}收费", "强制实习"),
        ("{school}乱收费", "{school}强制实习", "关于{school}的问题"),
    ),
    Matter(
        "land_take",
        "land",
        "natural_resources",
        "group",
        "{village}{project}",
        (
            "{village}{count}亩地被{project}征用，补偿款没有发到位",
            "{project}占了{village}的耕地，征地补偿每亩只给{amount}",
            "{town}{village}的集体土地（不动产权证号{cert}）被{project}占用",
        ),
        (
            ("征地公告没有张贴", "村干部不公开分配明细", "地上的青苗没有补偿"),
            ("{when}开始施工", "现在没有地种，生活困难"),
        ),
        ("请求按标准足额补偿", "要求公开征地补偿明细", "请依法查处违法占地"),
        ("征地补偿", "{project}征地", "土地征收"),
        ("{village}征地补偿问题", "{project}占地补偿", "关于{village}土地被占"),
    ),
    Matter(
        "homestead",
        "land",
        "natural_resources",
        "individual",
        "{village}{cert}",
        (
            "本人在{village}的宅基地（{cert}）被邻居占了一半",
            "{town}{village}申请宅基地{when}交的材料，至今没有批",
            "我家宅基地证{cert}上的面积和实际不符，村里不给更正",
        ),
        (("找村委会调解了好几次", "镇里说要等规划", "一家人挤在老房子里"),),
        ("请求依法确权", "要求尽快审批", "请自然资源部门核实"),
        ("宅基地纠纷", "宅基地审批", "宅基地确权"),
        ("{village}宅基地纠纷", "宅基地审批太慢", "关于宅基地证的问题"),
    ),
    Matter(
        "road_damage",
        "transport",
        "township",
        "group",
        "{village}{road}",
        (
            "{village}通往{town}的{road}损坏严重",
            "{town}{road}路面坑洼不平，{village}村民出行困难",
            "{road}修好不到两年就烂了，{village}的人天天走",
        ),
        (("下雨天全是泥", "已经出过好几次事故", "拉粮食的车过不去"), ("{when}反映过一次", "村里说没有钱修")),
        ("请求尽快维修道路", "要求查一查修路的质量问题", "请镇政府安排修复"),
        ("道路损坏", "{road}破损", "村道维修"),
        ("{road}烂路何时修", "{village}道路损坏", "关于{road}路面破损"),
    ),
    Matter(
        "demolition",
        "housing",
        "township",
        "individual",
        "{contract}",
        (
            "征收补偿协议（{contract}）约定的安置房至今没有交付",
            "我家房屋被征收，协议编号{contract}，补偿款{amount}没有付清",
            "{project}征收我家房屋，补偿{amount}明显偏低",
        ),
        (("过渡费{when}以后就停发了", "一家人租房住", "评估面积少算了"),),
        ("请求按协议兑现", "要求重新评估", "请依法补偿"),
        ("房屋征收补偿", "拆迁安置", "征收协议不兑现"),
        ("征收协议不兑现", "{project}拆迁补偿问题", "安置房何时交付"),
    ),
    Matter(
        "dibao",
        "civil",
        "civil_affairs",
        "individual",
        "{village}",
        ("本人在{village}，家里五口人，低保{when}被取消", "{village}评低保优亲厚友，困难户评不上"),
        (("老伴瘫痪在床", "没有劳动能力", "找村里说名额满了"),),
        ("请求重新核定低保", "要求公开低保评议结果"),
        ("低保", "低保评定", "取消低保"),
        ("低保被取消", "{village}低保评定不公"),
    ),
    Matter(
        "hospital",
        "health",
        "health",
        "individual",
        "{county}{when}",
        (
            "{when}在{county}人民医院做手术后出现并发症",
            "家属在{county}人民医院住院，花了{amount}，明细对不上",
        ),
        (("医院拒不承担责任", "病历被改过", "医疗鉴定费太高"),),
        ("请求卫健部门调查", "要求医院赔偿"),
        ("医疗纠纷", "医院收费", "医患纠纷"),
        ("{county}人民医院医疗纠纷", "住院收费不透明"),
    ),
)

NEIGHBOUR_KEYS = ("property_fee", "parking_bundle", "late_delivery")
"""Matters neighbours in one estate raise beside its hot matter."""

OPENERS = {
    "网上信访": ("网民反映：", "尊敬的领导您好，", "各位领导：", "领导您好！"),
    "领导信箱": ("尊敬的书记您好：", "尊敬的市长：", "各位领导：", "尊敬的领导您好，"),
    "电话": ("群众来电反映：", "来电人反映：", "市民来电称："),
    "来访": ("信访人反映：", "来访人称：", "各位领导："),
    "来信": ("各位领导：", "尊敬的领导：", "信访人反映："),
    "其他": ("信访人反映：",),
}
CLOSERS = ("恳请领导调查处理。", "特此反映。", "已反映多次无果。", "望早日解决为盼！", "请领导重视！")
REPEATED = "（重复件）"
REGISTER_LINES = (
    "反映{short}问题",
    "反映{short}问题",
    "反映{short}",
    "来电反映{short}",
    "{name}反映{short}问题",
)
"""A visit register's or hotline summary's one line."""
TYPOS = (
    ("反映", "反应"),
    ("混凝土", "混泥土"),
    ("赔偿", "陪偿"),
    ("部门", "部们"),
    ("以后", "已后"),
    ("账", "帐"),
)
"""(right, as often mistyped)."""
ROADS = "建设 人民 解放 民主 和平 胜利 滨江 迎宾 光明 友谊 工业 朝阳 新华 文化 育才 振兴 富民 幸福"
ESTATE_HEADS = "锦绣 翡翠 香榭 御景 阳光 紫金 碧桂 盛世 水岸 金色 书香 铂悦 君临 城南 丽都 龙湖"
ESTATE_TAILS = ("华庭", "新城", "花园", "苑", "名都", "家园", "府")
SCHOOLS = ("职业技术学校", "职业技术学院", "学院", "中等专业学校", "实验中学")
PROJECTS = "快速路 安置区 产业园 物流港 综合体 污水管网 棚改 高铁新区 滨河公园 体育中心"
COMPANY_KINDS = ("房地产开发有限公司", "建设工程有限公司", "物业服务有限公司", "实业有限公司", "劳务有限公司")
BRANDS = "鸿运 嘉禾 泰和 恒昌 宏图 金桥 安居 盛达 信诚 福瑞 天成 众合 华晨 隆基 汇丰 永安"
