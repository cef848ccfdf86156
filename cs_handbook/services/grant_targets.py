"""The kinds of scoped grant, what each can be given on, and the names shown for grants.

A scoped grant is (role, scope type, scope id); people choose the target
from a list (a short one, narrowed by a filter on a large site) and read it
back by name ("团队经理 · 客服一组"), never as an id.
Owner grants on quizzes are not offered: nothing reads them.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from ..i18n import _
from ..ids import MAX_ID
from ..models.accounts import Account, Scope, ScopedRole, Team
from ..models.documents import Document
from ..models.meta import Base
from ..models.training import Course


@dataclass(frozen=True)
class GrantKind:
    key: str  # "role:scope", the value the forms send
    role: str
    scope: str
    title: object  # the form's heading: "Manager of a team"
    label: object  # before the target's name: "Team manager · 客服一组"
    target_title: object  # the picker's label: "Team"


GRANT_KINDS = {
    kind.key: kind for kind in (
        GrantKind("manager:team", ScopedRole.MANAGER, Scope.TEAM, _("Manager of a team"), _("Team manager"),
                  _("Team")),
        GrantKind("mentor:account", ScopedRole.MENTOR, Scope.ACCOUNT, _("Mentor of a person"), _("Mentor"),
                  _("New hire")),
        GrantKind("owner:course", ScopedRole.OWNER, Scope.COURSE, _("Owner of a course"), _("Course owner"),
                  _("Course")),
        GrantKind("owner:document", ScopedRole.OWNER, Scope.DOCUMENT, _("Owner of a document"),
                  _("Document owner"), _("Document")),
    )
}


# A grant form lists at most this many targets; a filter box narrows a longer list.
LIST_LIMIT = 50
# Scopes whose targets are named by one column.
_TITLED: dict[str, tuple[Any, Any]] = {Scope.TEAM: (Team.id, Team.name), Scope.COURSE: (Course.id, Course.title),
           Scope.DOCUMENT: (Document.id, Document.title)}


def kind_of(role: str, scope: str) -> GrantKind | None:
    return GRANT_KINDS.get(f"{role}:{scope}")


def _account_name(display_name: str, username: str) -> str:
    return f"{display_name} ({username})"


class GrantTargets:
    """Looks up what grants point at; one query per scope type, whatever the number of grants."""

    def __init__(self, dbsession):
        self.dbsession = dbsession

    def choices(self, scope: str, exclude_account_id: int | None = None, words: str = "",
                limit: int = LIST_LIMIT) -> tuple[list[tuple[int, str]], bool]:
        """(id, name) of what a grant of this scope may be given on, by name, at most `limit` of them
        (a site may have thousands of documents), and whether there are more; `words` narrows them
        to names holding those letters (or to the id typed)."""
        stmt: Any  # a select of (id, name) or (id, display name, username)
        order: list[Any]
        if scope == Scope.ACCOUNT:
            # Only active people can be someone's new hire to look after; nobody is their own.
            stmt = select(Account.id, Account.display_name, Account.username).where(Account.is_active.is_(True))
            if exclude_account_id is not None:
                stmt = stmt.where(Account.id != exclude_account_id)
            id_column, names = Account.id, [Account.display_name, Account.username]
            order = [*names]
        elif scope in _TITLED:
            id_column, column = _TITLED[scope]
            stmt, names, order = select(id_column, column), [column], [column, id_column]
        else:
            return [], False
        words = words.strip()
        if words:
            wanted = [func.lower(name).contains(words.lower(), autoescape=True) for name in names]
            if words.isascii() and words.isdigit() and int(words) <= MAX_ID:
                wanted.append(id_column == int(words))
            stmt = stmt.where(or_(*wanted))
        rows = list(self.dbsession.execute(stmt.order_by(*order).limit(limit + 1)))
        if scope == Scope.ACCOUNT:
            rows = [(id_, _account_name(name, username)) for id_, name, username in rows]
        return [(id_, name) for id_, name in rows[:limit]], len(rows) > limit

    def exists(self, scope: str, scope_id: int) -> bool:
        models: dict[str, type[Base]] = {Scope.TEAM: Team, Scope.ACCOUNT: Account, Scope.COURSE: Course,
                                         Scope.DOCUMENT: Document}
        model = models.get(scope)
        return model is not None and 1 <= scope_id <= MAX_ID and self.dbsession.get(model, scope_id) is not None

    def allowed(self, scope: str, scope_id: int, exclude_account_id: int | None = None) -> bool:
        """Whether a grant of this scope may be given on `scope_id`: it exists (and, for a person to
        mentor, is active and someone else), whether or not the form's short list showed it."""
        if scope == Scope.ACCOUNT:
            if not 1 <= scope_id <= MAX_ID or scope_id == exclude_account_id:
                return False
            account = self.dbsession.get(Account, scope_id)
            return account is not None and account.is_active
        return self.exists(scope, scope_id)

    def names(self, targets) -> dict[tuple[str, int], str]:
        """{(scope, id): name} for the (scope, id) pairs given; a missing target has no entry."""
        wanted: dict[str, set[int]] = {}
        for scope, scope_id in targets:
            if isinstance(scope_id, int):
                wanted.setdefault(scope, set()).add(scope_id)
        found = {}
        for scope, ids in wanted.items():
            if scope == Scope.TEAM:
                rows = self.dbsession.execute(select(Team.id, Team.name).where(Team.id.in_(ids)))
            elif scope == Scope.ACCOUNT:
                rows = ((id_, _account_name(name, username)) for id_, name, username in self.dbsession.execute(
                    select(Account.id, Account.display_name, Account.username).where(Account.id.in_(ids))))
            elif scope == Scope.COURSE:
                rows = self.dbsession.execute(select(Course.id, Course.title).where(Course.id.in_(ids)))
            elif scope == Scope.DOCUMENT:
                rows = self.dbsession.execute(select(Document.id, Document.title).where(Document.id.in_(ids)))
            else:
                continue
            found.update({(scope, id_): name for id_, name in rows})
        return found

    def describe(self, grants) -> list[dict]:
        """The scoped grants as {grant, label, name} for a page, in a stable order."""
        grants = [g for g in grants if g.scope_type != Scope.SITE]
        names = self.names((g.scope_type, g.scope_id) for g in grants)
        described = []
        for grant in sorted(grants, key=lambda g: (g.role, g.scope_type, g.scope_id)):
            kind = kind_of(grant.role, grant.scope_type)
            name = names.get((grant.scope_type, grant.scope_id))
            described.append({
                "grant": grant,
                "label": kind.label if kind is not None else grant.role,
                "name": name if name is not None else _("(removed, #${id})", mapping={"id": grant.scope_id}),
            })
        return described
