"""Resources of the account pages: one staff account, found by id."""

from pyramid.httpexceptions import HTTPNotFound

from ..models.accounts import Account
from . import Root


class AccountResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.account = request.dbsession.get(Account, int(request.matchdict["account_id"]))
        if self.account is None:
            raise HTTPNotFound()
