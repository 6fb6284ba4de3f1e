"""The names of the role groups (DESIGN §2). A data migration creates them."""

DIRECTOR = "Director CSC"
CSC_STAFF = "CSC staff"
AUDITORS = "Auditors"
#: Human Resources: uploads the HR roster and sees people and their training (DESIGN §2).
HR = "HR"

ROLE_GROUPS = (DIRECTOR, CSC_STAFF, AUDITORS, HR)
