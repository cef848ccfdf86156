"""Resources of the account pages: one staff account, found by id."""

from functools import cached_property

from pyramid.httpexceptions import HTTPNotFound

from ..models.accounts import Account
from . import Root


class AccountResource(Root):
    """The account is looked up only when a view reads it, i.e. after the permission and CSRF checks.

    Looking it up here, in the route factory, would answer an unknown id with a 404 before those
    checks, while a known id gets a sign-in redirect or a 403: anyone could enumerate the ids.
    """

    def __init__(self, request):
        super().__init__(request)
        self.account_id = int(request.matchdict["account_id"])

    @cached_property
    def account(self) -> Account:
        account = self.request.dbsession.get(Account, self.account_id)
        if account is None:
            raise HTTPNotFound()
        return account
