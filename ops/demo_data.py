"""Realistic fake registrations for demos, training and benchmarks, inserted in bulk."""
import datetime as dt
import random
from functools import partial
from itertools import accumulate

from core import bulk, refs
from models import Occupation, ProgramYear, Region, Registration, now

MEN = ("Budi", "Ahmad", "Muhammad", "Rahmat", "Andi", "Syamsul", "Agus", "Hendra", "Yusuf",
       "Rizky", "Dedi", "Joko", "Arif", "Bambang", "Fajar", "Irwan", "Slamet", "Wahyu", "Daeng")
WOMEN = ("Siti", "Nur", "Dewi", "Sri", "Rina", "Fitri", "Aminah", "Wulan", "Yuliana", "Ratna",
         "Hasanah", "Kartini", "Lestari", "Maya", "Nurul", "Putri", "Rahmawati", "Indah")
FAMILY = ("Santoso", "Saputra", "Hidayat", "Wijaya", "Pratama", "Lubis", "Hasibuan", "Rahman",
          "Setiawan", "Kurniawan", "Nugroho", "Sulistyo", "Pangeran", "Ismail", "Hamzah", "")
PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895")
WORK = {"ojol": 30, "ojek-pangkalan": 8, "nelayan": 10, "petani": 5, "pedagang": 20,
        "buruh-harian": 14, "kurir": 6, "art": 4, "lainnya": 3}
CHANNELS = {"web": 45, "sms": 25, "assisted": 30}
# NIK regions of people first registered elsewhere (Java, Sulawesi, other Kaltim regencies).
BORN = ("357801", "737101", "327301", "730801", "640201", "647201", "647401")
REASONS = ("not_resident", "already_participant", "income", "age", "duplicate", "documents")
MIX = {"pending": 0.45, "approved": 0.35, "enrolled": 0.20}
CHUNK = 20_000


class Maker:
    """Draws one fake registration at a time; remembers codes and NIKs so none repeats."""

    def __init__(self, year, rng):
        self.year, self.rng = year, rng
        self.places = [r.code for r in Region.select().where(Region.level == "village")]
        self.places += [r.code for r in Region.choosable()[1]]
        # About half from Balikpapan's 34 kelurahan (the first city), the rest over the province.
        self.weights = list(accumulate(30 if c.startswith("64.71.") else 1 for c in self.places))
        self.work = [c for c in WORK if Occupation.get_or_none(Occupation.code == c)] or \
            [o.code for o in Occupation.select()]
        self.work_weights = list(accumulate(WORK.get(w, 1) for w in self.work))
        self.channel_weights = list(accumulate(CHANNELS.values()))
        used = Registration.select(Registration.ref, Registration.nik, Registration.kpj).tuples()
        self.refs, self.niks, self.kpjs = set(), set(), set()
        for ref, nik, kpj in used:
            self.refs.add(ref)
            self.niks.add(nik)
            self.kpjs.add(kpj)
        self.end = min(dt.datetime(year - 1, 11, 30, 16), now())

    def unique(self, taken, draw):
        """A value from draw() that is not in taken (and is now)."""
        value = draw()
        while value in taken:
            value = draw()
        taken.add(value)
        return value

    def nik(self, region, birth, female):
        """A NIK of the right shape: first-registered region, birth date (+40 for women), serial."""
        rng, day = self.rng, birth.day + (40 if female else 0)
        district = region[6:8] if region.count(".") == 3 else f"{rng.randint(1, 9):02d}"
        home = region[:5].replace(".", "") + district if rng.random() < 0.85 else rng.choice(BORN)
        born = f"{home}{day:02d}{birth:%m%y}"
        return self.unique(self.niks, lambda: f"{born}{rng.randint(1, 9999):04d}")

    def row(self, when):
        """One registration's column values, status and pool left for the caller to decide."""
        rng = self.rng
        region = rng.choices(self.places, cum_weights=self.weights)[0]
        work = rng.choices(self.work, cum_weights=self.work_weights)[0]
        female = rng.random() < (0.85 if work == "art" else 0.25)
        birth = dt.date(self.year - rng.randint(20, 63), rng.randint(1, 12), rng.randint(1, 28))
        name = f"{rng.choice(WOMEN if female else MEN)} {rng.choice(FAMILY)}".strip()
        nik = self.nik(region, birth, female)
        phone = f"+62{rng.choice(PREFIXES)}{rng.randint(0, 99_999_999):08d}"
        ref = self.unique(self.refs, lambda: "".join(
            rng.choices(refs.REF_ALPHABET, k=refs.REF_LENGTH)))
        return dict(ref=ref, year=self.year, nik=nik, nik_active=nik, name=name, birth_date=birth,
                    sex="F" if female else "M", phone=phone, occupation=work, region=region,
                    pool=None, status="waitlisted",
                    channel=rng.choices(list(CHANNELS), cum_weights=self.channel_weights)[0],
                    declared_not_participant=True, declared_income=True,
                    # Outside Balikpapan only the DTKS pool serves: those who register there are on it.
                    declared_dtks=rng.random() < 0.5 or not region.startswith("64.71."),
                    dtks_confirmed=False, kpj=None, reject_reason=None,
                    created_at=when, updated_at=when)

    def decide(self, row, pools, free, mix, rejected, cancelled):
        """Give a row its status: a seat while a serving pool has one, else the waiting list."""
        rng, roll = self.rng, self.rng.random()
        pool = next((p for p in pools if p.serves(row["region"]) and free[p.id] > 0
                     and (row["declared_dtks"] or not p.requires_dtks)), None)  # the DTKS rule
        if roll < cancelled:
            row.update(status="cancelled", nik_active=None)
        elif roll < cancelled + rejected:
            row.update(status="rejected", pool=pool and pool.id, reject_reason=rng.choice(REASONS))
        elif pool is not None:
            free[pool.id] -= 1
            status = rng.choices(list(mix), list(mix.values()))[0]
            row.update(status=status, pool=pool.id)
            if status == "enrolled":
                row["kpj"] = self.unique(self.kpjs, lambda: f"25{rng.randint(0, 999_999_999):09d}")
        return row

    def rows(self, times, mix, rejected, cancelled, pools, free):
        """Rows for times, each given a status and pool; free {pool id: seats} is spent."""
        return [self.decide(self.row(when), pools, free, mix, rejected, cancelled) for when in times]


def generate(n, seed=None, mix=None, rejected=0.04, cancelled=0.03, progress=None, actor="cli"):
    """Add n fake registrations to the current year, keeping the seat rule; {status: count}."""
    year = ProgramYear.current()
    if year is None:
        raise ValueError("there is no current program year")
    maker = Maker(year.year, random.Random(seed))
    span = dt.timedelta(days=90).total_seconds()
    times = sorted(maker.end - dt.timedelta(seconds=maker.rng.random() * span) for _ in range(n))
    chunks = (partial(maker.rows, times[start:start + CHUNK], mix or MIX, rejected, cancelled)
              for start in range(0, n, CHUNK))
    return bulk.add_registrations(year, chunks, actor, "demo_data", progress)
