"""Views of the training area; `includeme` adds its routes (prefix `/training`),
the home-page panels and the demo builder."""

from pyramid.events import BeforeRender, subscriber

from ... import navigation
from ...resources.training import (
    CourseResource,
    OwnedCourseResource,
    PathResource,
    PersonResource,
    SignOffResource,
)
from ...zones import zoned_time

ITEM = "/items/{item_id:[0-9]{1,9}}"
PERSON = "/people/{account_id:[0-9]{1,9}}"


@subscriber(BeforeRender)
def _times(event):
    """Training pages show times (sign-off requests) in the reader's zone, named: `zoned_time(at)`."""
    request = event.get("request")
    if request is not None and str(event.get("renderer_name", "")).startswith("training/"):
        event["zoned_time"] = zoned_time(request)


def includeme(config):
    config.add_route("training.mine", "/")
    config.add_route("training.item", ITEM)
    config.add_route("training.item.open", ITEM + "/open")
    config.add_route("training.item.confirm", ITEM + "/confirm")
    config.add_route("training.item.request", ITEM + "/request-signoff")
    config.add_route("training.certificate", "/certificate")
    config.add_route("training.person", PERSON, factory=PersonResource)
    config.add_route("training.person.certificate", PERSON + "/certificate", factory=PersonResource)
    config.add_route("training.person.mentor", PERSON + "/mentor", factory=PersonResource)
    config.add_route("training.person.enrol", PERSON + "/enrol", factory=PersonResource)
    config.add_route("training.mentees", "/mentees")
    config.add_route("training.signoff.decide", "/signoffs/{signoff_id:[0-9]{1,9}}", factory=SignOffResource)
    config.add_route("training.team", "/team")
    config.add_route("training.review", "/review")
    config.add_route("training.courses", "/courses")
    # Before the course routes: "new" is reserved, never a course's short name.
    config.add_route("training.course.new", "/courses/new")
    config.add_route("training.course.edit", "/courses/{slug}", factory=OwnedCourseResource)
    config.add_route("training.course.delete", "/courses/{slug}/delete", factory=CourseResource)
    config.add_route("training.course.archive", "/courses/{slug}/archive", factory=CourseResource)
    config.add_route("training.course.workflow", "/courses/{slug}/workflow", factory=OwnedCourseResource)
    config.add_route("training.course.review", "/courses/{slug}/review", factory=CourseResource)
    config.add_route("training.path.new", "/paths/new")
    config.add_route("training.path.edit", "/paths/{code}", factory=PathResource)
    config.add_route("training.path.delete", "/paths/{code}/delete", factory=PathResource)
    config.add_route("training.path.workflow", "/paths/{code}/workflow", factory=PathResource)
    config.add_route("training.path.review", "/paths/{code}/review", factory=PathResource)
    config.add_demo_builder("cs_handbook.views.training.demo.build_demo", order=30)
    # `views.home` (which defines the add_home_panel directive) is included
    # after the routes, so the panels are appended to the same registry list
    # the directive fills.
    from ...services.training_authoring import pending_count_query
    from .learner import home_panel
    from .review import review_panel

    config.registry.setdefault("home_panels", []).extend([home_panel, review_panel])
    # Shown to reviewers only, as the entry is.
    navigation.register_badge("training.review", query=pending_count_query())
