"""Chinese text templates for the demo: lead descriptions, resolutions, units, skills, addresses."""

from __future__ import annotations

import random
from typing import Any

SKILLS = ("first_aid", "mediation", "dialect_chongqing", "driving", "night_shift", "fire_safety",
          "legal", "counselling", "photography")
SKILL_BIAS = {
    "grid_worker": ("dialect_chongqing", "photography"), "response_unit": ("first_aid", "driving",
    "night_shift", "fire_safety"), "security_committee": ("mediation", "night_shift"),
    "mediator": ("mediation", "legal", "counselling"), "community_worker": ("counselling", "legal"),
    "patrol": ("night_shift", "driving"), "property": ("fire_safety", "night_shift"),
    "volunteer": ("first_aid", "photography"), "activist": ("dialect_chongqing", "mediation"),
    "party_member": ("mediation", "counselling"),
}

LEAD_TEMPLATES: dict[str, list[str]] = {
    "public_order": """
        {p}有人酒后争吵，声音很大，影响周边居民休息。
        {p}有几名青年聚集喧哗，疑似要打架。
        {p}夜宵摊噪音扰民，居民多次反映。
        {p}有人乱停乱放堵住消防通道，劝说无效。
        {p}广场舞音响声音过大，附近住户意见很大。
        {p}发现有人张贴非法小广告。
    """.split(),
    "suspicious": """
        {p}有陌生人反复查看单元门和电表箱，形迹可疑。
        {p}有一辆无牌面包车连续{n}天夜间停放，车内有人。
        {p}有人挨家挨户推销保健品，自称社区工作人员。
        {p}发现有人在楼道拍摄门牌号。
        {p}有可疑人员尾随独居老人进入单元。
    """.split(),
    "dispute": """
        {p}两户邻居因漏水问题发生争执，需要调解。
        {p}楼上楼下因噪音问题多次发生口角。
        {p}业主与物业因停车收费发生纠纷。
        {p}夫妻吵架，一方情绪激动，邻居担心出事。
        {p}工人反映被拖欠工资{n}个月，情绪激动。
        {p}商户与顾客因退货问题发生争吵。
    """.split(),
    "fraud": """
        {p}一位老人接到自称公安的电话要求转账，家属请求帮助劝阻。
        居民反映{p}有人以高息理财为名拉人投资，疑似非法集资。
        {p}有老人准备到银行汇款给“网恋对象”，网格员发现后上报。
        {p}有人冒充燃气公司上门收费。
        {p}居民收到冒充快递理赔的电话，已转账{n}百元。
    """.split(),
    "fire": """
        {p}楼道堆放大量杂物，存在消防隐患。
        {p}电动车在楼道内充电，飞线充电情况严重。
        {p}闻到烟味，疑似有人焚烧垃圾。
        {p}消防栓损坏漏水，灭火器已过期。
        {p}一家餐馆油烟管道起火，已自行扑灭，需要检查。
    """.split(),
    "help": """
        {p}独居老人{n}天未出门，邻居担心，请求上门查看。
        {p}有一名走失老人，说不清家庭住址。
        {p}一名小孩与家长走散，在路边哭泣。
        {p}居民钥匙反锁，屋内有老人需要帮助。
        {p}有精神状态异常人员在街边徘徊，需要关注。
    """.split(),
    "traffic": """
        {p}路口信号灯故障，车辆通行混乱。
        {p}发生两车轻微刮擦，双方争执不下。
        {p}有货车长期占道停放，影响学生上下学。
        {p}路面塌陷，存在安全隐患。
        {p}上下学时段电动车逆行较多，很危险。
    """.split(),
    "other": """
        {p}路灯损坏{n}盏，夜间照明不足。
        {p}井盖缺失，已临时设置警示。
        {p}有流浪狗追咬行人，请求处理。
        {p}监控探头损坏，需要维修。
        {p}树枝断裂悬挂在人行道上方，有坠落危险。
    """.split(),
}
LEVEL_TEXT = {
    "grid": "网格员会同队员现场处置，", "community": "社区民警会同社区工作人员处置，",
    "station": "移交派出所处置，", "district": "上报分局指挥中心协调相关部门处置，",
}
OUTCOMES = ("已劝解，双方达成谅解。", "已清理完毕，隐患消除。", "已联系家属，当事人安全。",
            "已登记并持续关注。", "已告知相关部门，问题已解决。", "已现场核实并做好记录。")
PLACES = ("{a}附近", "{a}楼下", "{a}门口", "{c}菜市场旁", "{c}小区大门", "{r}公交站")

DISPUTE_TEXTS: dict[str, list[str]] = {
    "neighbour": """
        楼上漏水导致楼下天花板受损，双方就赔偿发生争执。
        邻居长期在公共楼道堆放杂物，多次协商未果。
        楼上装修噪音大，影响老人和孩子休息。
        因宠物狗吠叫扰民，两户邻居发生口角。
    """.split(),
    "family": """
        兄弟姐妹因老人赡养费用分摊发生矛盾。
        夫妻因家庭琐事长期争吵，一方要求社区介入。
        子女因父母遗留房屋分割产生纠纷。
    """.split(),
    "property": """
        业主与物业公司因停车费和车位分配发生纠纷。
        小区电梯维修费用分摊引发业主与物业矛盾。
        物业服务质量下降，部分业主拒交物业费。
    """.split(),
    "labour": """
        装修工人反映被拖欠工资，与包工头发生争执。
        餐馆员工离职后工资结算产生纠纷。
        快递站点临时工与站点负责人因工时计算发生矛盾。
    """.split(),
    "consumer": """
        居民在社区超市购买到过期食品，要求赔偿。
        预付卡健身房停业，会员要求退款。
        家电维修收费与事先约定不符，引发纠纷。
    """.split(),
    "other": """
        相邻商铺因占道经营发生争执。
        因共用水表费用分摊产生矛盾。
        小区广场使用时段安排引发不同群体矛盾。
    """.split(),
}
DISPUTE_OUTCOMES = """
    经调解，双方达成书面协议并当场履行。
    经社区民警和调解员调解，双方互谅互让，矛盾化解。
    引导当事人通过法律途径解决，已出具调解意见。
    物业承诺整改，业主表示满意。
    一方赔偿损失，双方握手言和。
""".split()
MEDIATION_NOTES = """
    上门了解情况，分别听取双方诉求。
    组织双方面对面调解，初步达成一致意见。
    联系物业和楼栋长共同协调。
    电话回访，确认协议履行情况。
    邀请法律顾问讲解相关法律规定。
""".split()
UNIT_KINDS_COMMUNITY = ("property", "shop", "shop", "school", "hospital", "company",
                        "volunteer_group")
UNIT_KINDS_VILLAGE = ("shop", "company", "volunteer_group", "school")
UNIT_NAMES = {
    "property": ("{w}物业服务有限公司", "{w}物业管理处"),
    "shop": ("{w}超市", "{w}大药房", "{w}五金店"),
    "school": ("大渡口区{w}小学", "{w}幼儿园", "{w}中学"),
    "hospital": ("{w}社区卫生服务站", "大渡口区{w}诊所"),
    "company": ("重庆{w}机械有限公司", "重庆{w}物流有限公司", "重庆{w}建材有限公司"),
    "volunteer_group": ("{w}平安志愿者协会", "{w}红袖标志愿队"),
}
UNIT_SERVICES = {
    "property": ("小区监控共享", "门岗登记", "应急物资存放", "夜间巡查", "消防通道清理"),
    "shop": ("平安驿站", "临时避险点", "失物招领", "反诈宣传点", "监控共享"),
    "school": ("场地借用", "安全教育课堂", "家长志愿者", "应急避难场所"),
    "hospital": ("急救培训", "医疗救护", "心理咨询", "老人健康随访"),
    "company": ("车辆支援", "应急人员", "监控共享", "物资捐助"),
    "volunteer_group": ("义务巡逻", "反诈宣传", "帮扶独居老人", "矛盾调解", "交通劝导"),
}


def skills_for(kind: str, rng: random.Random) -> list[str]:
    """One to three skills, leaning to what the team kind needs, in a fixed order."""
    picked = set(rng.sample(SKILL_BIAS.get(kind, SKILLS), 1))
    for _ in range(rng.choice((0, 1, 1, 2))):
        picked.add(rng.choice(SKILLS))
    return [s for s in SKILLS if s in picked]


def availability(night: bool, rng: random.Random) -> dict[str, Any]:
    if night:
        days = sorted(rng.sample(range(7), rng.randint(3, 6)))
        return {"days": days, "from": "18:00", "to": rng.choice(("23:30", "23:59")), "night": True}
    weekdays = rng.random() < 0.6
    days = [0, 1, 2, 3, 4] if weekdays else sorted(rng.sample(range(7), rng.randint(2, 5)))
    start = rng.choice(("07:30", "08:00", "08:30", "09:00", "14:00"))
    end = rng.choice(("12:00", "17:30", "18:00", "20:00", "21:00"))
    if start >= end:
        start, end = "08:00", "12:00"
    return {"days": days, "from": start, "to": end, "night": False}


def unit_kinds(community_kind: str, n: int, rng: random.Random) -> list[str]:
    pool = UNIT_KINDS_COMMUNITY if community_kind == "community" else UNIT_KINDS_VILLAGE
    return [rng.choice(pool) for _ in range(n)]


def unit_name(kind: str, spec: Any, rng: random.Random) -> str:
    word = spec.name.removesuffix("社区").removesuffix("村")
    if rng.random() < 0.4:
        word = rng.choice(spec.roads)[:2]
    return rng.choice(UNIT_NAMES[kind]).format(w=word)


def unit_services(kind: str, rng: random.Random) -> list[str]:
    options = UNIT_SERVICES[kind]
    return rng.sample(options, rng.randint(2, min(4, len(options))))


def addresses(spec: Any, rng: random.Random, n: int) -> list[str]:
    """n street addresses in a community: road + number, sometimes a building."""
    out = []
    for _ in range(n):
        road = rng.choice(spec.roads)
        extra = f"{rng.randint(1, 24)}栋" if rng.random() < 0.5 else ""
        out.append(f"{road}{rng.randint(1, 399)}号{extra}")
    return out


def place(address: str, spec: Any, rng: random.Random) -> str:
    road = rng.choice(spec.roads)
    return rng.choice(PLACES).format(a=address, c=spec.name, r=road)


def lead_description(category: str, where: str, rng: random.Random) -> str:
    return rng.choice(LEAD_TEMPLATES[category]).format(p=where, n=rng.randint(2, 6))


def dispute_text(kind: str, rng: random.Random) -> str:
    return rng.choice(DISPUTE_TEXTS[kind])


def dispute_outcome(rng: random.Random) -> str:
    return rng.choice(DISPUTE_OUTCOMES)


def mediation_note(rng: random.Random) -> str:
    return rng.choice(MEDIATION_NOTES)


def resolution(level: str, rng: random.Random) -> str:
    return LEVEL_TEXT[level] + rng.choice(OUTCOMES)
