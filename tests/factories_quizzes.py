"""Quiz bank and quiz builders for tests, through the real BankService (versions, checks)."""

from cs_handbook.clock import FixedClock
from cs_handbook.services.quizzes_bank import BankService

from .factories import now

SAMPLE_QUESTIONS = {
    "q-single": {"type": "single", "text": "客户满意度取决于什么？", "source": "handbook/basics/what-is-service",
                 "data": {"options": [{"text": "实际感受与期望之间的差距", "correct": True},
                                      {"text": "价格高低", "feedback": "价格只是感受的一部分"}]}},
    "q-multiple": {"type": "multiple", "text": "哪些是礼貌用语？", "source": "scripts/greeting-and-closing",
                   "data": {"options": [{"text": "您好", "correct": True}, {"text": "请稍等", "correct": True},
                                        {"text": "干嘛"}]}},
    "q-tf": {"type": "truefalse", "text": "首问负责制要求第一位接待者负责到底。", "source": "policies/x",
             "data": {"answer": True}},
    "q-short": {"type": "short", "text": "首次响应时限？", "source": "policies/x",
                "data": {"answers": ["60秒", "一分钟"]}},
    "q-order": {"type": "ordering", "text": "投诉处理流程", "source": "policies/x",
                "data": {"items": ["记录", "受理", "分析", "处理", "反馈"]}},
    "q-match": {"type": "matching", "text": "职责与岗位", "source": "roles/cs-agent",
                "data": {"pairs": [{"left": "受理投诉", "right": "客户投诉受理人员"},
                                   {"left": "受理订单", "right": "订单受理人员"}]}},
    "q-essay": {"type": "essay", "text": "说说首问负责制。", "source": "policies/x",
                "data": {"rubric": "三点各 1 分"}},
}


def make_bank(session, slug="basics", keys=None):
    bank = BankService(session, FixedClock(now()))
    category = bank.ensure_category(slug, "服务基础")
    for key in keys or SAMPLE_QUESTIONS:
        spec = dict(SAMPLE_QUESTIONS[key])
        fields = {"type": spec["type"], "text": spec["text"], "source": spec["source"], "points": 1.0,
                  "explanation": "因为……", "data": spec["data"]}
        bank.save_question(category, key, fields, ["标签"])
    session.commit()
    return bank


def make_quiz(session, slug="day-one", keys=None, random=(), **settings):
    """A quiz over the sample bank (fixed questions `keys`, default all but the essay)."""
    bank = make_bank(session) if not BankService(session, FixedClock(now())).category("basics") else \
        BankService(session, FixedClock(now()))
    keys = keys if keys is not None else [k for k in SAMPLE_QUESTIONS if k != "q-essay"]
    values = {"title": "第一天测验", "description": "", "pass_mark": 80.0, "time_limit_minutes": None,
              "attempts_allowed": 0, "grading": "highest", "shuffle_questions": False, "shuffle_options": False,
              "one_per_page": False, "review": "after_submit", "open_at": None, "close_at": None}
    values.update(settings)
    quiz, _ = bank.save_quiz(slug, values, [f"basics/{k}" for k in keys], list(random))
    session.commit()
    return quiz
