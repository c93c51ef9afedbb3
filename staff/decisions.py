"""Decisions through the core: approve, reject with a reason, approve in bulk, reopen; the detail view."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import journal, quota, refs
from models import AuditEvent, Registration
from staff import bp
from staff.listing import scoped
from staff.queue import counters, flags_of, row_context, visible
from staff.roles import DECIDERS, ROW_ID, actor, role_required, safe_next
from web.pages import wants_fragment

# The keys are the ones the SMS door words the rejection notice with (sms/texts.py REASONS).
REASONS = {
    "not_resident": _l("Bukan warga sesuai KTP (alamat di luar wilayah atau kurang dari 6 bulan)"),
    "already_participant": _l("Sudah menjadi peserta BPJS Ketenagakerjaan"),
    "income": _l("Penghasilan di atas UMK"),
    "age": _l("Usia di luar ketentuan"),
    "duplicate": _l("Pendaftaran ganda"),
    "documents": _l("Dokumen tidak lengkap atau data tidak sesuai KTP"),
    "not_dtks": _l("Tidak terdaftar di DTKS (kuota provinsi)"),
    "occupation": _l("Bukan pekerja rentan atau pekerjaan tidak sesuai"),
    "other": _l("Alasan lain (tulis di catatan)"),
}
NOTE_MAX = 500
BULK_MAX = 100


def changed_text():
    """What to say when the registration is no longer in a state that allows the decision."""
    return _("Status pendaftaran ini sudah berubah. Muat ulang antrean.")


def render_decision(outcome, reg, done):
    """htmx: the row in place plus the counters; otherwise back to the queue with a message."""
    if wants_fragment():
        reg = Registration.get_by_id(reg.id)
        return render_template(
            "staff/_decided.html", r=reg, flags=flags_of([reg]), counts=counters(g.staff),
            notice=done if outcome.ok else changed_text(),
            **row_context([reg], request.form.get("next", "")[:500])), 200 if outcome.ok else 422
    flash(done if outcome.ok else changed_text())
    return redirect(safe_next(request.form.get("next")), 303)


@bp.post(f"/r/<{ROW_ID}:reg_id>/setujui")
@role_required(*DECIDERS)
def approve(reg_id):
    """Approve a pending registration."""
    reg = visible(reg_id)
    return render_decision(quota.approve(reg, actor()), reg, _("%(ref)s disetujui.", ref=refs.format_ref(reg.ref)))


def read_reason(form):
    """(reason, note, errors) from a reject form."""
    reason, note = form.get("reason", "")[:40], form.get("note", "").strip()
    errors = {}
    if reason not in REASONS:
        errors["reason"] = _("Pilih alasan penolakan.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("Catatan paling banyak %(n)s karakter.", n=NOTE_MAX)
    elif reason == "other" and not note:
        errors["note"] = _("Tulis alasannya di catatan.")
    return reason, note, errors


def reject_form(reg, errors=None, values=None, status=200):
    """The reject form: in the row for htmx, else on its own page."""
    template = "staff/_reject_row.html" if wants_fragment() else "staff/reject.html"
    next_url = (request.form or request.args).get("next", "")[:500]
    return render_template(template, r=reg, reasons=REASONS, errors=errors or {}, values=values or {},
                           cancel_url=safe_next(next_url), flags=flags_of([reg]),
                           **row_context([reg], next_url)), status


@bp.get(f"/r/<{ROW_ID}:reg_id>/tolak")
@role_required(*DECIDERS)
def reject_page(reg_id):
    """Ask for the reason before rejecting."""
    return reject_form(visible(reg_id))


@bp.post(f"/r/<{ROW_ID}:reg_id>/tolak")
@role_required(*DECIDERS)
def reject(reg_id):
    """Reject with a reason from the list (+ note); the core frees the seat and promotes the next."""
    reg = visible(reg_id)
    reason, note, errors = read_reason(request.form)
    if errors:
        return reject_form(reg, errors, request.form, 422)
    outcome = quota.reject(reg, actor(), reason, note)
    done = _("%(ref)s ditolak.", ref=refs.format_ref(reg.ref))
    if outcome.ok and outcome.promoted:
        done += " " + _("%(n)s orang naik dari daftar tunggu.", n=len(outcome.promoted))
    return render_decision(outcome, reg, done)


@bp.post("/setujui-massal")
@role_required(*DECIDERS)
def approve_many():
    """Approve every selected registration, each in its own core transaction."""
    ids = [int(v) for v in request.form.getlist("id")[:BULK_MAX]
           if v.isascii() and v.isdigit() and len(v) < 19]
    regs = list(scoped(Registration.select().where(Registration.id.in_(ids)), g.staff)) if ids else []
    done = sum(1 for reg in regs if quota.approve(reg, actor()).ok)
    if not ids:
        flash(_("Pilih dulu pendaftaran yang akan disetujui."))
    elif done < len(ids):
        flash(_("%(done)s disetujui, %(failed)s tidak dapat disetujui.", done=done, failed=len(ids) - done))
    else:
        flash(_("%(done)s disetujui.", done=done))
    return redirect(safe_next(request.form.get("next")), 303)


@bp.post(f"/r/<{ROW_ID}:reg_id>/buka")
@role_required("admin")
def reopen(reg_id):
    """Reopen a rejected registration (admin): the core gives it a seat or a place in line."""
    reg = visible(reg_id)
    outcome = quota.reopen(reg, actor())
    flash(_("Pendaftaran dibuka lagi.") if outcome.ok else changed_text())
    return redirect(url_for("staff.detail", reg_id=reg.id), 303)


@bp.get(f"/r/<{ROW_ID}:reg_id>")
@role_required()
def detail(reg_id):
    """Everything about one registration, the full NIK (this view is audited) and its history."""
    reg = visible(reg_id)
    journal.audit(actor(), "view_nik", reg)
    history = AuditEvent.select().where(AuditEvent.registration == reg.id).order_by(AuditEvent.id)
    return render_template("staff/detail.html", r=reg, flags=flags_of([reg]), history=list(history),
                           reasons=REASONS, back_url=safe_next(request.args.get("next")),
                           **row_context([reg], request.args.get("next", "")[:500]))
