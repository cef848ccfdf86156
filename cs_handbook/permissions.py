"""Every permission a view can require, as `area:action`, alphabetised by area.

Views name these members; resources map principals to them in their ACLs.
Add a member here when a new area needs one — never a bare string in a view.
"""

import enum


class Permission(enum.StrEnum):
    # Own account: password, language, notices.
    ACCOUNT_SELF = "account:self"

    # Staff accounts, teams, positions, grants, roster import.
    ACCOUNTS_MANAGE = "accounts:manage"

    AUDIT_READ = "audit:read"

    DOCUMENTS_CREATE = "documents:create"
    DOCUMENTS_EDIT = "documents:edit"
    DOCUMENTS_HISTORY = "documents:history"
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_REVIEW = "documents:review"

    DRILL_MANAGE = "drill:manage"
    DRILL_PRACTISE = "drill:practise"
    DRILL_TEAM_VIEW = "drill:team-view"

    QA_DISPUTE = "qa:dispute"
    QA_EVALUATE = "qa:evaluate"
    QA_LEDGER = "qa:ledger"
    QA_OWN_VIEW = "qa:own-view"

    QUIZZES_AUTHOR = "quizzes:author"
    QUIZZES_GRADE = "quizzes:grade"
    QUIZZES_RESULTS = "quizzes:results"
    QUIZZES_REVIEW = "quizzes:review"  # one attempt: its owner, trainers, the owner's team managers
    QUIZZES_TAKE = "quizzes:take"

    REPORTS_TEAM = "reports:team"

    SEARCH = "search:use"

    SETTINGS_MANAGE = "settings:manage"

    TRAINING_AUTHOR = "training:author"
    TRAINING_LEARN = "training:learn"
    TRAINING_MANAGE = "training:manage"
    TRAINING_MENTOR = "training:mentor"
    TRAINING_PROGRESS_VIEW = "training:progress-view"
