"""Views of the quizzes area; `includeme` adds its routes (under the `/quizzes` prefix)."""

from ...resources.quizzes import AnswerResource, AttemptResource, QuestionResource, QuizResource, VersionResource

ATTEMPT = "/attempts/{attempt_id}"


def includeme(config):
    config.add_route("quizzes.index", "/")
    config.add_route("quizzes.start", "/q/{slug}/start", factory=QuizResource)
    config.add_route("quizzes.take", ATTEMPT, factory=AttemptResource)
    config.add_route("quizzes.save", ATTEMPT + "/save", factory=AttemptResource)
    config.add_route("quizzes.finish", ATTEMPT + "/finish", factory=AttemptResource)
    config.add_route("quizzes.review", ATTEMPT + "/review", factory=AttemptResource)
    config.add_route("quizzes.bank", "/bank")
    config.add_route("quizzes.question_new", "/bank/new")
    config.add_route("quizzes.question_archive", "/bank/questions/{question_id}/archive", factory=QuestionResource)
    config.add_route("quizzes.question_delete", "/bank/questions/{question_id}/delete", factory=QuestionResource)
    config.add_route("quizzes.quiz_edit", "/bank/quiz")
    config.add_route("quizzes.version_key", "/bank/versions/{version_id}/key", factory=VersionResource)
    config.add_route("quizzes.grading", "/grading")
    config.add_route("quizzes.grade_answer", "/grading/{item_id}", factory=AnswerResource)
    config.add_route("quizzes.results", "/q/{slug}/results", factory=QuizResource)
    config.add_route("quizzes.results_export", "/q/{slug}/results.{fmt}", factory=QuizResource)
    config.add_route("quizzes.stats", "/q/{slug}/stats", factory=QuizResource)
    config.add_route("quizzes.stats_refresh", "/q/{slug}/stats/refresh", factory=QuizResource)
    config.add_route("quizzes.import", "/bank/import")
    config.add_route("quizzes.export", "/bank/export.{fmt}")
    config.scan(".")
