"""Events one area announces and others subscribe to (Pyramid's event system).

They keep the areas apart: the quiz engine does not import the training
area to tell it a quiz was passed, it notifies `QuizAttemptGraded`.
Subscribe with `config.add_subscriber(handler, QuizAttemptGraded)`; notify
with `request.registry.notify(QuizAttemptGraded(...))`. Handlers run in the
same transaction as the change.
"""

from dataclasses import dataclass

from pyramid.request import Request


@dataclass
class QuizAttemptGraded:
    """An attempt was graded (or regraded)."""

    request: Request
    account_id: int
    quiz_slug: str
    attempt_id: int
    score_percent: float
    passed: bool


@dataclass
class DocumentPublished:
    """A version of a document became the published one (first publish or an approved working copy)."""

    request: Request
    document_id: int
    slug: str
    kind: str
    version_id: int


@dataclass
class DocumentArchived:
    """A document was archived: staff no longer read it and search no longer finds it."""

    request: Request
    document_id: int
    slug: str
    kind: str


@dataclass
class DocumentRestored:
    """An archived document was restored.

    `published_version_id` is the version staff read again (the document is back
    in its published state, or a draft whose published version stays readable);
    None when it had never been published and is a draft again.
    """

    request: Request
    document_id: int
    slug: str
    kind: str
    published_version_id: int | None


@dataclass
class CriterionFailed:
    """A QA evaluation failed an agent on a scorecard criterion (the drill adds targeted items)."""

    request: Request
    account_id: int
    criterion: str
    evaluation_id: int
