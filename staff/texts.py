"""What the staff pages (and the CLI, in English) say for each error key no worker meets.

The core's keys that workers meet too (nik_taken, phone_limit…) are worded once, in web/texts.py.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.pools import SMS_NAME_MAX
from web.texts import ERRORS as WORKER_ERRORS

MIN_PASSWORD = 12
ERRORS = {
    # staff accounts
    "username_format": _l("Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah "
                          "atau tanda hubung."),
    "username_taken": _l("Nama pengguna ini sudah dipakai."),
    "role_invalid": _l("Pilih peran: operator, verifikator atau admin."),
    "kelurahan_required": _l("Operator harus terikat pada satu kelurahan."),
    "agency_invalid": _l("Pilih dinas dari daftar, atau kosongkan."),
    "password_short": _l("Kata sandi paling sedikit %(n)s karakter.", n=MIN_PASSWORD),
    "self_demote": _l("Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri."),
    # pools
    "pool_unknown": _l("Kuota tidak dikenal."),
    "capacity_below_held": _l("Kapasitas tidak boleh di bawah jumlah kursi yang sudah terisi."),
    "capacity_format": _l("Tulis kapasitas sebagai angka bulat, paling banyak 9.999.999."),
    "priority_format": _l("Tulis prioritas sebagai angka bulat 1 sampai 99 (1 dipakai lebih dulu)."),
    "shares_format": _l("Tulis jumlah bagian penghitung sebagai angka bulat 1 sampai 64."),
    "pool_code_format": _l("Kode kuota 2-40 karakter: huruf kecil, angka atau tanda hubung."),
    "pool_code_taken": _l("Kode kuota ini sudah dipakai tahun ini."),
    "pool_name_required": _l("Isi nama kuota (2-120 karakter)."),
    "sms_name_format": _l("Nama SMS hanya boleh memakai huruf, angka dan tanda baca yang bisa dikirim "
                          "lewat SMS biasa (GSM-7): tanpa emoji, huruf non-Latin atau kebanyakan huruf "
                          "beraksen."),
    "sms_name_length": _l("Nama SMS paling banyak %(n)s karakter (^ { } [ ] ~ | € dan \\ dihitung dua), "
                          "agar setiap balasan SMS yang menyebut kuota ini muat satu SMS.", n=SMS_NAME_MAX),
    "region_unknown": _l("Kode wilayah tidak dikenal di provinsi yang dilayani."),
    "pool_region_level": _l("Kuota hanya untuk satu provinsi atau satu kabupaten/kota, bukan kecamatan atau kelurahan."),
    "region_forbidden": _l("Akun Anda hanya mengelola kabupaten/kota Anda sendiri."),
    "region_staff_role": _l("Hanya verifikator dan admin yang terikat pada kabupaten/kota; operator terikat pada kelurahan."),
    # rows of a DTKS import
    "dtks_malformed": _l("Berkas DTKS memuat NIK yang salah; tidak ada yang diubah. Perbaiki baris ini lalu unggah lagi."),
    # program years and re-verification
    "year_exists": _l("Tahun program ini sudah ada."),
    "year_unknown": _l("Tahun program ini tidak ada."),
    "window_order": _l("Tanggal akhir pendaftaran tidak boleh sebelum tanggal mulai."),
    "cannot_reverify": _l("Data ini tidak lagi menunggu verifikasi ulang. Muat ulang daftar."),
    "no_seat": _l("Tidak ada kursi kosong di kuota untuk anggota ini. Tambah kapasitas kuota dulu."),
    "registered_again": _l("Anggota ini sudah mendaftar lagi tahun ini. Keluarkan dengan alasan "
                             "\"Sudah mendaftar lagi tahun ini\"."),
    "reason_required": _l("Pilih alasan mengeluarkan anggota ini."),
    # rows of a KPJ import
    "nik_format": _l("NIK harus 16 angka yang benar"),
    "kpj_format": _l("Nomor KPJ harus 8-16 angka"),
    "enrolled_with_other_kpj": _l("sudah terdaftar dengan nomor KPJ lain"),
    "kpj_of_other_nik": _l("nomor KPJ ini sudah milik NIK lain"),
    "changed_meanwhile": _l("statusnya berubah saat diterapkan"),
}


def error_text(key):
    """The sentence for an error key (a dict of {field: key} gives its first key's sentence)."""
    if isinstance(key, dict):
        key = next(iter(key.values()))
    text = ERRORS.get(key) or WORKER_ERRORS.get(key)
    return str(text) if text is not None else _("Tidak dapat dilakukan.")
