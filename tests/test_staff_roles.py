"""Every staff page checks the role on the server: anonymous, operator, verifier (scoped or not), admin."""
import pytest

from models import AuditEvent, Registration
from tests.staff_support import logged_in, registered, staff, staff_app, text  # noqa: F401

MANGGAR, LAMARU = "64.71.01.1001", "64.71.01.1002"

# (method, url, operator, verifier, admin): the status each role gets; 1 stands for a registration id.
PAGES = [
    ("GET", "/staff", 200, 200, 200),
    ("GET", "/staff/dasbor", 200, 200, 200),
    ("GET", "/staff/simulator", 403, 403, 200),
    ("GET", "/staff/daftar", 200, 403, 200),
    ("GET", "/staff/r/1", 200, 200, 200),
    ("GET", "/staff/r/1/tolak", 403, 200, 200),
    ("GET", "/staff/audit", 403, 403, 200),
    ("GET", "/staff/akun", 403, 403, 200),
    ("GET", "/staff/akun/1", 403, 403, 200),
    ("GET", "/staff/kuota", 403, 403, 200),
]
ACTIONS = [
    ("/staff/r/1/setujui", {}),
    ("/staff/r/1/tolak", {"reason": "income"}),
    ("/staff/setujui-massal", {"id": "1"}),
    ("/staff/r/1/buka", {}),
    ("/staff/kuota/kota-balikpapan/kapasitas", {"capacity": "10"}),
    ("/staff/kuota/kota-balikpapan/status", {"open": "0"}),
    ("/staff/tahun/status", {"open": "0"}),
    ("/staff/akun", {"username": "baru", "role": "admin", "password": "x" * 20}),
    ("/staff/akun/1", {"role": "admin", "active": "1"}),
    ("/staff/daftar", {}),
    ("/staff/simulator", {"phone": "081234567890", "body": "INFO"}),
    ("/staff/keluar", {}),
]


@pytest.fixture
def world(staff_app):
    """One pending registration in Manggar (id 1) and a browser per role."""
    registered(1, kelurahan=MANGGAR)
    return {role: logged_in(staff_app, role, role, **({"kelurahan": MANGGAR} if role == "operator" else {}))
            for role in ("operator", "verifier", "admin")}


@pytest.mark.parametrize("method, url", [(m, u) for m, u, *_ in PAGES] + [("POST", u) for u, _ in ACTIONS])
def test_anonymous_users_are_sent_to_the_login_page_and_change_nothing(staff_app, method, url):
    registered(1)
    before = AuditEvent.select().count()
    response = staff_app.test_client().open(url, method=method, data={"reason": "income"})
    assert response.status_code == 303 and response.headers["Location"].startswith("/staff/masuk")
    assert Registration.get_by_id(1).status == "pending"
    assert AuditEvent.select().count() == before


def test_an_anonymous_htmx_request_is_told_where_to_log_in(staff_app):
    registered(1)
    response = staff_app.test_client().post("/staff/r/1/setujui", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/staff/masuk")


@pytest.mark.parametrize("method, url, operator, verifier, admin", PAGES)
def test_each_page_answers_each_role_as_the_matrix_says(world, method, url, operator, verifier, admin):
    for role, expected in (("operator", operator), ("verifier", verifier), ("admin", admin)):
        assert world[role].open(url, method=method).status_code == expected, role


def test_an_operator_cannot_approve_reject_or_approve_in_bulk(world):
    client = world["operator"]
    assert client.post("/staff/r/1/setujui").status_code == 403
    assert client.post("/staff/r/1/tolak", data={"reason": "income"}).status_code == 403
    assert client.post("/staff/setujui-massal", data={"id": "1"}).status_code == 403
    assert Registration.get_by_id(1).status == "pending"
    assert not AuditEvent.select().where(AuditEvent.action.in_(("approve", "reject"))).exists()
    assert "Setujui" not in text(client.get("/staff"))


def test_a_verifier_cannot_reopen_or_run_the_program(world):
    registered(2, status="rejected")
    client = world["verifier"]
    assert client.post("/staff/r/2/buka").status_code == 403
    assert client.post("/staff/kuota/kota-balikpapan/kapasitas", data={"capacity": "5"}).status_code == 403
    assert client.post("/staff/akun", data={"username": "baru", "role": "admin",
                                            "password": "x" * 20}).status_code == 403
    assert Registration.get_by_id(2).status == "rejected"


def test_an_admin_can_do_what_a_verifier_can(world):
    assert world["admin"].post("/staff/r/1/setujui").status_code == 303
    assert Registration.get_by_id(1).status == "approved"


def test_only_an_admin_can_text_as_a_phone_in_the_simulator(world):
    phone = Registration.get_by_id(1).phone
    for role in ("operator", "verifier"):
        client = world[role]
        assert client.post("/staff/simulator", data={"phone": phone, "body": "CEK"}).status_code == 403
        assert "Simulator SMS" not in text(client.get("/staff")), role
    assert not AuditEvent.select().where(AuditEvent.action == "sms_simulator").exists()
    assert "Simulator SMS" in text(world["admin"].get("/staff"))


def test_an_operator_sees_only_their_kelurahan_and_what_they_entered(staff_app):
    mine, other = registered(1, kelurahan=MANGGAR), registered(2, kelurahan=LAMARU, name="Siti Aminah")
    client = logged_in(staff_app, "olga", "operator", kelurahan=MANGGAR)
    page = text(client.get("/staff"))
    assert mine.name in page and "Siti Aminah" not in page
    assert client.get(f"/staff/r/{other.id}").status_code == 404
    form = {"nik": "6471034507900003", "name": "Rina Wati", "birth_date": "1990-07-05",
            "phone": "081299990003", "occupation": "pedagang", "kelurahan": LAMARU,
            "decl_not_participant": "1", "decl_income": "1"}
    assert client.post("/staff/daftar", data=form).status_code == 303
    assert "Rina Wati" in text(client.get("/staff"))


def test_a_verifier_scoped_to_an_agency_sees_only_its_sectors(staff_app):
    ojol = registered(1, occupation="ojol", name="Andi Ojol")
    fisher = registered(2, occupation="nelayan", name="Hasan Nelayan")
    client = logged_in(staff_app, "dewi", "verifier", agency="DPPP")
    page = text(client.get("/staff?status=all"))
    assert "Hasan Nelayan" in page and "Andi Ojol" not in page
    assert "Andi Ojol" not in text(client.get("/staff?q=Andi"))
    assert client.get(f"/staff/r/{ojol.id}").status_code == 404
    assert client.post(f"/staff/r/{ojol.id}/setujui").status_code == 404
    client.post("/staff/setujui-massal", data={"id": [str(ojol.id), str(fisher.id)]})
    assert Registration.get_by_id(ojol.id).status == "pending"
    assert Registration.get_by_id(fisher.id).status == "approved"


def test_an_unscoped_verifier_sees_every_sector(staff_app):
    registered(1, occupation="ojol", name="Andi Ojol")
    registered(2, occupation="nelayan", name="Hasan Nelayan")
    page = text(logged_in(staff_app, "vera", "verifier").get("/staff"))
    assert "Andi Ojol" in page and "Hasan Nelayan" in page


def test_a_page_for_another_role_says_so_plainly(world):
    response = world["operator"].get("/staff/audit")
    assert response.status_code == 403 and "Anda tidak boleh membuka halaman ini." in text(response)


def test_an_account_cannot_demote_or_disable_itself(world):
    admin_id = staff("admin").id
    response = world["admin"].post(f"/staff/akun/{admin_id}", data={"role": "verifier", "active": "1"})
    assert response.status_code == 422 and "sendiri" in text(response)
