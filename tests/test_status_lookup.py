"""A NIK from a KTP copy (it holds the birth date) reveals only that a registration exists."""
import pytest

from core import quota
from models import OutboxMessage, Pool, Registration
from tests.factories import form

SECRETS_BY_STATUS = {
    "pending": ["Dapat tempat", "Kuota Kota Balikpapan"],
    "approved": ["Disetujui", "Kuota Kota Balikpapan"],
    "enrolled": ["Terdaftar di BPJS", "25000000001"],
    "rejected": ["Ditolak"],
    "waitlisted": ["daftar tunggu"],
}


def text_of(response):
    return response.get_data(as_text=True)


def looked_up_by_birth_date(client, reg):
    """The status page after a look-up with NIK and birth date (not the code)."""
    response = client.post("/status", data={"nik": reg.nik, "birth_date": reg.birth_date.isoformat()})
    assert response.status_code == 303
    return text_of(client.get(response.headers["Location"]))


@pytest.mark.parametrize("status", sorted(SECRETS_BY_STATUS))
def test_nik_and_birth_date_show_neither_status_pool_nor_kpj(client, status):
    if status == "waitlisted":
        Pool.update(capacity=0).execute()
    client.post("/daftar", data=form(1))
    reg = Registration.get()
    if status in ("approved", "enrolled"):
        assert quota.approve(reg, "staff:vera").ok
    if status == "enrolled":
        assert quota.record_membership(reg, "25000000001", "staff:vera").ok
    if status == "rejected":
        assert quota.reject(reg, "staff:vera", "documents").ok
    page = looked_up_by_birth_date(client, reg)
    assert "Ada pendaftaran dengan NIK ini" in page
    assert [s for s in SECRETS_BY_STATUS[status] if s in page] == []


def test_the_code_sms_is_limited_per_registration_whatever_the_address(app):
    app.test_client().post("/daftar", data=form(1))
    reg = Registration.get()
    pages = []
    for _ in range(4):  # four strangers, four sessions (rate limits per address are off here)
        stranger = app.test_client()
        looked_up_by_birth_date(stranger, reg)
        assert stranger.post("/status/kirim-kode").status_code == 303
        pages.append(text_of(stranger.get("/status?lihat=1")))
    assert OutboxMessage.select().where(OutboxMessage.kind == "reference").count() == 3
    assert all("sudah dikirim lewat SMS" in page for page in pages[:3])
    assert "sudah dikirim beberapa kali hari ini" in pages[3]


def test_after_the_code_was_sent_the_page_does_not_offer_it_again(client):
    client.post("/daftar", data=form(1))
    looked_up_by_birth_date(client, Registration.get())
    client.post("/status/kirim-kode")
    page = text_of(client.get("/status?lihat=1"))
    assert "sudah dikirim lewat SMS" in page and "Kirim kode lewat SMS</button>" not in page
