"""The home page: each area's panel, with its title in the reader's language."""

from cs_handbook.models.accounts import Account

from ..conftest import login
from ..factories import AccountFactory, PositionFactory, TeamFactory
from ..factories_drill import DrillItemFactory


def test_panel_titles_are_translated(testapp, dbsession, clock):
    AccountFactory(username="reader", team=TeamFactory(), position=PositionFactory())
    DrillItemFactory(prompt="首次响应时限")
    login(testapp, "reader")
    page = testapp.get("/")
    assert "<h2" in page.text and "每日练习</h2>" in page.text
    assert "Daily drill" not in page.text

    account = dbsession.query(Account).filter_by(username="reader").one()
    account.language = "en"
    dbsession.commit()
    page = testapp.get("/")
    assert "Daily drill</h2>" in page.text
