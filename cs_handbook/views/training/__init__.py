"""Views of the training area; `includeme` adds its routes (prefix `/training`),
the home-page panel and the demo builder."""

from ...resources.training import (
    CourseResource,
    OwnedCourseResource,
    PathResource,
    PersonResource,
    SignOffResource,
)


def includeme(config):
    config.add_route("training.mine", "/")
    config.add_route("training.item", "/items/{item_id:\\d{1,9}}")
    config.add_route("training.item.confirm", "/items/{item_id:\\d{1,9}}/confirm")
    config.add_route("training.item.request", "/items/{item_id:\\d{1,9}}/request-signoff")
    config.add_route("training.certificate", "/certificate")
    config.add_route("training.person", "/people/{account_id:\\d{1,9}}", factory=PersonResource)
    config.add_route("training.person.certificate", "/people/{account_id:\\d{1,9}}/certificate", factory=PersonResource)
    config.add_route("training.person.mentor", "/people/{account_id:\\d{1,9}}/mentor", factory=PersonResource)
    config.add_route("training.person.enrol", "/people/{account_id:\\d{1,9}}/enrol", factory=PersonResource)
    config.add_route("training.mentees", "/mentees")
    config.add_route("training.signoff.decide", "/signoffs/{signoff_id:\\d{1,9}}", factory=SignOffResource)
    config.add_route("training.team", "/team")
    config.add_route("training.courses", "/courses")
    config.add_route("training.course.new", "/courses/new")
    config.add_route("training.course.edit", "/courses/{slug}", factory=OwnedCourseResource)
    config.add_route("training.course.delete", "/courses/{slug}/delete", factory=CourseResource)
    config.add_route("training.course.workflow", "/courses/{slug}/workflow", factory=OwnedCourseResource)
    config.add_route("training.path.edit", "/paths/{code}", factory=PathResource)
    config.add_route("training.path.workflow", "/paths/{code}/workflow", factory=PathResource)
    config.add_demo_builder("cs_handbook.views.training.demo.build_demo", order=30)
    # `views.home` (which defines the add_home_panel directive) is included
    # after the routes, so the panel is appended to the same registry list
    # the directive fills.
    from .learner import home_panel

    config.registry.setdefault("home_panels", []).append(home_panel)
