"""The role-duties quizzes, generated from the role profiles (`policies/roles/*.md`).

For each profile (front matter `position`, `position_name`, `duties`) the
loader makes, in the category `role-duties`, an ordering question (the
duties in their listed order) and a matching question (one duty of this role
and of three neighbouring roles ↔ the role), and the quiz `role-<position>`
over both. They are derived data: the exporter skips them, so the files in
`training/` stay byte for byte what they were.
"""

from pathlib import Path

import yaml

from ..content import ContentReport
from .quizzes_bank import BankService
from .quizzes_grading import AnswerError

CATEGORY = "role-duties"
MAX_ITEMS = 6


def read_profiles(roles_dir: Path) -> list[dict]:
    profiles = []
    for path in sorted(roles_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        front = yaml.safe_load(text.split("---", 2)[1]) or {}
        duties = [str(d) for d in front.get("duties") or [] if str(d).strip()]
        if front.get("position") and front.get("position_name") and len(duties) >= 2:
            profiles.append({"code": str(front["position"]), "name": str(front["position_name"]),
                             "slug": f"roles/{path.stem}", "duties": duties})
    return profiles


def generate(bank: BankService, roles_dir: Path, report: ContentReport) -> None:
    profiles = read_profiles(roles_dir)
    if len(profiles) < 2:
        return
    category = bank.ensure_category(CATEGORY, "岗位职责（自动生成）", "由岗位职责文档生成的职责排序与职责匹配题")
    for n, profile in enumerate(profiles):
        code = profile["code"]
        others = [profiles[(n + k) % len(profiles)] for k in range(1, min(4, len(profiles)))]
        questions = {
            f"order-{code}": {"type": "ordering", "text": f"按岗位职责文档中的顺序排列「{profile['name']}」的职责。",
                              "data": {"items": profile["duties"][:MAX_ITEMS]}},
            f"match-{code}": {"type": "matching", "text": "把每条职责与承担它的岗位配对。",
                              "data": {"pairs": [{"left": p["duties"][0], "right": p["name"]}
                                                 for p in [profile, *others]]}},
        }
        for key, spec in questions.items():
            fields = {"type": spec["type"], "text": spec["text"], "source": profile["slug"], "points": 1.0,
                      "explanation": f"见《{profile['name']}岗位职责》。", "data": spec["data"]}
            try:
                _, status = bank.save_question(category, key, fields, ["岗位职责", profile["name"]])
            except AnswerError as error:
                report.errors.append(f"{profile['slug']}: {error.msgid}")
                continue
            setattr(report, status, getattr(report, status) + 1)
        settings = {"title": f"岗位职责测验：{profile['name']}", "description": "由岗位职责文档自动生成",
                    "pass_mark": 80.0, "time_limit_minutes": None, "attempts_allowed": 0, "grading": "highest",
                    "shuffle_questions": False, "shuffle_options": True, "one_per_page": False,
                    "review": "after_submit"}
        _, status = bank.save_quiz(f"role-{code}", settings, [f"{CATEGORY}/{k}" for k in questions], [])
        setattr(report, status, getattr(report, status) + 1)
