"""`flask --app app regions load`: Kemendagri regions of the configured provinces into the database."""
import click
from flask import current_app
from flask.cli import AppGroup

from models import db
from ops import regions
from ops.seed import load_regions

regions_cli = AppGroup("regions", help="Region codes and names (idn-area-data, ODbL).")


def describe(counts):
    """`1 province, 10 regencies, 105 kecamatan, 1038 kelurahan`."""
    return (f"{counts['province']} province(s), {counts['regency']} regencies, "
            f"{counts['district']} kecamatan, {counts['village']} kelurahan")


@regions_cli.command("load")
@click.option("--province", "provinces", multiple=True,
              help="Province code, e.g. 64 (repeatable; default: JARING_PROVINCES).")
def load_command(provinces):
    """Insert or update a province's regencies, kecamatan and kelurahan (safe to repeat)."""
    configured = current_app.config["REGION_PROVINCES"]
    provinces = [p.strip() for p in provinces] or configured
    outside = [p for p in provinces if p not in configured]
    if outside:
        raise click.ClickException(
            f"province {', '.join(outside)} is not served (JARING_PROVINCES={','.join(configured)})")
    try:
        with db.connection_context():
            counts = load_regions(provinces)
    except regions.RegionDataError as error:
        raise click.ClickException(str(error))
    click.echo(f"Regions loaded for {','.join(provinces)}: {describe(counts)}.")
