"""The names of the role groups (DESIGN §2). A data migration creates them."""

DIRECTOR = "Director CSC"
CSC_STAFF = "CSC staff"
AUDITORS = "Auditors"

ROLE_GROUPS = (DIRECTOR, CSC_STAFF, AUDITORS)
