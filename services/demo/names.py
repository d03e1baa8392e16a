"""Invented names, phones and resident ID numbers for the demo: plausible, never real people."""

from __future__ import annotations

import random
from datetime import date, timedelta

from services.core.validation import id_check_character

# Two-character place words with their pinyin, for communities (urban) and villages (rural).
URBAN_WORDS = (
    "翠湖 Cuihu,锦华 Jinhua,金桥 Jinqiao,松涛 Songtao,柏杨 Baiyang,桂园 Guiyuan,兰亭 Lanting,"
    "梅岭 Meiling,竹苑 Zhuyuan,荷塘 Hetang,芙蓉 Furong,紫薇 Ziwei,银杏 Yinxing,青松 Qingsong,"
    "碧水 Bishui,明月 Mingyue,朝阳 Chaoyang,晨曦 Chenxi,和平 Heping,建设 Jianshe,新华 Xinhua,"
    "胜利 Shengli,长征 Changzheng,光明 Guangming,民主 Minzhu,团结 Tuanjie,钢花 Ganghua,"
    "钢城 Gangcheng,锦城 Jincheng,滨江 Binjiang,江岸 Jiang'an,望江 Wangjiang,临江 Linjiang,"
    "观澜 Guanlan,沙湾 Shawan,柳岸 Liu'an,石门 Shimen,双山 Shuangshan,龙泉 Longquan,"
    "凤鸣 Fengming,麒麟 Qilin,白鹤 Baihe,锦绣 Jinxiu,幸福 Xingfu,康居 Kangju,安宁 Anning,"
    "宁和 Ninghe,祥瑞 Xiangrui,嘉苑 Jiayuan,华庭 Huating,星光 Xingguang,月湖 Yuehu,"
    "泰康 Taikang,永安 Yong'an,长乐 Changle,育才 Yucai,文昌 Wenchang,书香 Shuxiang,"
    "桃源 Taoyuan,柳荫 Liuyin,枫林 Fenglin,秀水 Xiushui,清泉 Qingquan,晓月 Xiaoyue,"
    "金鼎 Jinding,玉带 Yudai,天星 Tianxing,大堰 Dayan,翠柏 Cuibai,华新 Huaxin,新桥 Xinqiao,"
    "红梅 Hongmei"
).split(",")
RURAL_WORDS = (
    "黄桷 Huangjue,石岗 Shigang,水井 Shuijing,田坝 Tianba,杨湾 Yangwan,李家 Lijia,陈湾 Chenwan,"
    "柏树 Baishu,高峰 Gaofeng,白沙 Baisha,大湾 Dawan,小河 Xiaohe,长岭 Changling,桥口 Qiaokou,"
    "金鸡 Jinji,龙井 Longjing,松树 Songshu,竹林 Zhulin,堰塘 Yantang,马鞍 Ma'an,双河 Shuanghe,"
    "观音 Guanyin,梨园 Liyuan,茶园 Chayuan,凉风 Liangfeng,青杠 Qinggang,石板 Shiban,"
    "新民 Xinmin,联合 Lianhe,中坝 Zhongba,和睦 Hemu,东风 Dongfeng"
).split(",")
SHUANGLIN = ("双林", "Shuanglin")
ROAD_WORDS = list(
    "钢花 锦愉 松青 春晖 翠园 柏华 金桥 文体 建胜 八桥 双林 晋愉 大堰 茄子溪 跃进 新山 九宫 "
    "滨江 临江 长征 胜利 民主 育才 锦城 朝阳 和平 建设 星光 龙泉 石林 马王 伏牛 柳荫 金鼎".split()
)
ROAD_KINDS = ["路", "街", "大道", "支路", "巷"]

SURNAMES = list(
    "王王王李李李张张刘刘陈陈杨杨黄赵周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓冯曾程蔡彭潘袁"
    "余董苏叶吕魏蒋田杜丁沈姜范江傅钟卢汪戴崔任陆廖姚方金邱夏谭韦贾邹石熊孟秦薛侯雷白龙段"
)
MALE = list("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋志建国文兵德成福海峰亮")
FEMALE = list("芳娜敏静丽艳娟霞秀玲燕红梅琳雪婷莉倩萍慧颖琴兰凤洁蓉丹晶欣悦怡佳月桂英珍")
PHONE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "198", "199",
]
# Chongqing county codes; most residents are registered in Dadukou (500104) itself.
AREA_CODES = ["500104"] * 12 + [
    "500101", "500103", "500105", "500106", "500107", "500108", "500112", "500113", "500222",
    "500381", "500383", "500230",
]


def place_words(rng: random.Random, urban: int, rural: int) -> tuple[list[str], list[str]]:
    """Distinct 'name pinyin' pairs for communities and villages (Shuanglin kept aside)."""
    return rng.sample(URBAN_WORDS, urban), rng.sample(RURAL_WORDS, rural)


def person_name(rng: random.Random, male: bool) -> str:
    pool = MALE if male else FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.62 else "")
    return rng.choice(SURNAMES) + given


class PhoneBook:
    """Hands out distinct invented mainland mobile numbers."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def next(self) -> str:
        while True:
            number = self._rng.choice(PHONE_PREFIXES) + f"{self._rng.randrange(10**8):08d}"
            if number not in self._used:
                self._used.add(number)
                return number


class IdRegistry:
    """Hands out distinct, valid invented resident ID numbers."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self._rng = rng
        self._today = today
        self._used: set[str] = set()

    def next(self, male: bool, min_age: int = 18, max_age: int = 75,
             area: str | None = None) -> str:
        rng = self._rng
        while True:
            age = rng.randint(min_age, max_age)
            latest = _birthday(self._today, age)  # born on or before this day to be `age` today
            born = latest - timedelta(days=rng.randrange(365))
            seq = rng.randrange(50) * 10 + rng.randrange(5) * 2 + (1 if male else 0)
            first17 = f"{area or rng.choice(AREA_CODES)}{born:%Y%m%d}{seq:03d}"
            number = first17 + id_check_character(first17)
            if number not in self._used:
                self._used.add(number)
                return number


def _birthday(today: date, age: int) -> date:
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)
