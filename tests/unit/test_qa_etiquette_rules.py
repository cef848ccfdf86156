"""The etiquette check piece by piece: word matching, its rules, context, speakers and explanations."""

from datetime import UTC, datetime, timedelta

import pytest

from cs_handbook.services import qa_rules as R
from cs_handbook.services.qa_checks import unhappy_turn
from cs_handbook.services.qa_etiquette import Turn, check_transcript, speaker_role
from cs_handbook.services.qa_scripts import ScriptPhrase, checker_for
from cs_handbook.services.qa_text import Pattern, clauses_of, match
from tests.unit.test_qa_etiquette_labelled import load_phrases

START = datetime(2026, 3, 2, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def phrases():
    return load_phrases()


def chat(*turns):
    """turns: (speaker, seconds, text)."""
    return [Turn(speaker, START + timedelta(seconds=at), text) for speaker, at, text in turns]


def findings(phrases, *turns, check=None):
    found = check_transcript(chat(*turns), phrases, 60)
    return [f for f in found if check is None or f.check == check]


def one_agent_turn(phrases, text, check):
    return findings(phrases, ("customer", 0, "你好"), ("agent", 20, text), check=check)


def test_words_are_matched_on_word_boundaries():
    found = lambda pattern, text: match(Pattern.parse(pattern), clauses_of(text)[0])  # noqa: E731
    assert found("怎么 还", "信用卡怎么还款比较方便") is None  # 怎么/还款, not 怎么还
    assert found("怎么 还", "怎么还没到") is not None
    assert found("急 什么", "急着什么时候用") is None
    assert found("急 什么", "急什么呀") is not None  # the particle is not a word
    assert found("不知道", "收件人电话不知道也没关系") is not None  # one phrase, two jieba words
    assert found("没 办法", "我看看有没有办法") is None  # 有没有/办法
    assert found("人呢", "人呢？？") is not None
    assert found("您 *1 看", "你自己去看吧") is None and found("您 自己 *1 看", "你自己去看吧") is not None


@pytest.mark.parametrize("text, key", [
    ("您好呀，很高兴为你服务～", "script"),
    ("在的亲，请问有什么可以帮您？", "greeting-offer"),
    ("哈喽，您好！支持的。", "greeting-word"),
    ("欢迎光临，新品都在首页。", "greeting-welcome"),
    ("喂，您好，众驰4S店服务中心。", "greeting-word"),
])
def test_greetings_in_their_varied_wordings(phrases, text, key):
    finding = one_agent_turn(phrases, text, "greeting")[0]
    assert finding.ok, text
    assert finding.phrase if key == "script" else finding.rule == next(
        r.title for r in R.GREETING_RULES if r.key == key)


@pytest.mark.parametrize("text", ["在，说", "单号多少？", "您好像填错了地址。", "稍等哈", "喂，啥事？"])
def test_no_greeting(phrases, text):
    finding = one_agent_turn(phrases, text, "greeting")[0]
    assert not finding.ok and finding.evidence == text


@pytest.mark.parametrize("text", ["好的，那先这样，有问题您再找我，祝您一切顺利！", "还有别的问题吗？",
                                  "不客气，再见！", "感谢你的咨询，周末愉快！", "好嘞，有问题随时找我哈～"])
def test_closings_in_their_varied_wordings(phrases, text):
    assert one_agent_turn(phrases, text, "closing")[0].ok, text


@pytest.mark.parametrize("text", ["好的", "发了", "嗯，到时候过来就行。", "那您先试试语音的吧。",
                                  "您是要电子保单还是纸质的？"])
def test_no_closing(phrases, text):
    assert not one_agent_turn(phrases, text, "closing")[0].ok, text


@pytest.mark.parametrize("text, key", [
    ("我要投诉你们", "unhappy-complaint"),
    ("交了三年保费，太让人失望了", "unhappy-feeling"),
    ("你们这效率真是醉了", "unhappy-slang"),
    ("太离谱了，打了三次电话", "unhappy-slang"),
    ("呵呵，说好的48小时发货呢？", "unhappy-slang"),
    ("凭什么扣我两百块", "unhappy-blame"),
    ("你这什么服务态度", "unhappy-blame"),
    ("你们的快递太慢了吧", "unhappy-too"),
    ("人呢？等了半天了", "unhappy-waiting"),
    ("都一个礼拜了还没收到", "unhappy-waiting"),
    ("我昨天报的问题怎么还没修好？", "unhappy-waiting"),
    ("又延误了", "unhappy-again"),
    ("这已经是第三次来修了", "unhappy-again"),
    ("你们到底送不送？", "unhappy-demand"),
    ("刚收到的箱子，杯子碎了两个", "unhappy-damage"),
])
def test_the_customer_shows_displeasure(text, key):
    found = unhappy_turn(chat(("customer", 0, text)), 60)
    assert found is not None, text
    assert found[2] == next(r.title for r in R.DISSATISFACTION_RULES if r.key == key)


@pytest.mark.parametrize("text", [
    "你好，请问信用卡怎么还款比较方便？", "我手机坏了换了新号码", "我不是要投诉，就是想问下保养记录",
    "烦请帮忙看下签收人", "这款有人评价说容易坏，是真的吗？", "不好意思打扰一下，你们几点下班", "这两款到底哪个好看",
    "急着用，能今天发吗", "也不算太慢，就是问问", "朋友喝醉了手机落车上了",
])
def test_innocent_customer_words(text):
    assert unhappy_turn(chat(("customer", 0, text)), 60) is None, text


def test_a_customer_chasing_an_unanswered_chat_is_unhappy():
    turns = chat(("customer", 0, "在吗？我的件显示签收了"), ("customer", 20, "有人吗"))
    assert unhappy_turn(turns, 60) is None  # twenty seconds is no wait
    turns = chat(("customer", 0, "在吗？我的件显示签收了"), ("customer", 300, "有人吗"))
    assert unhappy_turn(turns, 60)[2] == R.CHASING.title


@pytest.mark.parametrize("text, phrase", [
    ("急啥，今天肯定给你送到。", "急什么"),
    ("这个问题我也不太清楚，您问问4S店吧。", "不知道"),
    ("模板的位置说明书里都写了，你自己翻一下。", "你自己看"),
    ("规定就这样，我们也没办法。", "规定就是这样"),
    ("那您去别家买吧，爱要不要。", "爱买不买"),
    ("体检报告这个不归我们这边管。", "不归我管"),
    ("不是说过了吗，要预约才行。", "不是跟你说过了吗"),
    ("听不明白吗？就在成员名字右边。", "你听不懂吗"),
    ("我们马上要下班了，您明天再来问吧。", "下班了，明天再说"),
    ("喂，啥事？", "喂，干嘛"),
])
def test_paraphrased_forbidden_wording_is_found(phrases, text, phrase):
    found = [f for f in one_agent_turn(phrases, text, "forbidden") if not f.ok]
    assert found, text
    assert found[0].phrase == phrase and found[0].source == "scripts/forbidden-wording"
    assert found[0].evidence in text and found[0].source_title == "服务禁用语"


@pytest.mark.parametrize("text, context", [
    ("如果您那边没办法上网，也可以拨打境外热线。", R.HYPOTHETICAL),
    ("收件人电话不知道也没关系，填详细地址就行。", R.CONCESSIVE),
    ("不知道您现在方便吗？", R.ABOUT_CUSTOMER),
    ("有不清楚的地方随时找我。", R.DESCRIPTIVE),
    ("不是没办法，是需要您本人来办。", R.NEGATED),
    ("麻烦您自己看一下邮箱里的验证码，五分钟内有效。", R.POLITE),
    ("这是公司的规定，因为退保涉及资金安全，需要确认是您本人。", R.EXPLAINED),
    ("我们正在加急处理，请您耐心等待，今晚八点前完成。", R.TIME_GIVEN),
])
def test_innocent_context_is_not_counted_and_says_why(phrases, text, context):
    found = one_agent_turn(phrases, text, "forbidden")
    assert all(f.ok for f in found), text
    excused = [f for f in found if f.rule]
    assert excused and excused[0].rule == context.title and excused[0].phrase, text


def test_a_forbidden_phrase_of_punctuation_only_is_never_found(phrases):
    # The phrase form accepts any non-empty text; "……" has no words to look for (the check used to crash).
    dots = ScriptPhrase("forbidden", "……", forbidden=True, source="scripts/dots")
    found = findings([*phrases, dots], ("customer", 0, "你好"), ("agent", 20, "……好的，马上为您查询。"),
                     check="forbidden")
    assert [f.ok for f in found] == [True]


def test_quoted_words_are_not_the_agent_s(phrases):
    found = one_agent_turn(phrases, "在登录页点“不知道密码”，按提示重置。", "forbidden")
    assert all(f.ok for f in found) and any(f.rule == R.QUOTED for f in found)


def test_only_the_agent_is_judged_on_wording(phrases):
    found = findings(phrases, ("customer", 0, "我不知道自己穿多大，你们自己看着办吧"),
                     ("agent", 20, "您好，很高兴为您服务！建议选M码。感谢您的光临，祝您购物愉快！"), check="forbidden")
    assert [f.ok for f in found] == [True]


def test_system_lines_and_automatic_replies_count_for_nobody(phrases):
    found = findings(
        phrases,
        ("system", 0, "会话已接入"),
        ("customer", 5, "在吗，订单能改地址吗"),
        ("agent", 7, "【自动回复】您好，欢迎光临，客服正在接入中，请稍候～"),
        ("agent", 95, "在的，您说"),
        ("customer", 110, "改成公司地址"),
        ("agent", 140, "已经帮您改好了。感谢您的咨询，祝您生活愉快！"),
        ("system", 160, "客户已离开会话"),
    )
    by_check = {f.check: f for f in found}
    assert not by_check["greeting"].ok and by_check["greeting"].evidence == "在的，您说"
    assert by_check["closing"].ok
    response = by_check["first_response"]
    assert not response.ok and response.mapping == {"seconds": 90, "limit": 60}
    assert "automatic reply" in response.reason


def test_the_apology_must_answer_the_complaint(phrases):
    # The agent apologised for the wait before the customer complained about the product: not an answer to it.
    found = findings(phrases, ("customer", 0, "你好"), ("agent", 90, "您好，不好意思让您久等了，请问有什么可以帮您？"),
                     ("customer", 120, "你们的耳机刚收到就坏了，太让人失望了"), ("agent", 150, "请寄回来检测。再见！"),
                     check="apology")
    assert not found[0].ok and found[0].evidence == "你们的耳机刚收到就坏了，太让人失望了"
    found = findings(phrases, ("customer", 0, "你们的耳机刚收到就坏了，太让人失望了"),
                     ("agent", 20, "您好，非常抱歉，给您带来不便了！我马上为您换货。"), check="apology")
    assert found[0].ok and found[0].phrase == "非常抱歉，给您带来不便了。"
    assert found[0].source == "scripts/apology-and-waiting" and found[0].mapping["words"].startswith("你们的耳机")


def test_script_phrases_match_with_small_variations(phrases):
    finding = one_agent_turn(phrases, "您好呀，非常高兴为你服务！", "greeting")[0]
    assert finding.ok and finding.phrase == "您好，很高兴为您服务！" and 75 <= finding.score < 100
    typo = one_agent_turn(phrases, "好的，感谢您的咨询，祝您生活愉块！", "closing")[0]
    assert typo.ok and typo.phrase == "感谢您的咨询，祝您生活愉快！"


def test_an_unanswered_chat_fails_what_needs_an_agent(phrases):
    found = findings(phrases, ("customer", 0, "在吗"), ("customer", 300, "有人吗"), ("system", 900, "会话超时"))
    assert {f.check: f.ok for f in found} == {"greeting": False, "closing": False, "apology": False,
                                              "forbidden": True, "first_response": False}


def test_speakers_are_read_in_chinese_and_english():
    assert [speaker_role(s) for s in ("客服", "Agent", "顾客", "user", "系统", "robot", "经理")] == [
        "agent", "agent", "customer", "customer", "system", "system", None]


def test_the_compiled_script_sets_are_reused(phrases):
    assert checker_for(tuple(phrases)) is checker_for(tuple(load_phrases()))
