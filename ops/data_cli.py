"""Long CLI jobs of the program year: export, import-kpj, import-dtks, backup, restore, purge,
demo-data."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from tqdm import tqdm

from core import clock, refs, retention
from core.seats import seat_problems
from database import truncate_wal
from models import Region, db
from ops import backup as backups
from ops import demo_data, dtks_import, exports, kpj_import
from ops.checks import table_counts

export_cli = AppGroup("export", help="Approved registrations for BPJS, or the decree list.")


def bar(total, unit):
    """A progress bar on stderr (stdout may carry the export); counts only, no personal data."""
    return tqdm(total=total, unit=unit, file=sys.stderr, mininterval=0.5, dynamic_ncols=True)


def export_command(kind, summary):
    """A `flask export <kind>` command."""
    @export_cli.command(kind, help=f"Write {summary} as CSV or XLSX.")
    @click.option("--format", "fmt", type=click.Choice(exports.FORMATS), default="csv",
                  help="csv: for Excel (BOM, NIK and dates kept as text); csv-plain: bare UTF-8 "
                       "for machines; xlsx.")
    @click.option("--output", "-o", default="-", help="File to write ('-' = stdout).")
    @click.option("--columns", help=f"Comma-separated keys (default: ${exports.ENV[kind]} or "
                  f"{','.join(exports.DEFAULTS[kind])}). Known: {', '.join(exports.COLUMNS)}.")
    @click.option("--year", type=int, help="Program year (default: the current one).")
    @click.option("--region", help="One regency only, e.g. 64.72 (each issues its own decree).")
    def command(fmt, output, columns, year, region):
        try:
            columns = exports.columns_for(kind, columns)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--columns")
        with db.connection_context():
            if region and not Region.select().where(
                    (Region.code == region) & (Region.level == "regency")).exists():
                raise click.BadParameter(f"unknown regency code {region!r}", param_hint="--region")
            total = exports.count_rows(kind, year, region)
            writer = exports.writer_for(fmt)
            # atomic: the file appears only once it is complete.
            with bar(total, "rows") as progress, \
                    click.open_file(output, "wb", atomic=output != "-") as out:
                writer(out, kind, year, columns, progress.update, region=region)
        click.echo(f"export {kind}: {total} rows, {len(columns)} columns, {fmt} -> {output}",
                   err=output == "-")
    return command


export_command("bpjs", "approved registrations for BPJS collective registration")
export_command("decree", "the decree list (approved and enrolled) by kecamatan and kelurahan")


@click.command("import-kpj")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", "apply_", is_flag=True, help="Enrol the matched rows (default: dry run).")
@click.option("--year", type=int, help="Program year (default: the current one).")
@click.option("--problems-only", is_flag=True, help="List only rows that are not matched.")
def import_kpj(path, apply_, year, problems_only):
    """Match BPJS membership numbers (CSV/XLSX with NIK and KPJ columns) to registrations."""
    with db.connection_context(), open(path, "rb") as f:
        with bar(kpj_import.row_count(f), "rows") as progress:
            try:
                report = kpj_import.import_kpj(f, apply=apply_, actor="cli", year=year,
                                               progress=progress.update)
            except kpj_import.ImportFileError as error:
                raise click.ClickException(str(error))
    for row in report.rows:
        if not (problems_only and row.result == "matched"):
            code = refs.format_ref(row.ref) if row.ref else ""
            parts = [row.result + (" (enrolled)" if row.applied else ""), code, row.detail]
            click.echo(f"line {row.line}: " + " ".join(p for p in parts if p))
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.counts.items() if n)
    if apply_:
        enrolled = sum(r.applied for r in report.rows)
        click.echo(f"Applied: {enrolled} enrolled, SMS queued. Rows: {counts or 'none'}.")
    else:
        click.echo(f"Dry run, nothing changed. Rows: {counts or 'none'}. "
                   "Run with --apply to enrol.")


@click.command("import-dtks")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", "apply_", is_flag=True, help="Replace the year's DTKS list (default: dry run).")
@click.option("--year", type=int, help="Program year (default: the current one).")
def import_dtks(path, apply_, year):
    """Check a DTKS extract (CSV/XLSX with a NIK column); --apply makes it the year's list."""
    with db.connection_context(), open(path, "rb") as f:
        try:
            report = dtks_import.import_dtks(f, apply=apply_, actor="cli", year=year)
        except dtks_import.ImportFileError as error:
            raise click.ClickException(str(error))
    for line, key in report.malformed[:50]:
        click.echo(f"line {line}: malformed NIK ({key})")
    summary = (f"{len(report.niks)} NIKs ({report.rows} rows, {report.duplicates} repeated, "
               f"{len(report.malformed)} malformed); {report.matched} registrations on the list, "
               f"{report.declared_not_listed} declared DTKS but not on it")
    if report.malformed:
        raise click.ClickException(f"Refused, nothing changed: {summary}. Fix the malformed rows.")
    if apply_:
        click.echo(f"Applied: {summary}; {report.promoted} promoted from the waiting list.")
    else:
        click.echo(f"Dry run, nothing changed: {summary}. Run with --apply to use this list.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path):
    """Copy the database to PATH while the server runs (SQLite backup API, or pg_dump)."""
    url = current_app.config["DATABASE_URL"]
    with db.connection_context():
        total, unit = backups.size_hint(url)
    try:
        with bar(total, unit) as progress:
            done = backups.backup(url, path, progress.update)
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backup of the {done.kind} database written to {done.path}: "
               f"{done.size:,} bytes, {done.steps} {unit}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path, yes):
    """Replace the database with a backup (stop the server and the SMS worker first)."""
    url = current_app.config["DATABASE_URL"]
    if not yes:
        click.confirm("This replaces every row of the database. Continue?", abort=True)
    try:
        with bar(None, "steps") as progress:
            done = backups.restore(url, path, progress.update)
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    with db.connection_context():
        counts, problems = table_counts(), seat_problems()
    click.echo(f"Restored {done.path} into the {done.kind} database: "
               f"{counts.get('registration', 0)} registrations, {counts.get('pool', 0)} pools, "
               f"seat rule {'BROKEN: ' + str(problems) if problems else 'ok'}.")
    if problems:
        sys.exit(1)


@click.command("purge")
@with_appcontext
@click.option("--dry-run/--apply", "dry_run", default=True,
              help="Show what would be anonymised (default), or anonymise it.")
def purge_command(dry_run):
    """Anonymise personal data of program years past JARING_RETENTION_YEARS (dry run unless --apply)."""
    keep = current_app.config["RETENTION_YEARS"]
    if keep < 1:
        raise click.ClickException(f"JARING_RETENTION_YEARS must be 1 or more, not {keep}: "
                                   "last year's records are still needed.")
    url = current_app.config["DATABASE_URL"]
    with db.connection_context():
        today = clock.today()
        years, cutoff = retention.due_years(keep, today), retention.sms_cutoff(keep, today)
        planned = [retention.counts(year, keep, today) for year in years]
        inbound, sessions = retention.sms_counts(cutoff)
        click.echo(f"Rule: a program year's personal data is kept until 31 December of the year "
                   f"+ {keep} (JARING_RETENTION_YEARS); today is {today}.")
        for c in planned:
            click.echo(f"program year {c.year}: {c.registrations} registrations to anonymise, "
                       f"{c.sms} SMS, {c.audit_details} audit rows with KPJ or notes, "
                       f"{c.reverifications} re-verification entries, {c.dtks_niks} DTKS NIKs, "
                       f"{c.languages} phone language choices")
        click.echo(f"SMS records before {clock.local(cutoff):%Y-%m-%d %H:%M %Z}: {inbound} inbound "
                   f"messages, {sessions} conversations")
        total = sum(c.total for c in planned) + inbound + sessions
        if dry_run or not total:
            kept = retention.oldest_kept(keep, today)
            oldest = (f" The oldest kept program year, {kept}, is kept until "
                      f"{retention.kept_until(kept, keep)}." if kept else "")
            click.echo(("Dry run, nothing changed. Run with --apply to anonymise."
                        if total else "Nothing to purge.") + oldest)
            if not dry_run and backups.kind_of(url) == "sqlite":
                empty_wal("nothing to purge, but")  # what an earlier run could not
            return
        for year in years:
            if not retention.purge_year(year, "cli", keep, today).ok:
                raise click.ClickException(f"program year {year} is not due; nothing more changed")
        retention.purge_sms(cutoff, "cli")
    if backups.kind_of(url) == "sqlite":
        # An UPDATE leaves the old bytes in the file's free space; rebuild it without them.
        with db.connection_context():
            db.execute_sql("VACUUM")
        empty_wal("anonymised, but")
    click.echo(f"Applied: {sum(c.registrations for c in planned)} registrations of "
               f"{len(years)} program year(s) anonymised, {inbound + sessions} SMS records deleted; "
               "audited. Backups made before today still hold the data: let them age out.")


def empty_wal(done):
    """Empty the SQLite WAL, where a purge's old pages stay until a checkpoint copies them over;
    ClickException (starting with `done`) if other processes kept it busy for 30 s."""
    with db.connection_context():
        try:
            # A server's checkpoint thread or a long read may keep it busy for a moment.
            truncate_wal()
        except RuntimeError:
            raise click.ClickException(
                f"{done} SQLite's WAL file still holds old pages: other processes kept it busy "
                "for 30 s. Stop the server and run `flask purge --apply` again.") from None


@click.command("demo-data")
@with_appcontext
@click.option("--registrations", "-n", type=click.IntRange(min=1), required=True)
@click.option("--seed", type=int, help="Same seed, same data (on the same database).")
@click.option("--mix", default="pending=45,approved=35,enrolled=20",
              help="Weights of the statuses that hold a seat.")
@click.option("--rejected", type=click.FloatRange(0, 1), default=0.04)
@click.option("--cancelled", type=click.FloatRange(0, 1), default=0.03)
def demo_data_command(registrations, seed, mix, rejected, cancelled):
    """Add N realistic fake registrations to the current year (demos, training, benchmarks)."""
    try:
        weights = {k.strip(): float(v) for k, v in (p.split("=") for p in mix.split(","))}
    except ValueError:
        weights = {}
    if not weights or not set(weights) <= {"pending", "approved", "enrolled"}:
        raise click.BadParameter("like pending=45,approved=35,enrolled=20", param_hint="--mix")
    try:
        with db.connection_context(), bar(registrations, "rows") as progress:
            made = demo_data.generate(registrations, seed, weights, rejected, cancelled,
                                      progress=progress.update)
    except ValueError as error:
        raise click.ClickException(str(error))
    click.echo(f"demo-data: {registrations} registrations added ("
               + ", ".join(f"{n} {k}" for k, n in sorted(made.items())) + "); seat rule ok.")
