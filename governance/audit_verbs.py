"""The closed vocabulary of audit verbs (STYLE 13): every verb an AuditEvent may carry, declared
once here as a constant, each with the subject it is grouped under in the audit search and the
sentence people read.

A sentence is a format string with `{actor}` (who acted, by name, or the job or import that did)
and `{target}` (the object, as recorded). The renderer adds the note and the changed fields after
it. Code never builds a verb at run time or types one inside SQL: it names a constant of `Verb`.
A test fails when a verb used anywhere has no entry here.
"""

from dataclasses import dataclass


class Subject:
    """How the audit search groups verbs."""

    REQUESTS = "Requests"
    ACCOUNTS = "Accounts"
    ACCESS = "Access"
    PEOPLE = "People"
    STANDARDS = "Training and the Standards"
    SIGN_IN = "Sign-in and roles"
    REPORTS = "Content reports"
    AUDIT = "The audit trail"


@dataclass(frozen=True)
class VerbInfo:
    code: str
    subject: str
    sentence: str


#: Every verb, by code.
VERBS: dict[str, VerbInfo] = {}


def _verb(code: str, subject: str, sentence: str) -> str:
    if code in VERBS:
        raise ValueError(f"The audit verb {code} is declared twice.")
    VERBS[code] = VerbInfo(code, subject, sentence)
    return code


class Verb:
    """The verbs, as constants: `record_event(verb=Verb.REQUEST_APPROVED, …)`."""

    # Requests
    REQUEST_CREATED = _verb("request.created", Subject.REQUESTS, "{actor} started {target}")
    REQUEST_UPDATED = _verb("request.updated", Subject.REQUESTS, "{actor} edited {target}")
    REQUEST_SUBMITTED = _verb("request.submitted", Subject.REQUESTS, "{actor} submitted {target}")
    REQUEST_RETURNED = _verb("request.returned", Subject.REQUESTS, "{actor} returned {target} for changes")
    REQUEST_APPROVED = _verb("request.approved", Subject.REQUESTS, "{actor} approved {target}")
    REQUEST_REJECTED = _verb("request.rejected", Subject.REQUESTS, "{actor} rejected {target}")
    REQUEST_WITHDRAWN = _verb("request.withdrawn", Subject.REQUESTS, "{actor} withdrew {target}")
    REQUEST_COMMENTED = _verb("request.commented", Subject.REQUESTS, "{actor} commented on {target}")

    # Accounts
    ACCOUNT_REGISTERED = _verb("account.registered", Subject.ACCOUNTS, "{actor} registered {target}")
    ACCOUNT_UPDATED = _verb("account.updated", Subject.ACCOUNTS, "{actor} updated the registry entry of {target}")
    ACCOUNT_STATUS_CHANGED = _verb("account.status_changed", Subject.ACCOUNTS, "{actor} changed the status of {target}")
    ACCOUNT_DECOMMISSIONED = _verb("account.decommissioned", Subject.ACCOUNTS, "{actor} decommissioned {target}")

    # Access: designations, reviews and password changes
    GRANT_DESIGNATED = _verb("grant.designated", Subject.ACCESS, "{actor} designated {target}")
    GRANT_REVOKED = _verb("grant.revoked", Subject.ACCESS, "{actor} revoked the access of {target}")
    GRANT_SUSPENDED = _verb("grant.suspended", Subject.ACCESS, "{actor} suspended the access of {target}")
    REVIEW_OPENED = _verb("review.opened", Subject.ACCESS, "{actor} opened a review: {target}")
    REVIEW_KEPT = _verb("review.kept", Subject.ACCESS, "{actor} kept the access under review ({target})")
    REVIEW_REVOKED = _verb(
        "review.revoked", Subject.ACCESS, "{actor} closed a review by revoking the access ({target})"
    )
    REVIEW_ESCALATED = _verb(
        "review.escalated", Subject.ACCESS, "{actor} escalated an overdue review to the Director ({target})"
    )
    ROTATION_OPENED = _verb("rotation.opened", Subject.ACCESS, "{actor} asked for a password change: {target}")
    ROTATION_CAUSE_ADDED = _verb(
        "rotation.cause_added", Subject.ACCESS, "{actor} added a reason to an open password change: {target}"
    )
    ROTATION_COMPLETED = _verb("rotation.completed", Subject.ACCESS, "{actor} recorded a password change: {target}")
    ROTATION_ESCALATED = _verb(
        "rotation.escalated", Subject.ACCESS, "{actor} escalated an overdue password change to the Director ({target})"
    )

    # People
    EMPLOYEE_CREATED = _verb("employee.created", Subject.PEOPLE, "{actor} added {target} to the people directory")
    EMPLOYEE_UPDATED = _verb("employee.updated", Subject.PEOPLE, "{actor} updated the record of {target}")
    EMPLOYEE_ROLE_CHANGED = _verb(
        "employee.role_changed", Subject.PEOPLE, "{actor} recorded a role change for {target}"
    )
    EMPLOYEE_EMPLOYMENT_ENDED = _verb(
        "employee.employment_ended", Subject.PEOPLE, "{actor} recorded that the employment of {target} ended"
    )
    EMPLOYEE_LEFT_ROSTER = _verb(
        "employee.left_roster", Subject.PEOPLE, "{actor} found {target} missing from the full HR roster"
    )
    EMPLOYEE_RETURNED_TO_ROSTER = _verb(
        "employee.returned_to_roster", Subject.PEOPLE, "{actor} found {target} back in the HR roster"
    )
    EMPLOYEE_DELETED = _verb("employee.deleted", Subject.PEOPLE, "{actor} deleted the record of {target}")
    BUSINESS_UNIT_CREATED = _verb("business_unit.created", Subject.PEOPLE, "{actor} added the business unit {target}")
    BUSINESS_UNIT_RENAMED = _verb("business_unit.renamed", Subject.PEOPLE, "{actor} renamed the business unit {target}")
    BUSINESS_UNIT_UPDATED = _verb("business_unit.updated", Subject.PEOPLE, "{actor} updated the business unit {target}")
    BUSINESS_UNIT_DELETED = _verb("business_unit.deleted", Subject.PEOPLE, "{actor} deleted the business unit {target}")
    ROSTER_UPLOADED = _verb("roster.uploaded", Subject.PEOPLE, "{actor} uploaded {target} to be checked")
    ROSTER_CONFIRMED = _verb("roster.confirmed", Subject.PEOPLE, "{actor} confirmed the import of {target}")
    ROSTER_DISCARDED = _verb("roster.discarded", Subject.PEOPLE, "{actor} discarded {target} without importing it")
    ROSTER_IMPORTED = _verb("roster.imported", Subject.PEOPLE, "{actor} finished importing {target}")
    ROSTER_IMPORT_FAILED = _verb(
        "roster.import_failed", Subject.PEOPLE, "{actor} could not import {target}; nothing was applied"
    )

    # Training and the Standards
    TRAINING_RECORDED = _verb("training.recorded", Subject.STANDARDS, "{actor} recorded training: {target}")
    TRAINING_UPDATED = _verb("training.updated", Subject.STANDARDS, "{actor} corrected a training record: {target}")
    TRAINING_DELETED = _verb("training.deleted", Subject.STANDARDS, "{actor} deleted a training record: {target}")
    TRAINING_IMPORTED = _verb(
        "training.imported", Subject.STANDARDS, "{actor} imported training records from a learning-system file"
    )
    STANDARDS_ACKNOWLEDGED = _verb(
        "standards.acknowledged", Subject.STANDARDS, "{actor} acknowledged the Standards ({target})"
    )
    STANDARDS_VERSION_CREATED = _verb(
        "standards.version_created", Subject.STANDARDS, "{actor} added a version of the Standards: {target}"
    )
    STANDARDS_VERSION_UPDATED = _verb(
        "standards.version_updated", Subject.STANDARDS, "{actor} edited a version of the Standards: {target}"
    )
    STANDARDS_VERSION_PUBLISHED = _verb(
        "standards.version_published", Subject.STANDARDS, "{actor} published a version of the Standards: {target}"
    )
    STANDARDS_VERSION_DELETED = _verb(
        "standards.version_deleted", Subject.STANDARDS, "{actor} deleted a version of the Standards: {target}"
    )

    # Sign-in and roles
    USER_DEACTIVATED = _verb("user.deactivated", Subject.SIGN_IN, "{actor} turned off the sign-in of {target}")
    USER_REACTIVATED = _verb("user.reactivated", Subject.SIGN_IN, "{actor} turned the sign-in of {target} back on")
    MFA_ENROLLED = _verb(
        "mfa.enrolled", Subject.SIGN_IN, "{actor} set up two-step sign-in with an authenticator app ({target})"
    )
    MFA_VERIFIED = _verb("mfa.verified", Subject.SIGN_IN, "{actor} signed in with a code from an authenticator app")
    MFA_FAILED = _verb("mfa.failed", Subject.SIGN_IN, "{actor} gave a wrong two-step sign-in code")
    MFA_RECOVERY_CODE_USED = _verb(
        "mfa.recovery_code_used", Subject.SIGN_IN, "{actor} signed in with a recovery code instead of the app"
    )
    MFA_RECOVERY_CODES_REPLACED = _verb(
        "mfa.recovery_codes_replaced", Subject.SIGN_IN, "{actor} replaced their two-step sign-in recovery codes"
    )

    # Content reports
    REPORT_FILED = _verb("report.filed", Subject.REPORTS, "{actor} filed {target}")
    REPORT_ASSIGNED = _verb("report.assigned", Subject.REPORTS, "{actor} assigned {target}")
    REPORT_COMMENTED = _verb("report.commented", Subject.REPORTS, "{actor} added a note to {target}")
    REPORT_SHARED = _verb("report.shared", Subject.REPORTS, "{actor} marked {target} as shared")
    REPORT_CLOSED = _verb("report.closed", Subject.REPORTS, "{actor} closed {target}")
    REPORT_REFERRED = _verb("report.referred", Subject.REPORTS, "{actor} referred {target}")
    REPORT_ESCALATED = _verb(
        "report.escalated", Subject.REPORTS, "{actor} escalated {target} to the Director: it is overdue"
    )


def sentence_for(code: str) -> str:
    """The sentence of a verb; an unknown verb (an event older than the vocabulary) reads as its code."""
    info = VERBS.get(code)
    return info.sentence if info else "{actor}: " + code + " ({target})"
