"""Service registrations: one plain class per domain, found by class.

Views call `request.find_service(AccountService)`; tests register fakes or
fixed clocks the same way.
"""

from ..clock import Clock


def includeme(config):
    config.include("pyramid_services")
    config.register_service(Clock(), Clock)
    config.include(".audit")
    config.include(".site_settings")
    config.include(".accounts")
    config.include(".auth")
    config.include(".notices")
    config.include(".documents")
    config.include(".training")
    config.include(".quizzes")
    config.include(".drill")
    config.include(".qa")
    config.include(".reports")
