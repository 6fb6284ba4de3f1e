"""The error every service raises when a rule refuses a change."""


class WorkflowError(Exception):
    """A rule of the Standards or of a workflow refused the change; the message tells the
    person what happened, in words they can act on."""
