"""Make the audit trail append-only in the database itself.

PostgreSQL: row triggers refuse UPDATE and DELETE, and a statement trigger refuses TRUNCATE.
TRUNCATE alone has a maintenance door: a session (or a database, with ALTER DATABASE … SET)
that sets `governance.audit_truncate = 'allow'` may empty the table, which the test suite uses
to reset its throwaway database between tests. UPDATE and DELETE have no door.
SQLite: triggers refuse UPDATE and DELETE (SQLite has no TRUNCATE).
"""

from django.db import migrations

TABLE = "governance_auditevent"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION governance_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on {TABLE} is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION governance_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('governance.audit_truncate', true), '') = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE on {TABLE} is refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_refuse_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION governance_audit_refuse_change();
CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION governance_audit_refuse_truncate();
"""

POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS audit_refuse_truncate ON {TABLE};
DROP TRIGGER IF EXISTS audit_refuse_update_delete ON {TABLE};
DROP FUNCTION IF EXISTS governance_audit_refuse_truncate();
DROP FUNCTION IF EXISTS governance_audit_refuse_change();
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER audit_refuse_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on {TABLE} is refused'); END""",
    f"""CREATE TRIGGER audit_refuse_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on {TABLE} is refused'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_refuse_update", "DROP TRIGGER IF EXISTS audit_refuse_delete"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No append-only triggers for {vendor}; the portal supports PostgreSQL and SQLite.")


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_role_groups")]

    operations = [migrations.RunPython(forward, reverse)]
