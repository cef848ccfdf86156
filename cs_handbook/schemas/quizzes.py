"""Forms of the quizzes area: question editor, answer-key fix, essay mark, bank import, quiz builder.

A question's own fields are edited as data, one kind of field per type:
options (text, correct, feedback) for choice questions, the true/false
answer, accepted answers, ordering steps, matching pairs, an essay rubric.
The editor shows all of them and uses those of the chosen type (a script
hides the others); `views/quizzes/forms.py` turns them into the version's
`data`, which the bank checks as it checks the files.
"""

import colander
import deform

from ..forms import UploadTmpStore
from ..i18n import _
from ..services.quizzes_bank import has_control
from .base import CSRFSchema, trimmed

TYPE_CHOICES = (("single", _("Single choice")), ("multiple", _("Multiple choice")), ("truefalse", _("True/false")),
                ("short", _("Short answer")), ("ordering", _("Ordering")), ("matching", _("Matching")),
                ("essay", _("Essay")))
# The form field holding each type's own data (where its errors are shown).
TYPE_FIELD = {"single": "options", "multiple": "options", "truefalse": "answer", "short": "answers",
              "ordering": "items", "matching": "pairs", "essay": "rubric"}
MAX_ROWS = 20


def ascii_key(node, value):
    if not value.isascii() or not all(ch.isalnum() or ch in "-_" for ch in value):
        raise colander.Invalid(node, _("Use letters, digits, - and _ only."))


def no_control(node, value):
    if has_control(value):
        raise colander.Invalid(node, _("Remove the control characters (invisible characters) from this text."))


def _text(title, max_length, **kw):
    return colander.SchemaNode(colander.String(), title=title, missing="",
                               validator=colander.All(colander.Length(max=max_length), no_control), **kw)


class OptionSchema(colander.MappingSchema):
    text = _text(_("Option text"), 1000)
    correct = colander.SchemaNode(colander.Boolean(), title=_("Correct"), missing=False)
    feedback = _text(_("Feedback when chosen"), 1000)


class PairSchema(colander.MappingSchema):
    left = _text(_("Left (e.g. a duty)"), 500)
    right = _text(_("Right (e.g. a role)"), 500)


def _rows(name, child, title):
    return colander.SchemaNode(
        colander.Sequence(), child, name=name, title=title, missing=[],
        validator=colander.Length(max=MAX_ROWS, max_err=_("At most ${max} rows.", mapping={"max": MAX_ROWS})),
        widget=deform.widget.SequenceWidget(orderable=True, max_len=MAX_ROWS))


def type_nodes(qtype: str | None = None) -> list:
    """The nodes of the type-specific fields (all of them, or those of `qtype`)."""
    nodes = {
        "options": _rows("options", OptionSchema(name="option", title=_("Option")),
                         _("Options (single and multiple choice)")),
        "answer": colander.SchemaNode(
            colander.String(), name="answer", title=_("Correct answer (true/false)"), missing="",
            widget=deform.widget.SelectWidget(values=(("", "—"), ("true", _("True")), ("false", _("False")))),
            validator=colander.OneOf(["", "true", "false"])),
        "answers": _rows("answers", _text(_("Accepted answer"), 500, name="accepted"),
                         _("Accepted answers (short answer; width, spaces and punctuation are ignored)")),
        "items": _rows("items", _text(_("Step"), 500, name="step"), _("Steps in the right order (ordering)")),
        "pairs": _rows("pairs", PairSchema(name="pair", title=_("Pair")),
                       _("Pairs (matching; a right side without a left one is a distractor)")),
        "rubric": _text(_("Rubric for the grader (essay)"), 4000, name="rubric",
                        widget=deform.widget.TextAreaWidget(rows=3)),
    }
    if qtype is None:
        return list(nodes.values())
    return [nodes[TYPE_FIELD[qtype]]]


@colander.deferred
def category_widget(node, kw):
    return deform.widget.SelectWidget(values=[(c.slug, f"{c.title} ({c.slug})") for c in kw["categories"]])


class QuestionSchema(CSRFSchema):
    """Common fields; the view adds `type_nodes()` after them."""

    category = colander.SchemaNode(colander.String(), title=_("Category"), widget=category_widget)
    key = colander.SchemaNode(colander.String(), title=_("Key"), preparer=trimmed,
                              validator=colander.All(colander.Length(min=1, max=100), ascii_key))
    type = colander.SchemaNode(colander.String(), title=_("Type"), widget=deform.widget.SelectWidget(
        values=TYPE_CHOICES), validator=colander.OneOf([v for v, _ in TYPE_CHOICES]))
    text = colander.SchemaNode(colander.String(), title=_("Question text"), widget=deform.widget.TextAreaWidget(
        rows=3), validator=colander.All(colander.Length(min=1, max=4000), no_control))
    source = colander.SchemaNode(colander.String(), title=_("Source document (slug)"), missing="",
                                 validator=colander.All(colander.Length(max=300), no_control))
    tags = colander.SchemaNode(colander.String(), title=_("Tags (comma separated)"), missing="",
                               validator=colander.All(colander.Length(max=500), no_control))
    points = colander.SchemaNode(colander.Float(), title=_("Question points"), default=1.0,
                                 validator=colander.Range(min=0.1, max=100))
    explanation = colander.SchemaNode(colander.String(), title=_("Explanation (shown on review)"), missing="",
                                      widget=deform.widget.TextAreaWidget(rows=3),
                                      validator=colander.All(colander.Length(max=4000), no_control))


class AnswerKeySchema(CSRFSchema):
    """The version's own fields only; the view adds `type_nodes(version.type)`."""


class ConfirmSchema(CSRFSchema):
    """A confirmation: nothing but the CSRF token and the button."""


class ImportSchema(CSRFSchema):
    format = colander.SchemaNode(colander.String(), title=_("Format"), widget=deform.widget.SelectWidget(
        values=(("gift", "GIFT"), ("xml", "Moodle XML"))), validator=colander.OneOf(["gift", "xml"]))
    upload = colander.SchemaNode(deform.FileData(), title=_("File"),
                                 widget=deform.widget.FileUploadWidget(tmpstore=UploadTmpStore()))


GRADING_CHOICES = (("highest", _("Highest attempt")), ("last", _("Last attempt")), ("first", _("First attempt")),
                   ("average", _("Average of attempts")))
REVIEW_CHOICES = (("after_submit", _("After submitting")),
                  ("after_close", _("After the quiz closes (never without a closing date)")), ("never", _("Never")))


def _review(title):
    return colander.SchemaNode(colander.String(), title=title, default="after_submit", missing="after_submit",
                               widget=deform.widget.SelectWidget(values=REVIEW_CHOICES),
                               validator=colander.OneOf([v for v, _ in REVIEW_CHOICES]))


MAX_SLOTS = 100
# The <datalist> of the bank's questions that the builder's question fields search.
QUESTION_LIST_ID = "bank-questions"


@colander.deferred
def random_category_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", "—"), *((c.slug, f"{c.title} ({c.slug})")
                                                          for c in kw["categories"])])


@colander.deferred
def slot_validator(node, kw):
    questions, categories = kw["question_ids"], {c.slug for c in kw["categories"]}

    def validate(node, value):
        error = colander.Invalid(node)
        if value["question"] and value["category"]:
            error["question"] = _("Choose a question or a category, not both.")
        elif value["question"] and value["question"] not in questions:
            error["question"] = _("No question of the bank has this id; pick one from the list.")
        elif value["category"] and value["category"] not in categories:
            error["category"] = _("Unknown category.")
        if error.children:
            raise error
    return validate


class SlotSchema(colander.MappingSchema):
    """One place of the quiz: a question of the bank, or `count` random questions of a category."""

    question = colander.SchemaNode(
        colander.String(), title=_("Question (type words of it or its id, then pick)"), missing="",
        preparer=trimmed, validator=colander.Length(max=201),
        widget=deform.widget.TextInputWidget(attributes={"list": QUESTION_LIST_ID, "autocomplete": "off"}))
    category = colander.SchemaNode(colander.String(), title=_("Or random questions from the category"), missing="",
                                   widget=random_category_widget)
    count = colander.SchemaNode(colander.Integer(), title=_("How many random questions"), missing=1, default=1,
                                validator=colander.Range(1, 100, min_err=_("From 1 to 100."),
                                                         max_err=_("From 1 to 100.")))


class QuizSchema(CSRFSchema):
    """The quiz builder: settings, then its questions in order (bank questions and random draws)."""

    slug = colander.SchemaNode(colander.String(), title=_("Slug"), preparer=trimmed,
                               validator=colander.All(colander.Length(min=1, max=100), ascii_key))
    title = colander.SchemaNode(colander.String(), title=_("Title"),
                                validator=colander.All(colander.Length(min=1, max=200), no_control))
    description = colander.SchemaNode(colander.String(), title=_("Description"), missing="",
                                      validator=colander.All(colander.Length(max=2000), no_control))
    pass_mark = colander.SchemaNode(colander.Float(), title=_("Pass mark (%)"), default=80.0,
                                    validator=colander.Range(min=0, max=100))
    time_limit_minutes = colander.SchemaNode(colander.Integer(), title=_("Time limit (minutes)"), missing=None,
                                             validator=colander.Range(min=1, max=600))
    attempts_allowed = colander.SchemaNode(colander.Integer(), title=_("Attempts allowed (0 = unlimited)"),
                                           default=0, validator=colander.Range(min=0, max=100))
    grading = colander.SchemaNode(colander.String(), title=_("Grading method"),
                                  widget=deform.widget.SelectWidget(values=GRADING_CHOICES),
                                  validator=colander.OneOf([v for v, _ in GRADING_CHOICES]))
    shuffle_questions = colander.SchemaNode(colander.Boolean(), title=_("Shuffle questions"), missing=False)
    shuffle_options = colander.SchemaNode(colander.Boolean(), title=_("Shuffle options"), missing=False)
    one_per_page = colander.SchemaNode(colander.Boolean(), title=_("One question per page"), missing=False)
    # What the review shows the person who took it, and when (trainers and managers always see all).
    review_marks = _review(_("Review shows the marks"))
    review_answers = _review(_("Review shows the right answers"))
    review_feedback = _review(_("Review shows the feedback (explanations, option feedback, comments)"))
    review_sources = _review(_("Review shows links to the source documents"))
    # Entered and shown in the trainer's zone (its name in the title), stored in UTC.
    open_at = colander.SchemaNode(colander.DateTime(default_tzinfo=None), title=_("Opens at (${zone})"),
                                  missing=None)
    close_at = colander.SchemaNode(colander.DateTime(default_tzinfo=None), title=_("Closes at (${zone})"),
                                   missing=None)
    slots = colander.SchemaNode(
        colander.Sequence(), SlotSchema(name="slot", title=_("Place"), validator=slot_validator), name="slots",
        title=_("Questions, in the order of the quiz"), missing=[],
        validator=colander.Length(max=MAX_SLOTS, max_err=_("At most ${max} rows.", mapping={"max": MAX_SLOTS})),
        widget=deform.widget.SequenceWidget(orderable=True, max_len=MAX_SLOTS))

    def after_bind(self, node, kw):
        for name in ("open_at", "close_at"):
            node[name].title = _(node[name].title, mapping={"zone": kw["zone"]})
