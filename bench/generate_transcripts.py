"""Varied chat transcripts and filled-in scorecards for the benchmark data (see generate_data.py).

Each conversation is put together from a scenario (late parcel, return,
address change, product question, invoice, repair visit) and a few choices
of wording: which greeting and closing the agent uses or leaves out, an
apology to an unhappy customer or none, now and then forbidden wording, and
how long the first answer took. The automatic etiquette check of the site
(`services/qa_etiquette.check_transcript`) is run on each distinct
conversation against the default script sets in `policies/scripts/`, so the
findings, with their quoted evidence, are the ones the site would show; the
"evaluator" then confirms them and judges the criteria no machine can see,
so the QA pages at benchmark scale look like real work.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from cs_handbook.models.qa import CRITERIA
from cs_handbook.services.qa_etiquette import ScriptPhrase, Turn, check_transcript

SCRIPTS = Path(__file__).resolve().parent.parent / "policies" / "scripts"
RESPONSE_LIMIT = 60  # seconds: the site's default setting

GREETINGS = ["您好，很高兴为您服务！", "您好呀，请问有什么可以帮您？", "您好，我是客服小林，很高兴为您服务。",
             "您好，感谢您的耐心等待，"]
CLOSINGS = ["请问还有其他可以帮您的吗？", "感谢您的咨询，祝您生活愉快！", "之后有任何疑问随时联系我们，再见！",
            "谢谢您，祝您工作顺利，拜拜！"]
NO_CLOSINGS = ["好的。", "嗯，行。", "那就这样。"]
APOLOGIES = ["非常抱歉让您久等了，", "实在不好意思，给您添麻烦了，", "真的很抱歉，"]
FORBIDDEN = ["这是规定，我也没办法。", "这个不归我管，你找别人去吧。", "你自己看一下订单页面。",
             "不知道，系统就是这样。"]
THANKS = ["好的，谢谢。", "明白了，谢谢你。", "行，那我等着。", "好的，麻烦了。"]
# The first answer's delay in seconds: mostly quick, now and then past the limit.
DELAYS = [8, 12, 15, 20, 26, 33, 41, 50, 58, 72, 95, 140]
DELAY_WEIGHTS = [8, 10, 10, 9, 8, 7, 6, 5, 4, 2, 1, 1]

# opening lines, the agent's first answers, customer details, the agent's answers, unhappy customer?
SCENARIOS = [
    (["我的快递怎么还没到？都五天了。", "订单显示已发货，可是一直没有物流更新，怎么回事？",
      "买的东西等了一个星期还没到，太慢了。"],
     ["请您提供一下订单号，我马上帮您查询。", "麻烦发一下订单号，我这边帮您核实物流。"],
     ["订单号是 {order}。", "{order}，收件人姓王。"],
     ["我查到包裹停在中转站，今天已经催促快递公司，预计明天送达，到时会有短信通知您。",
      "包裹在转运中心滞留了，我已经提交加急处理，24小时内会有专人给您回电说明进度。"],
     True),
    (["我想退货，衣服尺码不合适。", "收到的鞋子大了一码，可以换吗？", "这个商品我不想要了，怎么退？"],
     ["可以的，七天内未穿着的商品都支持退换。", "没问题，我先帮您看一下订单情况。"],
     ["订单号 {order}，还没拆吊牌。", "是 {order} 这一单，包装都在。"],
     ["已经为您提交了退货申请，快递员明天上门取件，运费由我们承担。",
      "换货申请已经提交，新的尺码今天会安排发出，旧的等快递员上门取回就可以。"],
     False),
    (["下单时地址填错了，能改吗？", "我想把收货地址改成公司的。", "地址少写了门牌号，还来得及改吗？"],
     ["请把新的地址发给我，我看看包裹现在的状态。", "可以的，麻烦您发一下正确的地址和订单号。"],
     ["订单 {order}，改成滨江路 18 号 3 楼。", "{order}，门牌号是 502。"],
     ["包裹还没出库，地址已经帮您改好了，新地址会显示在订单详情里。",
      "包裹已经发出，我联系了快递公司修改派送地址，改好后会短信通知您。"],
     False),
    (["这个电热水壶的保温功能怎么打开？", "空气净化器的滤网多久换一次？", "扫地机器人总是找不到充电座怎么办？"],
     ["我来给您讲一下具体的操作步骤。", "这个问题很常见，我一步一步告诉您。"],
     ["型号是 {model}。", "我买的是 {model}，说明书找不到了。"],
     ["按住保温键三秒，指示灯变成橙色就开启了；说明书的电子版我也发到您的手机上了。",
      "建议每三个月更换一次滤网，屏幕上出现提示灯时也要及时更换，购买链接我发给您。",
      "请把充电座靠墙放在空旷的位置，两侧各留半米，再清洁一下底部的感应窗就可以了。"],
     False),
    (["发票怎么开？公司报销要用。", "我需要开增值税专用发票。", "上个月的订单能补开发票吗？"],
     ["可以开的，请提供一下抬头和税号。", "没问题，请把开票信息发给我。"],
     ["抬头是 {company}，税号 {tax}。", "{company}，税号我发你：{tax}。"],
     ["电子发票会在三个工作日内发送到您的邮箱，请注意查收。",
      "专用发票会在五个工作日内寄出，快递单号到时会短信发给您。"],
     False),
    (["洗衣机坏了，师傅说好今天上门，到现在也没人来。", "维修的人一直没来，我请了一天假，太过分了。",
      "空调修了两次还是不制冷，我要投诉。"],
     ["请您提供一下报修单号，我马上联系师傅。", "麻烦告诉我报修时留的电话，我这边立刻核实。"],
     ["单号 {order}，约的是上午十点。", "电话是 {phone}，报修单号 {order}。"],
     ["师傅路上耽误了，我已经确认他一小时内到达，之后我会再给您回电确认维修结果。",
      "这次由站长亲自带技术员上门，今天下午两点前到，处理结果我会跟进到底。"],
     True),
]


def script_phrases() -> list[ScriptPhrase]:
    """The phrases of the default script sets, as the site's check reads them once they are published."""
    phrases = []
    for path in sorted(SCRIPTS.glob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        for situation in front.get("situations", []):
            for phrase in situation.get("phrases", []):
                phrases.append(ScriptPhrase(situation.get("key", ""), phrase.get("text", ""),
                                            bool(phrase.get("forbidden")), f"scripts/{path.stem}"))
    return phrases


@dataclass(frozen=True)
class Skeleton:
    """A conversation's wording and first-answer delay, the customer's details still to fill in, and its findings."""

    texts: tuple[tuple[str, str], ...]  # (speaker, text); DETAIL_TURN holds a str.format template
    delay: int
    findings: list[dict]


DETAIL_TURN = 2
SKELETONS = 400  # distinct wordings: each is checked once; details, agents and times vary per transcript


class TranscriptMaker:
    """Conversations and their scorecards from a seed (same seed, same rows).

    Every transcript takes one of SKELETONS wordings and fills in its own
    customer details (order numbers, models, companies) and times. The check
    reads customers' turns only for signs of displeasure, which the details
    never show, so a skeleton's findings hold for every transcript made from
    it, and 50,000 transcripts cost 400 checks, not 50,000 (3 ms each).
    """

    def __init__(self, seed: str):
        self.seed = seed
        self.rng = random.Random(f"{seed}:transcripts")
        self.phrases = script_phrases()
        self._skeletons: dict[int, Skeleton] = {}

    def _skeleton(self, number: int) -> Skeleton:
        found = self._skeletons.get(number)
        if found is None:
            rng = random.Random(f"{self.seed}:skeleton:{number}")  # the same whichever transcript needs it first
            openings, first_answers, details, answers, unhappy = rng.choice(SCENARIOS)
            greeting = rng.choice(GREETINGS) if rng.random() < 0.95 else ""
            apology = rng.choice(APOLOGIES) if unhappy and rng.random() < 0.9 else ""
            answer = rng.choice(FORBIDDEN) if rng.random() < 0.04 else rng.choice(answers)
            closing = rng.choice(CLOSINGS) if rng.random() < 0.95 else rng.choice(NO_CLOSINGS)
            texts = (("customer", rng.choice(openings)), ("agent", greeting + apology + rng.choice(first_answers)),
                     ("customer", rng.choice(details)), ("agent", answer), ("customer", rng.choice(THANKS)),
                     ("agent", closing))
            delay = rng.choices(DELAYS, DELAY_WEIGHTS)[0]
            turns = self._turns(texts, delay, datetime(2026, 1, 1, tzinfo=UTC), _fill(rng))
            checked = check_transcript([Turn(*turn) for turn in turns], self.phrases, RESPONSE_LIMIT)
            found = self._skeletons[number] = Skeleton(texts, delay, [finding.as_dict() for finding in checked])
        return found

    def _turns(self, texts, delay: int, started_at: datetime, fill: dict) -> list[tuple[str, datetime, str]]:
        at, turns = started_at, []
        for index, (speaker, text) in enumerate(texts):
            if index:
                at += timedelta(seconds=delay if index == 1 else self.rng.randint(15, 90))
            turns.append((speaker, at, text.format(**fill) if index == DETAIL_TURN else text))
        return turns

    def conversation(self, started_at: datetime) -> tuple[list[tuple[str, datetime, str]], list[dict]]:
        """(speaker, time, text) of one conversation, and the automatic check's findings on it."""
        skeleton = self._skeleton(self.rng.randrange(SKELETONS))
        return self._turns(skeleton.texts, skeleton.delay, started_at, _fill(self.rng)), skeleton.findings

    def scorecard(self, findings: list[dict], final: bool) -> tuple[dict, bool | None]:
        """Criteria as the check pre-fills them; a final card also has the evaluator's verdicts and notes."""
        criteria = {name: {"ok": True, "auto": None, "note": ""} for name in CRITERIA}
        for finding in findings:
            entry = criteria[finding["criterion"]]
            entry["auto"] = finding["ok"] if entry["auto"] is None else (entry["auto"] and finding["ok"])
            entry["ok"] = entry["auto"]
        if not final:
            return criteria, None
        rng = self.rng
        for name, entry in criteria.items():
            if entry["auto"] is False and rng.random() < 0.1:
                entry["ok"], entry["note"] = True, "意思已表达到位，人工复核判为合格。"
            elif entry["auto"] is None and rng.random() < 0.03:
                entry["ok"], entry["note"] = False, rng.choice(MANUAL_NOTES[name])
        return criteria, all(entry["ok"] for entry in criteria.values())


def _fill(rng: random.Random) -> dict:
    """A customer's details for the DETAIL_TURN template."""
    return {"order": f"{rng.randrange(10**11, 10**12)}", "model": rng.choice(["KX-20", "AP-300", "R9"]),
            "company": rng.choice(["华东贸易有限公司", "青禾科技有限公司", "明达物流有限公司"]),
            "tax": f"91310{rng.randrange(10**12, 10**13)}", "phone": f"13{rng.randrange(10**8, 10**9)}"}


# Why an evaluator failed a criterion the check cannot see.
MANUAL_NOTES = {
    "greeting": ["问候语过于生硬。"],
    "closing": ["结束语前没有确认客户问题是否解决。"],
    "attitude": ["语气不耐烦，多次打断客户。", "回复冷淡，没有安抚客户情绪。"],
    "wording": ["用语不规范，夹杂口头禅。"],
    "knowledge": ["退换货时限解释有误。", "产品保修范围说错了。"],
    "timeliness": ["中途长时间未回复客户。"],
    "clarity": ["处理步骤交代不清，客户追问了两次。", "没有说明下一步的时间。"],
}
