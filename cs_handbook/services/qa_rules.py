"""What the etiquette check knows beyond the published script sets, each piece with a name it can explain by.

The script sets are the standard; these rules carry the everyday language
around them: the families every greeting and closing belongs to, the words
an apology is built on, how a customer shows they are unhappy, the
interchangeable words a forbidden phrase is paraphrased with, and the
contexts in which a forbidden-looking phrase is innocent. Patterns use the
word-pattern syntax of `qa_text.Pattern` (`a|b` alternatives, `?x`
optional, `*N` up to N other words, `re:` expressions on word boundaries).
"""

from dataclasses import dataclass

from ..i18n import _


@dataclass(frozen=True)
class Rule:
    key: str
    title: str  # msgid naming the rule to the evaluator
    patterns: tuple[str, ...]


def rule(key, title, *patterns) -> Rule:
    return Rule(key, title, patterns)


GREETING_RULES = (
    rule("greeting-word", _("a greeting word (您好, 早上好 …)"),
         "您好|早上好|上午好|中午好|下午好|晚上好|您早|早安|哈喽|hello|hi|嗨"),
    rule("greeting-welcome", _("a welcome (欢迎光临, 欢迎咨询 …)"),
         "欢迎 光临|咨询|致电|来电|您", "欢迎光临"),
    rule("greeting-offer", _("an offer of service (很高兴为您服务, 有什么可以帮您)"),
         "高兴 *1 为您服务", "高兴 *1 为您 服务", "有 什么 *2 帮 *1 您", "有 什么 *2 帮到 *1 您", "为您服务"),
)

CLOSING_RULES = (
    rule("closing-wish", _("a good wish (祝您…愉快)"),
         "祝您 *6 愉快|顺利|健康|康复|平安|快乐|兴隆|如意|开心|一切顺利|生意兴隆|身体健康",
         "生活|工作|周末|旅途|购物|用车|使用|出行 愉快|顺利"),
    rule("closing-thanks", _("thanks for the call or the patience (感谢您的咨询 …)"),
         "感谢|感谢您|谢谢|谢谢您|多谢 *3 来电|咨询|耐心|支持|理解|配合|信任|光临|等待|关注|反馈|惠顾"),
    rule("closing-goodbye", _("a goodbye (再见, 慢走 …)"),
         "再见|拜拜|回见|慢走|下次见|欢迎再来", "欢迎 *1 再来", "欢迎 *1 下次 光临"),
    rule("closing-anything-else", _("asks whether anything else is needed"),
         "还有 其他|别的|什么|其它 *4 吗|么|需要|问题"),
    rule("closing-contact", _("invites the customer to come back (有问题随时联系)"),
         "随时 *2 联系|找|来电|咨询|沟通", "有 *2 问题|疑问|需要 *3 找|联系 我|我们"),
)

APOLOGY_RULES = (
    rule("apology-word", _("an apology word (抱歉, 对不起, 不好意思 …)"),
         "抱歉|对不起|不好意思|致歉|歉意|见谅|原谅|失误|添麻烦", "久等", "带来 *2 不便|困扰|麻烦"),
    rule("apology-empathy", _("empathy with the customer's feelings (理解您的心情)"), "理解 *1 您 *1 心情|感受"),
)
# "不用抱歉", "没什么不好意思的": the word is there, the apology is not.
APOLOGY_NEGATIONS = "不用|不必|无需|没什么|别"

DURATION = r"re:[0-9一二两三四五六七八九十几半]*(天|小时|个?钟头|分钟|个?星期|个?礼拜|周|个?月|下午|上午|晚上)"
DISSATISFACTION_RULES = (
    rule("unhappy-complaint", _("threatens to complain or rate badly (投诉, 差评 …)"),
         "投诉|差评|举报|曝光|12315"),
    rule("unhappy-feeling", _("says they are unhappy (失望, 生气, 烦死了 …)"),
         "不满|不满意|失望|生气|气死|气死我了|气人|烦|烦死|烦人|急死|急死了|郁闷|崩溃|无语|服了|受不了|忍不了"),
    rule("unhappy-slang", _("colloquial displeasure (醉了, 离谱, 呵呵, 坑 …)"),
         "醉 ?了", "离谱|呵呵|坑|坑人|坑爹|太坑|骗|骗子|骗人|忽悠|垃圾|摆设|敷衍|糊弄|扯皮|踢皮球|乱来|不像话"),
    rule("unhappy-blame", _("blames the company (凭什么, 搞什么, 什么态度 …)"),
         "凭 什么", "凭什么", "搞 什么|啥", "搞什么", "什么 *1 态度|服务|服务态度|破", "你们|您们 *6 怎么回事|怎么搞的",
         "过分|太过分|不靠谱|不负责|不专业|不合理|不讲理", "说好 的", "根本 *2 不|没|用不了|打不开"),
    rule("unhappy-too", _("says something is too slow, bad or troublesome (太慢, 太差 …)"),
         "太|也太|真|好|这么|那么 慢|差|麻烦|少|烂|难用|复杂|离谱|过分|久|不方便|不合理|让人失望",
         "太慢|太差|太烂|太少|太久|太麻烦|太难|好慢|真慢"),
    rule("unhappy-waiting", _("has been waiting or is still waiting (等了半天, 怎么还没 …)"),
         f"等 ?了 *2 {DURATION}|好久|很久|这么久|那么久|半天|一天|两天|三天",
         "等 半天|好久|这么久", "等不起|等不了",
         "怎么|为什么 *1 还 没|不|没有|没收", "都|已经 *4 了 *2 还 没|不|没有|没收|是",
         "到现在 *3 没|还没|都没|还", "一直 没|不|没有|没收|都没|联系不上",
         "人呢", "没人 *1 回|理|管|接", "没 人 回|理|管|接"),
    rule("unhappy-again", _("the problem happened again (又延误了, 第三次 …)"),
         "又 *2 延误|坏|错|发错|崩|崩了|掉线|出错|失败|没|卡|晚|慢|涨|扣|不行",
         "每次 都", r"re:第[二三四五六七八九十几]次", r"re:[两三四五六七八九十几多]+次 *4 都|还 没|没有|不|没收",
         "好几次|好多次|多少次", "几次 了"),
    rule("unhappy-demand", _("demands an answer (到底…不…)"),
         "到底 *3 什么时候|还要|多久|能不能|行不行|管不管|送不送|有没有|怎么|要不要|修不修|退不退",
         r"到底 *2 re:(.)不\1"),
    rule("unhappy-damage", _("received something damaged"),
         "坏 ?了", "破 了", "碎 了", "漏 了", "裂|裂痕|刮花|划痕|变形", "刮 *1 裂"),
)
CHASING = rule("unhappy-ignored", _("writes again after waiting unanswered (有人吗?)"),
               "有人|在吗|在不在|人呢|回复|没人", "回 *1 我", "理 *1 我")
# Words before a cue that take it back: "我不是要投诉", "也不算太慢".
CUE_NEGATIONS = "不|没|没有|不是|并不|并没有|不算|不会|会不会|不要|别|并非"
# A damage word is a complaint only when the thing came from us, not when
# the customer's own phone broke.
DAMAGE_CONTEXT = "收到|到手|刚到|送到|送来|寄来|拆开|打开|刚买|新买|运|快递|你们|您们|上次|这次|保养|维修|修"

# Interchangeable words a forbidden phrase may be said with. A phrase that
# contains one member is also looked for with each other member.
FORBIDDEN_THESAURUS = (
    ("不知道", "不清楚", "不太清楚", "不晓得", "不了解", "不太了解"),
    ("没办法", "没法", "没辙", "没有办法", "办不了", "做不到", "无能为力"),
    ("不归我管", "不归我们管", "不归我们这边管", "不关我的事", "不是我负责", "不是我们负责", "不归我们负责"),
    ("找别人去", "找别人", "问别人", "找别的部门", "找其他部门", "找商家去", "找卖家去", "找销售去", "问问4s店",
     "找厂家去", "问别的部门"),
    ("您自己看", "您自己翻", "您自己查", "您自己找", "您自己问", "您自己弄", "您自己研究"),
    ("这是规定", "这是公司规定"),
    ("就是这样", "就这样", "就是这么规定的"),
    ("急什么", "急啥", "着什么急", "急个什么", "急个啥"),
    ("听不懂", "听不明白", "不明白"),
    ("说过了", "说了", "讲过了", "讲了", "说过"),
    ("想怎么样", "要怎么样", "想怎样", "要怎样"),
    ("干嘛", "啥事", "什么事", "干什么", "干啥"),
    ("爱买不买", "爱要不要", "爱用不用", "不买拉倒", "爱买就买"),
    ("您去投诉吧", "要投诉就去投诉", "随便投诉", "随便您投诉", "投诉也没用", "爱投诉就投诉"),
    ("一直都是这样", "一直都这样", "一直这样", "向来如此", "都是这样"),
    ("明天再说", "明天再来", "明天再问", "明天再来问", "明天再联系"),
    ("改不了", "改不了的", "没法改", "不能改"),
    ("耐心等待", "耐心等", "耐心等一下"),
)
# Words that may be left out of a forbidden phrase or may sit inside one
# without changing what it says ("不归我们部门管" is "不归我管").
FUNCTION_WORDS = frozenset("的 了 是 就 都 也 去 吗 么 跟 和 给 请 一下".split())
FILLER_WORDS = frozenset(
    "去 来 再 也 都 就 还 先 给 一下 的 了 是 得 要 真的 实在 确实".split()
    + "这边 那边 部门 公司 我们 网点 柜台 店里 官网 网上".split()
)

# Contexts in which a forbidden-looking phrase is not said as one. Each
# names itself in the finding that excuses the phrase.
HYPOTHETICAL = rule("context-hypothetical", _("said as a condition (如果…的话)"),
                    "如果|要是|假如|万一|若|若是|即使|就算|哪怕")
CONCESSIVE = rule("context-concessive", _("followed by a reassurance (…也没关系)"),
                  "也没关系|没关系|不要紧|也不要紧|也可以|也行|也不影响|的话")
ABOUT_CUSTOMER = rule("context-question", _("a polite question to the customer (不知道您…)"),
                      "您|是不是|是否|有没有|能不能|可不可以|方不方便")
DESCRIPTIVE = rule("context-descriptive", _("describes something (不清楚的地方 …)"), "的地方|的问题|的部分|的内容")
NEGATED = rule("context-negated", _("negated (不是没办法 …)"), "不是|并不是|并非|不会")
POLITE = rule("context-polite", _("a polite request with guidance (麻烦您自己…)"), "麻烦|请|烦请|劳烦|建议|可以")
EXPLAINED = rule("context-explained", _("the rule is explained (因为…)"), "因为|由于|是为了|为了|主要是|目的是|原因是")
TIME_GIVEN = rule("context-time", _("a time for the next step is given"),
                  r"re:[0-9一二两三四五六七八九十半]+(点|号|日|个?小时|分钟|天|个?工作日)",
                  "今天|明天|今晚|本周|下周|以内|之前|前")
QUOTED = _("quoted, not said by the agent")
# Script situations whose forbidden phrases are wrong for a missing time
# ("我们会尽快处理的"): given a time, they are what the script asks for.
TIME_SITUATIONS = {"next-step"}
# Speakers of the chat system itself, and how exports mark an automatic
# reply sent in the agent's name.
AUTO_REPLY = r"^\s*[【\[（(「]?\s*(自动回复|系统消息|系统提示|机器人|auto[- ]?reply)\s*[】\]）)」:：]"
