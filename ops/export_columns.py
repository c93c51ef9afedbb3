"""The export column registry: header and value of each column, default sets per export."""
from dataclasses import dataclass
from typing import Callable

from config import export_settings
from core.clock import local
from core.identity import mask_nik
from models import Occupation, Region

DATE = "%d-%m-%Y"
ENV = {"bpjs": "JARING_EXPORT_COLUMNS", "decree": "JARING_DECREE_COLUMNS"}


@dataclass(frozen=True)
class Column:
    """A column: its header and how to read its value from (row, names)."""

    header: str
    value: Callable


def national(e164):
    """`+628…` as BPJS forms write it: `08…`."""
    return "0" + e164[3:] if e164.startswith("+62") else e164


COLUMNS = {
    "no": Column("NO", lambda r, n: n.number),
    "ref": Column("KODE PENDAFTARAN", lambda r, n: r.ref),
    "nik": Column("NIK", lambda r, n: r.nik),
    "nik_tersamar": Column("NIK", lambda r, n: mask_nik(r.nik)),
    "nama": Column("NAMA LENGKAP", lambda r, n: r.name),
    "tgl_lahir": Column("TANGGAL LAHIR", lambda r, n: r.birth_date.strftime(DATE)),
    "jenis_kelamin": Column("JENIS KELAMIN", lambda r, n: "P" if r.sex == "F" else "L"),
    "no_hp": Column("NO HP", lambda r, n: national(r.phone)),
    "kelurahan": Column("KELURAHAN", lambda r, n: n.village(r.region)),
    "kecamatan": Column("KECAMATAN", lambda r, n: n.district(r.region)),
    "kab_kota": Column("KABUPATEN/KOTA", lambda r, n: n.regency(r.region)),
    "kode_wilayah": Column("KODE WILAYAH", lambda r, n: r.region),
    "pekerjaan": Column("PEKERJAAN", lambda r, n: n.occupations[r.occupation].name_id),
    "instansi": Column("INSTANSI VERIFIKASI", lambda r, n: n.occupations[r.occupation].agency),
    "program": Column("PROGRAM", lambda r, n: n.program),
    "iuran": Column("IURAN PER BULAN (RP)", lambda r, n: n.contribution),
    "tgl_mulai": Column("TANGGAL MULAI", lambda r, n: f"01-01-{r.year}"),
    "kpj": Column("NO KPJ", lambda r, n: r.kpj or ""),
    "status": Column("STATUS", lambda r, n: r.status),
    "kanal": Column("KANAL", lambda r, n: r.channel),
    # The day in the program's time zone: 06:30 WITA on 1 December is 22:30 UTC on 30 November.
    "tgl_daftar": Column("TANGGAL DAFTAR", lambda r, n: local(r.created_at).strftime(DATE)),
}
DEFAULTS = {
    "bpjs": ("nik", "nama", "tgl_lahir", "jenis_kelamin", "no_hp", "kelurahan", "kecamatan",
             "pekerjaan", "program", "iuran", "tgl_mulai"),
    "decree": ("no", "kab_kota", "kecamatan", "kelurahan", "nama", "nik", "tgl_lahir",
               "jenis_kelamin", "pekerjaan"),
}



class Names:
    """Region and occupation names, loaded once per export, and the running row number."""

    def __init__(self):
        self.regions = {r.code: r for r in Region.select()}
        self.occupations = {o.code: o for o in Occupation.select()}
        settings = export_settings()
        self.program, self.contribution = settings["program"], settings["contribution"]
        self.number = 0

    def village(self, code):
        """The kelurahan's name ('' for a regency chosen as domicile)."""
        region = self.regions.get(code)
        return region.name if region and region.level == "village" else ""

    def district(self, code):
        """The kecamatan's name of a kelurahan."""
        region = self.regions.get(code)
        parent = region and region.level == "village" and self.regions.get(region.parent)
        return parent.name if parent else ""

    def regency(self, code):
        """The regency or city name."""
        region = self.regions.get(code[:5])
        return region.name if region else ""


def columns_for(kind, spec=None):
    """Column keys: spec ('a,b' or a list), else the kind's environment variable, else default."""
    spec = spec or export_settings()["columns"][kind]
    keys = [k.strip() for k in spec.split(",")] if isinstance(spec, str) else list(spec)
    keys = [k for k in keys if k] or list(DEFAULTS[kind])
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise ValueError(f"unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}")
    return keys


