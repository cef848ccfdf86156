"""Demo accounts for a fresh development site, and the hook areas use to add demo data."""

from datetime import timedelta

from .clock import Clock
from .defaults import POSITIONS
from .models.accounts import Account, GlobalRole, Scope, ScopedRole
from .services.accounts import AccountService

# Not a secret: the README publishes it for the demo accounts, which only `--demo` creates.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105

# username, display name, position, team, global roles, mentor, days since start
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", None, None, {GlobalRole.ADMIN}, None, None),
    ("trainer", "培训师 王老师", "cs-supervisor", "客服一组", {GlobalRole.TRAINER}, None, 400),
    ("reviewer", "审核人 李主管", "cs-manager", None, {GlobalRole.REVIEWER}, None, 900),
    ("manager", "经理 陈经理", "cs-manager", "客服一组", {GlobalRole.MANAGER, GlobalRole.REVIEWER}, None, 1200),
    ("qa", "质检员 赵敏", "quality-specialist", "客服一组", {GlobalRole.QA}, None, 600),
    ("mentor", "导师 刘师傅", "cs-agent", "客服一组", set(), None, 800),
    ("newhire1", "新人 张小明", "cs-agent", "客服一组", set(), "mentor", 0),
    ("newhire2", "新人 周小红", "order-agent", "客服二组", set(), "mentor", 1),
]


def add_demo_builder(config, builder, order=100):
    """Config directive: `builder(request, accounts, progress)` adds an area's demo data."""
    builders = config.registry.setdefault("demo_builders", [])
    builders.append((order, config.maybe_dotted(builder)))
    builders.sort(key=lambda pair: pair[0])


def ensure_positions(service: AccountService) -> None:
    for code, name in POSITIONS.items():
        service.ensure_position(code, name)


def create_demo_accounts(request, progress) -> dict:
    """Create the demo teams and accounts (idempotent); return them by username."""
    service = request.find_service(AccountService)
    today = request.find_service(Clock).now().date()
    ensure_positions(service)
    teams = {name: service.ensure_team(name) for name in ("客服一组", "客服二组")}
    accounts: dict[str, Account] = {}
    progress.start("demo accounts", len(DEMO_ACCOUNTS))
    for username, display_name, position, team, roles, mentor, days in DEMO_ACCOUNTS:
        account = service.by_username(username)
        if account is None:
            account = service.create(
                username=username,
                display_name=display_name,
                password=DEMO_PASSWORD,
                position_id=service.position_by_code(position).id if position else None,
                team_id=teams[team].id if team else None,
                start_date=today - timedelta(days=days) if days is not None else None,
            )
            service.set_global_roles(account, set(roles))
            if mentor:
                service.update(account, mentor_id=accounts[mentor].id)
        accounts[username] = account
        progress.step(username)
    # The manager manages both demo teams: the dashboard has two to compare.
    for team in teams.values():
        service.grant(accounts["manager"], ScopedRole.MANAGER, Scope.TEAM, team.id)
    progress.done()
    for _order, builder in request.registry.get("demo_builders", ()):
        builder(request, accounts, progress)
    return accounts


def includeme(config):
    config.add_directive("add_demo_builder", add_demo_builder)
