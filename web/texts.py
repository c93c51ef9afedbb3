"""What the web pages say for each message key (Indonesian source, English by gettext)."""
from flask_babel import lazy_gettext as _l

ERRORS = {
    "nik_required": _l("Isi NIK Anda (16 angka di KTP)."),
    "nik_format": _l("NIK harus 16 angka, tanpa huruf."),
    "nik_date": _l("NIK ini tidak memuat tanggal lahir yang benar. Periksa lagi angka ke-7 sampai ke-12."),
    "nik_serial": _l("Empat angka terakhir NIK tidak boleh 0000."),
    "nik_taken": _l("NIK ini sudah dipakai untuk mendaftar tahun ini. Cek status dengan kode pendaftaran Anda."),
    "name_required": _l("Isi nama lengkap sesuai KTP."),
    "name_length": _l("Nama harus 2 sampai 100 huruf."),
    "name_format": _l("Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik atau tanda hubung."),
    "birth_date_required": _l("Isi tanggal lahir Anda."),
    "birth_date_format": _l("Tanggal lahir tidak terbaca. Tulis seperti di KTP: tanggal-bulan-tahun, misalnya 12-03-1985 atau 12 Maret 1985."),
    "birth_date_impossible": _l("Tanggal lahir ini tidak ada di kalender. Periksa tanggal, bulan dan tahunnya (tanggal-bulan-tahun, misalnya 12-03-1985)."),
    "birth_date_order": _l("Tulis tanggal dulu, lalu bulan, lalu tahun, seperti di KTP: misalnya 25-03-1985."),
    "birth_date_mismatch": _l("Tanggal lahir tidak sama dengan tanggal di NIK. Periksa lagi keduanya."),
    "age_too_old": _l("Program ini untuk pekerja berusia paling tinggi %(max_age)s tahun saat mendaftar."),
    "age_too_young": _l("Program ini untuk pekerja berusia paling rendah %(min_age)s tahun."),
    "phone_required": _l("Isi nomor HP Anda."),
    "phone_invalid": _l("Nomor HP tidak dikenali. Tulis nomor HP Indonesia, misalnya 0812 3456 7890."),
    "phone_landline": _l("Ini nomor telepon rumah atau kantor. SMS tidak sampai ke nomor ini. Tulis nomor HP, misalnya 0812 3456 7890."),
    "phone_limit": _l("Nomor HP ini sudah dipakai untuk %(max_niks)s pendaftaran. Pakai nomor HP lain."),
    "occupation_required": _l("Pilih pekerjaan Anda."),
    "occupation_invalid": _l("Pilih pekerjaan dari daftar."),
    "kelurahan_required": _l("Pilih kelurahan tempat tinggal Anda (sesuai alamat KTP)."),
    "kelurahan_invalid": _l("Pilih kelurahan dari daftar."),
    "region_not_eligible": _l("Program ini hanya untuk warga Kalimantan Timur."),
    "dtks_required": _l("Kuota untuk wilayah Anda hanya untuk warga yang terdaftar di DTKS. Jika Anda terdaftar, centang pernyataan DTKS."),
    "declaration_required": _l("Centang pernyataan ini jika benar. Tanpa pernyataan ini Anda tidak dapat mendaftar."),
    "registration_closed": _l("Pendaftaran sedang ditutup."),
    "not_found": _l("Data tidak ditemukan. Periksa NIK dan kode pendaftaran, atau NIK dan tanggal lahir."),
    "lookup_incomplete": _l("Isi NIK, lalu kode pendaftaran atau tanggal lahir."),
    "cannot_cancel": _l("Pendaftaran ini tidak dapat dibatalkan lagi."),
    "confirm_required": _l("Centang kotak ini untuk membatalkan."),
    # whole pages: an HTTP error, or a form left open too long
    "http_400": _l("Permintaan tidak dapat dibaca. Muat ulang halaman lalu coba lagi."),
    "http_403": _l("Anda tidak boleh membuka halaman ini."),
    "http_404": _l("Halaman tidak ditemukan."),
    "http_405": _l("Halaman tidak ditemukan."),
    "http_413": _l("Data yang dikirim terlalu besar."),
    "http_429": _l("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
    "http_500": _l("Maaf, ada gangguan. Data Anda belum tersimpan. Coba lagi sebentar lagi."),
    "form_expired": _l("Formulir sudah kedaluwarsa. Muat ulang halaman, isi lagi, lalu kirim."),
}

# What a worker should also know about the place they got (core Outcome.notes).
NOTES = {
    "dtks_pool_skipped": _l("Kuota provinsi hanya untuk warga yang terdaftar di DTKS. Karena Anda tidak menyatakan terdaftar di DTKS, Anda hanya mendapat tempat dari kuota kabupaten/kota Anda."),
}

# A key that means different things beside different fields: (key, field) -> its own sentence.
FIELD_ERRORS = {
    ("declaration_required", "decl_not_participant"): _l(
        "Centang jika Anda belum menjadi peserta BPJS Ketenagakerjaan. Peserta yang sudah "
        "terdaftar tidak dapat ikut program ini."),
    ("declaration_required", "decl_income"): _l(
        "Centang jika penghasilan Anda tidak melebihi batas ini. Program ini hanya untuk "
        "penghasilan sampai batas itu."),
}

# Why a verifier rejected a registration, in the worker's words (the SMS says the same).
REASONS = {
    "not_resident": _l("Alamat di KTP bukan di wilayah kuota ini."),
    "already_participant": _l("Anda sudah terdaftar sebagai peserta BPJS Ketenagakerjaan."),
    "income": _l("Penghasilan di atas batas program."),
    "age": _l("Usia tidak memenuhi syarat."),
    "duplicate": _l("Data ini sama dengan pendaftaran lain."),
    "documents": _l("Dokumen tidak lengkap."),
    "not_dtks": _l("Tidak terdaftar di DTKS (syarat kuota provinsi)."),
    "occupation": _l("Pekerjaan tidak termasuk program ini."),
    "other": _l("Tidak memenuhi syarat."),
}

STATUS = {
    "waitlisted": _l("Daftar tunggu"),
    "pending": _l("Dapat tempat, menunggu pemeriksaan"),
    "approved": _l("Disetujui"),
    "enrolled": _l("Terdaftar di BPJS Ketenagakerjaan"),
    "rejected": _l("Ditolak"),
    "cancelled": _l("Dibatalkan"),
}


def error_text(key, rules, field=None):
    """The sentence for a message key (beside field, if it has its own), numbers filled in."""
    text = FIELD_ERRORS.get((key, field)) or ERRORS.get(key, ERRORS["not_found"])
    return str(text) % {"max_age": rules["max_age"], "min_age": rules["min_age"],
                        "max_niks": rules["max_niks_per_phone"]}
