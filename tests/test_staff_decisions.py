"""Decisions go through the core: approve, reject with a reason, bulk, reopen, promotion, audit, detail."""
import pytest

from models import AuditEvent, OutboxMessage, Pool, Registration
from tests.staff_support import logged_in, registered, staff_app, text  # noqa: F401

HX = {"HX-Request": "true"}


@pytest.fixture
def verifier(staff_app):
    return logged_in(staff_app, "vera", "verifier")


def events(action):
    """Audit events of one action, oldest first."""
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def test_approving_without_javascript_redirects_back_with_a_message(verifier):
    reg = registered(1)
    response = verifier.post(f"/staff/r/{reg.id}/setujui", data={"next": "/staff?occupation=ojol"})
    assert response.status_code == 303 and response.headers["Location"] == "/staff?occupation=ojol"
    assert f"{reg.ref[:4]}-{reg.ref[4:]} disetujui." in text(verifier.get("/staff"))
    assert Registration.get_by_id(reg.id).status == "approved"
    [event] = events("approve")
    assert (event.actor, event.before, event.after, event.registration_id) == (
        "staff:vera", "pending", "approved", reg.id)
    assert OutboxMessage.select().where(OutboxMessage.kind == "approved").count() == 1


def test_approving_with_htmx_returns_the_row_and_the_counters_only(verifier):
    reg, other = registered(1), registered(2, name="Siti Aminah")
    response = verifier.post(f"/staff/r/{reg.id}/setujui", headers=HX, data={"next": "/staff"})
    page = text(response)
    assert response.status_code == 200 and "<html" not in page
    assert page.startswith(f'<li id="r-{reg.id}"')
    assert "Disetujui" in page and f"/staff/r/{reg.id}/setujui" not in page
    assert 'id="counters" class="counters" hx-swap-oob="true"' in page
    assert "<strong>1</strong> menunggu pemeriksaan" in page and other.name not in page


def test_a_decision_on_a_registration_that_changed_meanwhile_is_refused(verifier):
    reg = registered(1, status="approved")
    response = verifier.post(f"/staff/r/{reg.id}/setujui", headers=HX)
    assert response.status_code == 422 and "sudah berubah" in text(response)
    assert len(events("approve")) == 1  # the first approval only
    full = verifier.post(f"/staff/r/{reg.id}/setujui")
    assert full.status_code == 303 and "sudah berubah" in text(verifier.get("/staff"))


@pytest.mark.parametrize("form, message", [
    ({}, "Pilih alasan penolakan."),
    ({"reason": "made-up"}, "Pilih alasan penolakan."),
    ({"reason": "other"}, "Tulis alasannya di catatan."),
    ({"reason": "income", "note": "x" * 501}, "Catatan paling banyak 500 karakter."),
])
@pytest.mark.parametrize("headers", [{}, HX])
def test_rejecting_needs_a_reason_from_the_list(verifier, form, message, headers):
    reg = registered(1)
    response = verifier.post(f"/staff/r/{reg.id}/tolak", data=form, headers=headers)
    assert response.status_code == 422 and message in text(response)
    assert ("<html" in text(response)) == (not headers)
    assert Registration.get_by_id(reg.id).status == "pending"
    assert events("reject") == []


def test_rejecting_records_reason_note_audit_and_sms(verifier):
    reg = registered(1)
    response = verifier.post(f"/staff/r/{reg.id}/tolak", data={"reason": "other", "note": "KTP luar daerah",
                                                              "next": "/staff"})
    assert response.status_code == 303
    reg = Registration.get_by_id(reg.id)
    assert (reg.status, reg.reject_reason, reg.reject_note) == ("rejected", "other", "KTP luar daerah")
    [event] = events("reject")
    assert (event.actor, event.before, event.after) == ("staff:vera", "pending", "rejected")
    assert event.detail["reject_reason"] == "other"
    assert OutboxMessage.get(OutboxMessage.kind == "rejected").params["reject_reason"] == "other"


def test_rejecting_frees_the_seat_for_the_next_on_the_waiting_list(verifier):
    Pool.update(capacity=1).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=0).where(Pool.code == "prov-kaltim").execute()
    seated, waiting = registered(1), registered(2, name="Siti Aminah")
    assert Registration.get_by_id(waiting.id).status == "waitlisted"
    response = verifier.post(f"/staff/r/{seated.id}/tolak", data={"reason": "income", "next": "/staff"})
    assert response.status_code == 303
    assert "1 orang naik dari daftar tunggu." in text(verifier.get("/staff"))
    assert Registration.get_by_id(waiting.id).status == "pending"
    assert [e.registration_id for e in events("promote")] == [waiting.id]
    assert OutboxMessage.select().where(OutboxMessage.kind == "promoted").count() == 1
    held = Pool.select(Pool.held).where(Pool.id == Registration.get_by_id(waiting.id).pool_id).scalar()
    assert held == 1


def test_the_reject_form_comes_as_a_row_for_htmx_and_as_a_page_without(verifier):
    reg = registered(1)
    fragment = verifier.get(f"/staff/r/{reg.id}/tolak?next=/staff", headers=HX)
    assert fragment.status_code == 200 and text(fragment).startswith(f'<li id="r-{reg.id}" class="row rejecting">')
    assert 'name="reason"' in text(fragment) and 'hx-post=' in text(fragment)
    page = verifier.get(f"/staff/r/{reg.id}/tolak?next=/staff")
    assert "<html" in text(page) and 'name="reason"' in text(page) and "hx-post=\"/staff/r" not in text(page)
    back = verifier.get(f"/staff/r/{reg.id}/baris?next=/staff", headers=HX)
    assert text(back).startswith(f'<li id="r-{reg.id}"') and "Tolak…" in text(back)


def test_rejecting_with_htmx_returns_the_rejected_row(verifier):
    reg = registered(1)
    response = verifier.post(f"/staff/r/{reg.id}/tolak", data={"reason": "age"}, headers=HX)
    assert response.status_code == 200 and "Ditolak" in text(response) and "hx-swap-oob" in text(response)


def test_bulk_approve_approves_the_pending_ones_selected(verifier):
    regs = [registered(i, name=f"Orang Ke {chr(65 + i)}") for i in range(4)]
    verifier.post(f"/staff/r/{regs[1].id}/tolak", data={"reason": "income"})
    response = verifier.post("/staff/setujui-massal", data={
        "id": [str(regs[0].id), str(regs[1].id), str(regs[2].id), "x", "99999"], "next": "/staff"})
    assert response.status_code == 303
    assert [Registration.get_by_id(r.id).status for r in regs] == ["approved", "rejected", "approved", "pending"]
    assert [e.registration_id for e in events("approve")] == [regs[0].id, regs[2].id]
    assert "2 disetujui, 2 tidak dapat disetujui." in text(verifier.get("/staff"))


def test_bulk_approve_with_nothing_selected_says_so(verifier):
    verifier.post("/staff/setujui-massal", data={"next": "/staff"})
    assert "Pilih dulu pendaftaran" in text(verifier.get("/staff"))


def test_an_admin_reopens_a_rejected_registration(staff_app):
    admin = logged_in(staff_app, "ana", "admin")
    reg = registered(1, status="rejected")
    assert "Buka lagi" in text(admin.get(f"/staff/r/{reg.id}"))
    response = admin.post(f"/staff/r/{reg.id}/buka")
    assert response.status_code == 303 and response.headers["Location"] == f"/staff/r/{reg.id}"
    reg = Registration.get_by_id(reg.id)
    assert reg.status == "pending" and reg.reject_reason is None
    [event] = events("reopen")
    assert (event.actor, event.before, event.after) == ("staff:ana", "rejected", "pending")


def test_the_detail_view_shows_the_full_nik_and_records_that_it_was_seen(verifier):
    reg = registered(1)
    verifier.post(f"/staff/r/{reg.id}/setujui")
    page = text(verifier.get(f"/staff/r/{reg.id}"))
    assert reg.nik in page and "0812-0000-0001" in page
    assert "register" in page and "approve" in page and "staff:vera" in page  # the history
    [event] = events("view_nik")
    assert (event.actor, event.registration_id) == ("staff:vera", reg.id)
    verifier.get(f"/staff/r/{reg.id}")
    assert len(events("view_nik")) == 2


def test_unknown_registrations_are_not_found(verifier):
    assert verifier.get("/staff/r/999").status_code == 404
    assert verifier.post("/staff/r/999/setujui").status_code == 404
    assert verifier.get("/staff/r/abc").status_code == 404
