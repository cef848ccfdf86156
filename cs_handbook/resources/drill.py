"""Route factories of the drill: a team's settings, one item and one person's card, all trainer business (root ACL)."""

from pyramid.httpexceptions import HTTPNotFound

from ..models.accounts import Team
from ..models.drill import DrillCard, DrillItem
from . import Root


class DrillTeamResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.team = request.dbsession.get(Team, int(request.matchdict["team_id"]))
        if self.team is None:
            raise HTTPNotFound()


class DrillItemResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.item = request.dbsession.get(DrillItem, int(request.matchdict["item_id"]))
        if self.item is None:
            raise HTTPNotFound()


class DrillCardResource(Root):
    def __init__(self, request):
        super().__init__(request)
        self.card = request.dbsession.get(DrillCard, int(request.matchdict["card_id"]))
        if self.card is None:
            raise HTTPNotFound()
