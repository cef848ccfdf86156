"""The access matrix: every route × every role → the expected status.

Each area lists its routes in `tests/access/<area>.py` as `ROWS` (a list of
`Row`). `tests/functional/test_access_matrix.py` collects the rows of every
module in this package, runs each row once per role (signing in through the
form, except `anonymous`) and asserts the status; a view registered in the
app (a route AND a request method, from Pyramid's introspector) with no row
fails the run. Every unsafe view also needs a row where some role reaches
the view (not 403, not a factory's 404): the CSRF test sends it without the
token and expects the "form expired" page, and with it the row's status.

`people` (built by `make_people`) is a dict role -> Account:

- `staff`: position cs-agent, team A (`people["team"]`), started today,
  mentored by `mentor`;
- `mentor`: staff with no global role, mentor of `staff` (field and grant);
- `trainer`, `reviewer`, `qa`, `admin`: the global role of that name;
- `manager`: global role manager and a scoped grant "manager of team A";
- `other_team` is team B with one staff member, `outsider`.

A row's `setup(dbsession, people)` may arrange data and returns a dict whose
keys fill the `{placeholders}` of `path`; `data` is a POST body (a dict, or
a list of (name, value) pairs when order matters — deform's `__start__`
markers —, or `callable(ctx)` returning either, where `ctx` is that dict plus `people`), to which the
test adds a valid `csrf_token`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

ROLES = ("anonymous", "staff", "mentor", "trainer", "reviewer", "manager", "qa", "admin")
SIGNED_IN = ROLES[1:]


@dataclass
class Row:
    route: str                     # route name
    method: str                    # "GET", "POST", ...
    path: str                      # URL path; may contain {placeholders} filled from setup()'s dict
    expect: dict[str, int]         # role -> expected status for every role in ROLES (use the helpers below)
    setup: Callable | None = None  # setup(dbsession, people) -> dict for path placeholders / data
    data: dict | list | Callable | None = None  # POST body: dict, list of pairs, or callable(ctx) -> either;
    #                                              a valid csrf_token is added
    headers: dict = field(default_factory=dict)  # extra request headers (e.g. Accept)

    def __post_init__(self):
        self.method = self.method.upper()
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"row {self.route} {self.method}: no expected status for {sorted(missing)}")

    @property
    def id(self) -> str:
        return f"{self.method} {self.route} {self.path}"


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected statuses: `default` for every role, then per-role overrides.

    e.g. `expect(403, anonymous=303, trainer=200, admin=200)`.
    """
    unknown = set(overrides) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; roles are {ROLES}")
    return {role: overrides.get(role, default) for role in ROLES}


def signed_in(status: int, anonymous: int = 303, **overrides: int) -> dict[str, int]:
    """Any signed-in person gets `status`; anonymous is sent to sign in (303)."""
    return expect(status, anonymous=anonymous, **overrides)


def only(status: int, *roles: str, anonymous: int = 303, denied: int = 403) -> dict[str, int]:
    """`status` for the given roles, `denied` for other signed-in people, 303 for anonymous."""
    return expect(denied, anonymous=anonymous, **{r: status for r in roles})


def password_pairs(name: str, password: str) -> list[tuple[str, str]]:
    """The fields of a deform CheckedPasswordWidget (password and confirmation)."""
    return [("__start__", f"{name}:mapping"), (name, password), (f"{name}-confirm", password),
            ("__end__", f"{name}:mapping")]


def make_people(dbsession) -> dict:
    """The cast of the matrix (see the module docstring)."""
    from cs_handbook.models.accounts import GlobalRole
    from tests import factories as f

    team = f.TeamFactory(name="客服一组")
    other_team = f.TeamFactory(name="客服二组")
    position = f.PositionFactory(code="cs-agent", name="客户服务人员")
    people: dict = {"team": team, "other_team": other_team, "position": position}
    people["mentor"] = f.AccountFactory(username="m_mentor", display_name="导师", team=team)
    people["staff"] = f.AccountFactory(username="m_staff", display_name="新员工", team=team, position=position,
                                       start_date=date.today())
    f.make_mentor(people["mentor"], people["staff"])
    for role in (GlobalRole.TRAINER, GlobalRole.REVIEWER, GlobalRole.MANAGER, GlobalRole.QA, GlobalRole.ADMIN):
        people[str(role)] = f.AccountFactory(username=f"m_{role}", display_name=f"角色{role}", roles=[role])
    people["manager"].team_id = team.id
    dbsession.commit()
    f.make_team_manager(people["manager"], team)
    people["outsider"] = f.AccountFactory(username="m_outsider", display_name="外组员工", team=other_team,
                                          position=position, start_date=date.today())
    return people
