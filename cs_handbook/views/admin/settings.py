"""Site settings: the admin changes the site's declared settings that no other page edits.

Each setting is declared by its area (`site_settings.declare`); this page edits those
in `EDITED_HERE`, the others have their own pages (`EDITED_ELSEWHERE`) — a test checks
that every declared setting is one or the other. Each change is audited.
"""

from pyramid.view import view_config, view_defaults

from ...bootstrap import SET_UP_KEY
from ...forms import FormView, flash
from ...i18n import _
from ...permissions import Permission
from ...schemas.site_settings import SiteSettingsSchema
from ...services.audit import AuditAction, AuditService
from ...services.qa import RESPONSE_LIMIT_KEY, SAMPLE_SIZE_KEY
from ...services.qa_ledger import LEDGER_RULES_KEY
from ...services.quizzes import SUBMIT_GRACE_KEY
from ...services.site_settings import SiteSettingsService
from ...zones import SITE_TIMEZONE_KEY, site_zone_name

# Form field -> setting key.
EDITED_HERE = {"timezone": SITE_TIMEZONE_KEY, "submit_grace_seconds": SUBMIT_GRACE_KEY}
# Declared settings with a page of their own (route name), or none a person sets.
EDITED_ELSEWHERE = {LEDGER_RULES_KEY: "qa.rules", SAMPLE_SIZE_KEY: "qa.rules", RESPONSE_LIMIT_KEY: "qa.rules",
                    SET_UP_KEY: None}
# What the audit log calls the settings whose changes it records as "Setting changed" (this page's and
# the QA rules page's numbers; the ledger rules have an action of their own).
SETTING_TITLES = {
    SITE_TIMEZONE_KEY: _("Site time zone"),
    SUBMIT_GRACE_KEY: _("Grace for timed quizzes (seconds)"),
    SAMPLE_SIZE_KEY: _("Transcripts sampled per agent per day"),
    RESPONSE_LIMIT_KEY: _("First response limit (seconds)"),
}


@view_defaults(route_name="admin.settings", renderer="admin/site_settings.jinja2",
               permission=Permission.SETTINGS_MANAGE)
class SiteSettingsView(FormView):
    schema = SiteSettingsSchema
    form_options = {"formid": "site-settings"}

    def appstruct(self):
        settings = self.request.find_service(SiteSettingsService)
        return {"timezone": site_zone_name(self.request.dbsession),
                "submit_grace_seconds": settings.get(SUBMIT_GRACE_KEY)}

    @view_config(request_method="GET")
    def get(self):
        return super().get()

    @view_config(request_method="POST")
    def post(self):
        return super().post()

    def on_success(self, appstruct):
        settings = self.request.find_service(SiteSettingsService)
        audit = self.request.find_service(AuditService)
        actor = self.request.identity.account
        changed = False
        for name, key in EDITED_HERE.items():
            before, value = settings.get(key), appstruct[name]
            if before == value:
                continue
            settings.set(key, value, actor=actor)
            audit.record(AuditAction.SETTING_CHANGED, actor=actor, target_type="setting", target_id=key,
                         detail={"key": key, "value": value, "before": before}, ip=self.request.client_addr or "")
            changed = True
        flash(self.request, _("Site settings saved.") if changed else _("Nothing was changed."))
        return None  # back to the page (303), showing what is in force now
