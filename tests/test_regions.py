"""Region data from the pinned idn-area-data package: loading, aliases, the two-step kelurahan choice."""
import csv
import gzip

from config import region_settings
from models import Region, db
from tests.factories import form

DATA = region_settings()["REGION_DATA_DIR"]


def package_counts(province="64"):
    """What the installed package holds for a province, read straight from its CSV files."""
    counts = {}
    for name, level in (("regencies.csv", "regency"), ("districts.csv", "district"),
                        ("villages.csv", "village")):
        with open(f"{DATA}/{name}", newline="", encoding="utf-8") as f:
            counts[level] = sum(1 for row in csv.DictReader(f) if row["code"].startswith(province + "."))
    return counts


def test_the_pinned_package_holds_kaltims_ten_regencies_and_1038_kelurahan():
    # idn-area-data 4.0.1 (Makefile): the figures, as the package holds them.
    assert package_counts() == {"regency": 10, "district": 105, "village": 1038}


def test_regions_load_prints_counts_and_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["regions", "load", "--province", "64"])
        assert result.exit_code == 0, result.output
        assert "1 province(s), 10 regencies, 105 kecamatan, 1038 kelurahan" in result.output
    with db.connection_context():
        for level, n in package_counts().items():
            assert Region.select().where(Region.level == level).count() == n
        assert Region.select().count() == 1 + 10 + 105 + 1038


def test_regions_load_refuses_a_province_that_is_not_served(runner):
    result = runner.invoke(args=["regions", "load", "--province", "63"])
    assert result.exit_code != 0 and "63 is not served" in result.output
    with db.connection_context():
        assert not Region.select().where(Region.code.startswith("63")).exists()


def test_our_spellings_are_kept_beside_the_package_names(app):
    with app.app_context(), db.connection_context():
        nangka = Region.get_by_id("64.71.05.1010")
        assert nangka.name == "Sungainangka" and "Sungai Nangka" in nangka.aliases.split("|")


def test_first_visit_offers_the_ten_regencies_and_no_kelurahan(client):
    page = client.get("/daftar").get_data(as_text=True)
    assert page.count('<option value="64.') == 10
    assert '<form id="regency-step" method="get" action="/daftar">' in page  # for JavaScript off
    assert 'hx-get="/daftar/kelurahan"' in page


def test_first_visit_stays_within_its_byte_budget_compressed(client):
    response = client.get("/daftar", headers={"Accept-Encoding": "gzip"})
    body = response.get_data()
    assert response.headers.get("Content-Encoding") == "gzip" and len(body) <= 14_000
    assert b"64.72" in gzip.decompress(body)


def test_without_javascript_the_regency_step_is_a_plain_get_that_shows_its_kelurahan(client):
    page = client.get("/daftar?kabupaten=64.72").get_data(as_text=True)
    assert '<optgroup label="Palaran">' in page and 'value="64.72.01.1001"' in page
    assert 'value="64.71.01.1001"' not in page  # only Samarinda's kelurahan
    assert '<option value="64.72" selected>' in page


def test_a_refused_form_keeps_the_regency_and_its_kelurahan(client):
    response = client.post("/daftar", data=dict(form(1, kelurahan=""), kabupaten="64.72", nik="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="64.72.01.1001"' in page
    assert '<input type="hidden" name="kabupaten" value="64.72">' in page


def test_htmx_swaps_in_one_regencys_kelurahan_grouped_by_kecamatan(client):
    page = client.get("/daftar/kelurahan?kabupaten=64.74", headers={"HX-Request": "true"})
    text = page.get_data(as_text=True)
    with db.connection_context():
        bontang = Region.villages_of("64.74").count()
    assert text.count('<option value="64.74.') == bontang and "<optgroup" in text
    assert "<html" not in text


def test_an_unknown_regency_gives_the_empty_question_not_an_error(client):
    for code in ("99.99", "64", "64.71.01", "<script>"):
        response = client.get("/daftar/kelurahan", query_string={"kabupaten": code})
        assert response.status_code == 200
        assert "Pilih kabupaten/kota dulu" in response.get_data(as_text=True)


def test_a_kelurahan_outside_the_served_provinces_is_refused_and_nothing_stored(client):
    with db.connection_context():
        Region.create(code="63.71.01.1001", level="village", name="Kertak Baru Ilir", parent="63.71.01")
    response = client.post("/daftar", data=form(1, kelurahan="63.71.01.1001"))
    assert response.status_code == 422 and "Program ini hanya untuk warga Kalimantan Timur" in \
        response.get_data(as_text=True)
    with db.connection_context():
        from models import Registration
        assert Registration.select().count() == 0
