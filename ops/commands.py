"""Every `flask` command group, attached to the app in one place."""
from ops.data_cli import (
    backup_command,
    demo_data_command,
    export_cli,
    import_dtks,
    import_kpj,
    purge_command,
    restore_command,
)
from ops.db_cli import init_db, pool_cli
from ops.regions_cli import regions_cli
from ops.sms_cli import sms_cli
from ops.staff_cli import staff_cli
from ops.year_cli import year_cli

COMMANDS = (init_db, pool_cli, staff_cli, sms_cli, year_cli, export_cli, import_kpj,
            backup_command, restore_command, demo_data_command, regions_cli,
            import_dtks, purge_command)


def register(app):
    """Attach every command group to app.cli."""
    for command in COMMANDS:
        app.cli.add_command(command)
