"""Content reports: the Standards' "Be an Ambassador". Employees and members of the public report
posts and profiles; the communications team triages them; the registry says whether an account is
the City's. Depends on `accounts` and `governance` only."""
