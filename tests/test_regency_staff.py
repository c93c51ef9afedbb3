"""Staff tied to a regency see, decide, export and manage only that regency: every route checks."""
import pytest

from core import pools, quota, refs
from models import AuditEvent, Pool, Registration, StaffUser
from tests.staff_support import logged_in, registered, staff_app, text  # noqa: F401

SAMARINDA = "64.72.01.1001"
PUBLIC = {"staff.login_form", "staff.login", "staff.logout"}
PROVINCE_ONLY = {  # province-wide work: refused to an account tied to one regency
    ("GET", "/staff/akun"), ("POST", "/staff/akun"), ("GET", "/staff/akun/1"), ("POST", "/staff/akun/1"),
    ("GET", "/staff/kpj"), ("POST", "/staff/kpj"), ("POST", "/staff/kpj/terapkan"),
    ("GET", "/staff/dtks"), ("POST", "/staff/dtks"), ("POST", "/staff/dtks/terapkan"),
    ("GET", "/staff/simulator"), ("POST", "/staff/simulator"), ("GET", "/staff/tahun"),
    ("POST", "/staff/tahun"), ("POST", "/staff/tahun/status"),
    ("POST", "/staff/tahun/verifikasi-ulang/konfirmasi"),
    ("POST", "/staff/tahun/verifikasi-ulang/keluarkan"),
}


@pytest.fixture
def people(staff_app):
    """A Balikpapan and a Samarinda registration (Samarinda has its own pool), and a rejected one."""
    with staff_app.app_context():
        assert pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", 10, 1, False, "t").ok
        mine = registered(1, name="Budi Balikpapan")
        theirs = registered(2, name="Siti Samarinda", kelurahan=SAMARINDA)
        rejected = registered(3, status="rejected", name="Rudi Samarinda", kelurahan=SAMARINDA)
    return mine, theirs, rejected


@pytest.fixture
def bpp_admin(staff_app):
    return logged_in(staff_app, "admin-bpp", "admin", region="64.71")


def refused(response):
    return response.status_code in (403, 404)


def test_every_registration_route_refuses_another_regencys_registration(bpp_admin, people, staff_app):
    mine, theirs, rejected = people
    covered = set()

    def call(method, path, **kw):
        response = bpp_admin.open(path, method=method, **kw)
        covered.add(staff_app.url_map.bind("localhost").match(path.split("?")[0], method=method)[0])
        return response

    for reg in (theirs, rejected):
        assert refused(call("GET", f"/staff/r/{reg.id}"))
        assert refused(call("GET", f"/staff/r/{reg.id}/baris"))
        assert refused(call("GET", f"/staff/r/{reg.id}/tolak"))
        assert refused(call("POST", f"/staff/r/{reg.id}/tolak", data={"reason": "income"}))
        assert refused(call("POST", f"/staff/r/{reg.id}/setujui"))
        assert refused(call("POST", f"/staff/r/{reg.id}/buka"))
    call("POST", "/staff/setujui-massal", data={"id": [str(theirs.id)], "next": "/staff"})
    assert Registration.get_by_id(theirs.id).status == "pending"
    assert Registration.get_by_id(rejected.id).status == "rejected"
    # Lists, search, dashboard, exports, audit: the other regency never shows, whatever is asked.
    for path in ("/staff?status=all", "/staff?status=all&regency=64.72", f"/staff?q={theirs.name}",
                 f"/staff?status=all&q={refs.format_ref(theirs.ref)}"):
        page = text(call("GET", path))
        assert f'id="r-{theirs.id}"' not in page and f'id="r-{rejected.id}"' not in page
        assert (f'id="r-{mine.id}"' in page) == (path == "/staff?status=all")
    dashboard = text(call("GET", "/staff/dasbor?region=64.72"))
    assert "Kuota Kota Samarinda" not in dashboard and "Kuota Kota Balikpapan" in dashboard
    assert quota.approve(theirs, "staff:other").ok  # approved in Samarinda, by Samarinda's staff
    export = call("GET", "/staff/ekspor/unduh?kind=decree&format=csv&region=64.72").get_data(as_text=True)
    assert "Siti Samarinda" not in export
    call("GET", "/staff/ekspor?kind=decree&region=64.72")
    audit = text(call("GET", "/staff/audit?region=64.72"))
    assert refs.format_ref(theirs.ref) not in audit and theirs.ref not in audit
    # Pools: the province's and Samarinda's are not this admin's.
    for code in ("prov-kaltim", "kota-samarinda"):
        assert call("POST", f"/staff/kuota/{code}/kapasitas", data={"capacity": "1"}).status_code == 403
        assert call("POST", f"/staff/kuota/{code}/status", data={"open": "0"}).status_code == 403
        assert call("POST", f"/staff/kuota/{code}/ubah", data={
            "name": "X", "capacity": "1", "priority": "1"}).status_code == 403
    assert call("POST", "/staff/kuota/baru", data={
        "code": "kota-x", "name": "Kuota X", "region": "64.72", "capacity": "9",
        "priority": "1"}).status_code == 403
    pools_page = text(call("GET", "/staff/kuota"))
    assert 'id="pool-kota-samarinda"' not in pools_page and 'id="pool-prov-kaltim"' not in pools_page
    assert 'id="pool-kota-balikpapan"' in pools_page
    assert [(p.code, p.capacity, p.is_open) for p in Pool.select().order_by(Pool.id)] == [
        ("kota-balikpapan", 7100, True), ("prov-kaltim", 12000, True), ("kota-samarinda", 10, True)]
    # Registering on someone's behalf: only this regency's residents.
    call("GET", "/staff/daftar")
    before = Registration.select().count()
    response = call("POST", "/staff/daftar", data={
        "nik": "6472010101900001", "name": "Ani", "birth_date": "1990-01-01", "phone": "081299990000",
        "occupation": "ojol", "kelurahan": SAMARINDA, "decl_not_participant": "1", "decl_income": "1"})
    assert response.status_code == 422 and Registration.select().count() == before
    # Province-wide work is refused outright.
    for method, path in sorted(PROVINCE_ONLY):
        assert call(method, path).status_code == 403, path
    call("GET", "/staff/kuota")
    # Every staff route was tried here: a new route must join this test.
    endpoints = {r.endpoint for r in staff_app.url_map.iter_rules() if r.endpoint.startswith("staff.")}
    assert endpoints - PUBLIC <= covered, endpoints - PUBLIC - covered
    assert not AuditEvent.select().where(AuditEvent.action.in_(("approve", "reject", "reopen"))
                                         & (AuditEvent.actor == "staff:admin-bpp")).exists()


def test_the_same_account_works_its_own_regency(bpp_admin, people):
    mine, _theirs, _rejected = people
    assert bpp_admin.post(f"/staff/r/{mine.id}/setujui").status_code in (200, 303)
    assert Registration.get_by_id(mine.id).status == "approved"
    export = bpp_admin.get("/staff/ekspor/unduh?kind=decree&format=csv").get_data(as_text=True)
    assert "Budi Balikpapan" in export


def test_a_regency_verifier_on_the_command_line_and_bad_regions(staff_app):
    runner = staff_app.test_cli_runner()
    ok = runner.invoke(args=["staff", "create", "vera-smd", "--role", "verifier", "--region", "64.72",
                             "--password-stdin"], input="kata-sandi-yang-panjang\n")
    assert ok.exit_code == 0 and "regency 64.72" in ok.output
    for region, role in (("64.99", "verifier"), (SAMARINDA, "admin"), ("64.72", "operator")):
        bad = runner.invoke(args=["staff", "create", "x-" + role, "--role", role, "--region", region,
                                  "--kelurahan", "64.71.01.1001", "--password-stdin"],
                            input="kata-sandi-yang-panjang\n")
        assert bad.exit_code != 0, (region, role)
    with staff_app.app_context():
        assert [u.username for u in StaffUser.select()] == ["vera-smd"]
        assert StaffUser.get().region == "64.72"


def test_the_other_regency_flag_names_the_niks_regency_and_kecamatan(staff_app):
    verifier = logged_in(staff_app, "vera", "verifier")
    with staff_app.app_context():
        from tests.factories import make_nik
        reg = registered(1, nik=make_nik(1, region="647201"))  # KTP from Palaran, lives in Manggar
    page = text(verifier.get(f"/staff/r/{reg.id}"))
    assert "KTP dari kabupaten/kota lain: Kota Samarinda, Palaran" in page
    assert "KTP dari kabupaten/kota lain: Kota Samarinda, Palaran" in text(verifier.get("/staff"))


def test_admin_pages_create_and_edit_pools_through_the_core(staff_app):
    admin = logged_in(staff_app, "ana", "admin")
    made = admin.post("/staff/kuota/baru", data={"code": "kota-samarinda", "name": "Kuota Kota Samarinda",
                                                 "region": "64.72", "capacity": "5000", "priority": "1"})
    assert made.status_code == 303
    bad = admin.post("/staff/kuota/baru", data={"code": "kel-x", "name": "Kuota X", "region": SAMARINDA,
                                                "capacity": "5", "priority": "1"})
    assert bad.status_code == 422 and "bukan kecamatan atau kelurahan" in text(bad)
    edited = admin.post("/staff/kuota/kota-samarinda/ubah", data={
        "name": "Kuota Samarinda", "capacity": "4000", "priority": "2", "requires_dtks": "1"})
    assert edited.status_code == 303
    with staff_app.app_context():
        pool = Pool.get(Pool.code == "kota-samarinda")
        assert (pool.name, pool.capacity, pool.priority, pool.requires_dtks) == (
            "Kuota Samarinda", 4000, 2, True)
        assert not Pool.select().where(Pool.code == "kel-x").exists()
        assert {e.action for e in AuditEvent.select()} >= {"create_pool", "update_pool"}


def test_accounts_page_ties_a_verifier_to_a_regency_and_the_queue_filters_by_regency(staff_app, people):
    admin = logged_in(staff_app, "ana", "admin")
    form = {"username": "rina", "role": "verifier", "password": "kata-sandi-yang-panjang"}
    assert admin.post("/staff/akun", data=dict(form, region="99.99")).status_code == 422
    assert admin.post("/staff/akun", data=dict(form, region="64.72")).status_code == 303
    with staff_app.app_context():
        assert StaffUser.get(StaffUser.username == "rina").region == "64.72"
    mine, theirs, _rejected = people
    page = text(admin.get("/staff?regency=64.72"))
    assert f'id="r-{theirs.id}"' in page and f'id="r-{mine.id}"' not in page


def test_a_worker_is_told_in_plain_words_why_the_province_pool_was_not_theirs(staff_app):
    client = staff_app.test_client()
    with staff_app.app_context():
        assert pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", 0, 1, False, "t").ok
    from tests.factories import form, make_nik
    response = client.post("/daftar", data=form(1, nik=make_nik(1, region="647201"), kelurahan=SAMARINDA),
                           follow_redirects=True)
    page = text(response)
    assert "Anda masuk daftar tunggu" in page
    assert "Kuota provinsi hanya untuk warga yang terdaftar di DTKS" in page
