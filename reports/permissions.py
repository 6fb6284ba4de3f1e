"""Who may see and handle a content report (DESIGN §2), and the lookup that 404s.

The person who filed a report sees it (what they sent, and where it stands, in their words);
the communications team and auditors see every report, its screenshot, the registry match, the
notes and the history; only the communications team (CSC staff and the Director) handles them.
A member of the public has no sign-in, so sees nothing once they have filed.
"""

import rules
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from governance.permissions import is_csc, is_signed_in, reads_everything

from .models import ContentReport


def reports_visible_to(user) -> QuerySet[ContentReport]:
    """Every report for the communications team and auditors; one's own for anyone else."""
    if reads_everything(user):
        return ContentReport.objects.all()
    if not is_signed_in(user):
        return ContentReport.objects.none()
    return ContentReport.objects.filter(reporter=user)


def get_report_for_user(user, pk) -> ContentReport:
    """The report, or 404 if it does not exist or this person may not see it."""
    return get_object_or_404(
        reports_visible_to(user).select_related(
            "reporter__employee", "reporter_employee__business_unit", "assignee__employee", "matched_account"
        ),
        pk=pk,
    )


@rules.predicate
def is_reporter(user, report):
    return report is not None and report.reporter_id is not None and report.reporter_id == user.pk


#: Assign, add notes, share, close and refer: the communications team.
can_triage = is_csc
#: The screenshot, the registry match, the notes and the history: the team and auditors.
can_see_handling = reads_everything

rules.add_perm("reports.triage", can_triage)
rules.add_perm("reports.see_handling", can_see_handling)
