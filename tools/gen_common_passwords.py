"""Write services/accounts/data/common_passwords.txt: passwords people pick first, lower-case.

Built offline from what public breach-corpus studies keep finding at the top: the same few
hundred words, names, keyboard walks and digit runs, with the same few suffixes (digits,
years, 520/1314 in Chinese lists). Only entries of 8 to 64 characters are kept, since the
policy refuses shorter ones anyway. Run: `uv run python tools/gen_common_passwords.py`.
"""

from __future__ import annotations

from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "services/accounts/data/common_passwords.txt"

WORDS = """
password passw0rd p@ssword p@ssw0rd pass pa55word letmein welcome welcome1 admin
administrator root toor login master secret default guest user test tester changeme
qwerty qwertyuiop qwertyui asdfgh asdfghjk asdfghjkl zxcvbn zxcvbnm qazwsx qazwsxedc
iloveyou loveyou lovely loveme love monkey dragon shadow sunshine princess football
baseball basketball soccer hockey superman batman spiderman starwars pokemon freedom
whatever trustno1 michael jennifer jordan hunter ranger buster thomas robert daniel
charlie jessica ashley andrew joshua matthew nicole amanda michelle tigger summer
winter autumn spring flower flowers purple orange yellow silver golden diamond
chocolate cookie cheese pepper ginger banana cherry apple computer internet google
facebook youtube twitter samsung iphone android windows linux ubuntu microsoft
killer hello hello123 hellokitty angel angels heaven jesus christ blessed
beautiful babygirl baby butterfly friends family forever always mustang ferrari
porsche mercedes yamaha harley corvette chelsea arsenal liverpool barcelona madrid
juventus manchester united lakers yankees cowboys steelers eagles warriors
matrix phoenix zxcvbnm123 access letmein1 mypassword newpassword oldpassword
nopassword sexy pussy fuckyou fuckoff bitch asshole cocacola pepsi snoopy scooby
mickey minnie donald garfield doraemon naruto sasuke goku pikachu mario zelda
minecraft fortnite roblox warcraft starcraft dota counter gamer player
abcdef abcdefg abcdefgh abcd abc qwe asd zxc aaa qweasd qweasdzxc 1qaz2wsx zaq12wsx
1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 a1b2c3d4 a1s2d3f4 1a2b3c4d
qwer1234 asdf1234 zxcv1234 abcd1234 abc12345 qwe12345 asd12345 1234abcd 1234qwer
passport security secure system server network office company business money
dollar million lucky lucky7 fortune success victory champion winner thunder
lightning storm rainbow ocean river mountain forest tiger lion eagle falcon
wolf bear dolphin panda kitty kitten puppy doggie horse rabbit turtle monkey1
marina natasha svetlana tatiana olga elena anna maria sofia sophie emily emma
olivia isabella chloe grace hannah sarah laura lauren rachel rebecca samantha
stephanie victoria alexander alexandra christopher christian benjamin william
james john david richard joseph charles george edward henry oliver jack harry
peter paul mark steven kevin brian jason justin tyler brandon ryan eric adam
patrick nathan samuel jonathan anthony martin simon stefan lucas leonardo
zhangwei wangwei liwei liuwei chenwei zhangjie wangjing lijing liujing wangfang
zhangmin limin wangyong liyong zhangyong wanglei lilei zhanglei liuyang wangyang
zhangyan liyan wangli lina zhangli wangxin lixin zhangxin wanghui lihui liuhui
woaini woaini1314 woaini520 aini aini1314 iloveyou520 wobuaini laopo laogong
baobao baobei xiaobao xiaoming xiaohong xiaoyu xiaomei meimei tingting lili
nihao nihaoma zhongguo china chinese beijing shanghai chongqing guangzhou shenzhen
tianjin chengdu wuhan nanjing hangzhou xian dadukou pingan pinganfu jingcha
gongan police policeman sheriff army navy soldier captain commander general
wangzhe yingxiong diannao mima mimamima shouji weixin qq123456 qqqqqqqq
taobao zhifubao alipay wechat baidu tencent huawei xiaomi lenovo haier
fuwuqi guanliyuan zhanghao denglu yonghu ceshi ceshi123 test1234 test123
jiayou kuaile xingfu pingpingan pinganxiang wanshiruyi yiluping anquan
""".split()

DIGITS = """
00000000 11111111 22222222 33333333 44444444 55555555 66666666 77777777 88888888
99999999 12345678 123456789 1234567890 0123456789 9876543210 87654321 987654321
12341234 12344321 11223344 11112222 12121212 13131313 14141414 520520520 52013140
5201314520 13145200 131452000 1314520520 147258369 159357456 159753456 123123123
321321321 456456456 789789789 147147147 258258258 369369369 741852963 963852741
123456654321 11111111111 00000000000 12345678910 1357924680 2468013579 13572468
12348765 147852369 159632147 123654789 789456123 741258963 852456789 3141592653
31415926 27182818 88886666 66668888 16888888 18888888 68686868 86868686 51515151
52105210 25802580 52113145 20080808 20202020 20212021 19491001 19841984 19901990
""".split()

KEYBOARD = """
qwertyuiop asdfghjkl zxcvbnm qwertyui asdfghjk zxcvbnm1 1qaz2wsx3edc 1qazxsw2
qazwsxedcrfv zaq1xsw2 zaq1zaq1 qwertyqwerty asdasdasd qweqweqwe zxczxczxc
1qaz@wsx !qaz2wsx 1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i qwer4321 poiuytrewq
lkjhgfdsa mnbvcxz mnbvcxz1 qwerasdf qwerasdfzxcv asdfqwer 147896325 qweasdzxc123
""".split()

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "01", "007", "11", "88",
            "520", "1314", "@123", "2020", "2023", "2024", "2025", "2026"]
# Seen in this project: the demo password and local favourites must never become real ones.
EXTRA = """
pingan-demo police110 changeit 123456abc 13141314 a1234567 aa123456 aa123456! autumn2026
spring2026 summer2026 winter2026 pingan110 pingan123456 jingwu123 jingwushi
""".split()


def build() -> list[str]:
    found: set[str] = set(DIGITS) | set(KEYBOARD) | set(EXTRA)
    for word in WORDS:
        for suffix in SUFFIXES:
            found.add(word + suffix)
        found.add(word + word)
    for year in range(1950, 2031):  # birthdays as people type them: 19900101, 01011990
        for mmdd in ("0101", "0520", "0808", "1001", "1111", "1212", "1231"):
            found.add(f"{year}{mmdd}")
            found.add(f"{mmdd}{year}")
    return sorted(p for p in found if 8 <= len(p) <= 64)


def main() -> None:
    words = build()
    header = ("# Common passwords refused by the policy (lower-case, 8-64 characters).\n"
              "# Generated by tools/gen_common_passwords.py: do not edit by hand.\n")
    TARGET.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} passwords to {TARGET}")


if __name__ == "__main__":
    main()
