"""The words of every SMS, Indonesian (default) and English; plain GSM-7, one SMS each."""

TEXTS = {
    "id": {
        "help": "Jaring: DAFTAR, CEK, BATAL <kode>, KUOTA, MANFAAT, STOP. English: BAHASA EN. "
                "Bantuan: {contact}",
        "unknown": "Pesan tidak dikenali. Ketik DAFTAR untuk daftar, CEK untuk status, "
                   "BATAL <kode>, KUOTA, atau INFO untuk bantuan.",
        "session_help": "Anda sedang mengisi pendaftaran. Balas pertanyaan terakhir, atau ketik "
                        "BATAL untuk berhenti. INFO lain: ketik INFO setelah selesai.",
        "expired": "Waktu pengisian habis. Ketik DAFTAR untuk mulai lagi.",
        "left": "Pengisian dihentikan. Ketik DAFTAR untuk mulai lagi.",
        "stopped": "Anda tidak akan menerima SMS pemberitahuan Jaring lagi. Ketik MULAI untuk "
                   "menerima lagi.",
        "started": "SMS pemberitahuan Jaring aktif lagi. Ketik INFO untuk bantuan.",
        "ask_nik": "Daftar BPJS TK gratis. Ketik NIK Anda (16 angka di KTP). Ketik BATAL untuk "
                   "berhenti.",
        "again_nik": "Ketik lagi NIK Anda (16 angka di KTP).",
        "ask_name": "Ketik nama lengkap Anda sesuai KTP.",
        "again_name": "Ketik lagi nama lengkap sesuai KTP.",
        "ask_job": "Pekerjaan Anda? Balas angka: {menu}",
        "again_job": "Balas angka: {menu}",
        "ask_place": "Ketik nama kelurahan/desa sesuai KTP Anda, misal: Manggar atau Rawa Makmur.",
        "again_place": "Ketik lagi nama kelurahan/desa sesuai KTP, misal: Manggar.",
        "place_ambiguous": "Kelurahan/desa kurang jelas. Maksud Anda: {options}? Ketik nama "
                           "lengkapnya.",
        "place_choice": "Ada {n} kelurahan {place}. Balas angka: {choices}",
        "place_choice_any": "Kelurahan/desa mana? Balas angka: {choices}",
        "place_regency": "Kelurahan/desa mana di {place}? Ketik nama kelurahan/desa sesuai KTP "
                         "Anda.",
        "ask_dtks": "Apakah Anda terdaftar di DTKS (Data Terpadu Kesejahteraan Sosial)? Sebagian "
                    "kuota hanya untuk warga DTKS. Balas angka: 1 Ya 2 Tidak",
        "again_dtks": "Terdaftar di DTKS? Balas angka: 1 Ya 2 Tidak",
        "dtks_unclear": "Jawaban tidak dikenal.",
        "ask_confirm": "{name}, {job}, {place}. Belum ikut BPJS TK dan penghasilan paling "
                       "banyak UMK? Balas YA untuk daftar, TIDAK untuk berhenti.",
        "yes_no": "Balas YA untuk daftar, atau TIDAK untuk berhenti tanpa daftar.",
        "not_sent": "Pendaftaran tidak dikirim. Ketik DAFTAR untuk mulai lagi.",
        "registered": "Berhasil. Kode: {ref}. Anda dapat tempat ({pool}), menunggu pemeriksaan "
                      "petugas. Simpan kode ini. Status: ketik CEK {ref}",
        "waitlisted": "Tercatat di daftar tunggu no. {pos}. Kode: {ref}. Kami kirim SMS jika ada "
                      "tempat. Status: ketik CEK {ref}",
        "registered_no_dtks": "Berhasil. Kode: {ref}. Tempat Anda: {pool}, tunggu cek petugas. "
                              "Kuota khusus DTKS dilewati karena Anda tidak di DTKS. Status: "
                              "CEK {ref}",
        "waitlisted_no_dtks": "Tercatat di daftar tunggu no. {pos}. Kode: {ref}. Kuota khusus DTKS "
                              "dilewati karena Anda tidak di DTKS. Kami SMS jika ada tempat. "
                              "Status: CEK {ref}",
        "status_none": "Belum ada pendaftaran dari nomor HP ini. Ketik DAFTAR untuk daftar, atau "
                       "CEK <kode> <NIK> jika daftar dari HP lain.",
        "status_list": "{items}",
        "status_one": "{ref} {name}: {status}.",
        "not_found": "Data tidak ditemukan. Periksa kode. Jika daftar dari HP lain, ketik "
                     "CEK <kode> <NIK>.",
        "cancel_usage": "Ketik BATAL <kode>, misal BATAL K7P3-QX9M. Lupa kode? Ketik CEK.",
        "cancel_ask": "Batalkan pendaftaran {ref} ({name})? Tempatnya akan diberikan ke orang "
                      "lain. Balas YA untuk membatalkan, TIDAK untuk tetap terdaftar.",
        "cancel_yes_no": "Balas YA untuk membatalkan {ref}, atau TIDAK.",
        "cancel_done": "Pendaftaran {ref} sudah dibatalkan.",
        "cancel_kept": "Tidak jadi dibatalkan. Pendaftaran {ref} tetap berlaku.",
        "quota": "Sisa tempat BPJS TK gratis: {items}. Ketik DAFTAR untuk daftar.",
        "quota_closed": "Pendaftaran sedang ditutup. Sisa tempat: {items}.",
        "pool_line": "{pool} {left} dari {cap}",
        "more": " (+{n} lagi)",
        "started_short": "SMS Jaring aktif lagi. Pendaftaran Anda belum selesai.",
        "session_help_short": "Anda sedang mendaftar; ketik BATAL untuk berhenti.",
        "date_hint": "Tanggal lahir tidak terbaca. Tulis seperti di KTP (tanggal-bulan-tahun): "
                     "CEK <NIK> 12-03-1985",
        "not_found_date": "Data tidak ditemukan. Periksa NIK dan tanggal lahir (tanggal-bulan-"
                          "tahun), atau ketik CEK <kode> <NIK>.",
        "status_exists": "Ada pendaftaran dengan NIK ...{nik}. Status lengkap: ketik CEK <kode> "
                         "<NIK>, atau CEK dari HP yang dipakai saat daftar.",
        "benefits": "JKK: biaya rawat kecelakaan kerja sesuai kebutuhan medis, upah saat tak "
                    "bisa kerja. JKM: {jkm} bagi ahli waris. Klaim: kantor BPJS TK, JMO, {cc}.",
        "language": "SMS Jaring kini dalam Bahasa Indonesia. For English: BAHASA EN.",
    },
    "en": {
        "help": "Jaring: REGISTER, CHECK, BATAL <code>, QUOTA, BENEFITS, STOP. Indonesian: "
                "BAHASA ID. Help: {contact}",
        "unknown": "Message not understood. Text REGISTER to apply, CHECK for status, "
                   "BATAL <code>, QUOTA, or HELP.",
        "session_help": "You are registering. Answer the last question, or text BATAL to stop. "
                        "For other help text HELP when done.",
        "expired": "Time ran out. Text REGISTER to start again.",
        "left": "Registration stopped. Text REGISTER to start again.",
        "stopped": "You will get no more Jaring notifications. Text START to get them again.",
        "started": "Jaring notifications are on again. Text HELP for help.",
        "ask_nik": "Free BPJS TK cover. Text your NIK (16 digits on your KTP). Text BATAL to stop.",
        "again_nik": "Text your NIK again (16 digits on your KTP).",
        "ask_name": "Text your full name as on your KTP.",
        "again_name": "Text your full name again, as on your KTP.",
        "ask_job": "Your work? Reply with a number: {menu}",
        "again_job": "Reply with a number: {menu}",
        "ask_place": "Text the name of your kelurahan/desa as on your KTP, e.g. Manggar or Rawa "
                     "Makmur.",
        "again_place": "Text the name of your kelurahan/desa again, e.g. Manggar.",
        "place_ambiguous": "Which kelurahan/desa? Did you mean: {options}? Text the full name.",
        "place_choice": "{n} kelurahan {place}. Reply with a number: {choices}",
        "place_choice_any": "Which kelurahan/desa? Reply with a number: {choices}",
        "place_regency": "Which kelurahan/desa in {place}? Text its name as on your KTP.",
        "ask_dtks": "Are you on DTKS (the social welfare register)? Some places are only for "
                    "people on DTKS. Reply with a number: 1 Yes 2 No",
        "again_dtks": "On DTKS? Reply with a number: 1 Yes 2 No",
        "dtks_unclear": "Answer not understood.",
        "ask_confirm": "{name}, {job}, {place}. Not yet in BPJS TK and earning at most the "
                       "UMK? Reply YA to register, TIDAK to stop.",
        "yes_no": "Reply YA to register, or TIDAK to stop.",
        "not_sent": "Not registered. Text REGISTER to start again.",
        "registered": "Done. Code: {ref}. You have a place ({pool}), awaiting a staff check. "
                      "Keep this code. Status: text CHECK {ref}",
        "waitlisted": "On the waiting list, no. {pos}. Code: {ref}. We will text you when a "
                      "place frees up. Status: text CHECK {ref}",
        "registered_no_dtks": "Done. Code: {ref}. Your place: {pool}, awaiting a staff check. "
                              "DTKS-only places skipped as you are not on DTKS. Status: CHECK {ref}",
        "waitlisted_no_dtks": "On the waiting list, no. {pos}. Code: {ref}. DTKS-only places "
                              "skipped as you are not on DTKS. We text you if a place frees up. "
                              "Status: CHECK {ref}",
        "status_none": "No registration from this phone. Text REGISTER to apply, or "
                       "CHECK <code> <NIK> if you applied from another phone.",
        "status_list": "{items}",
        "status_one": "{ref} {name}: {status}.",
        "not_found": "Not found. Check the code. If you applied from another phone, text "
                     "CHECK <code> <NIK>.",
        "cancel_usage": "Text BATAL <code>, e.g. BATAL K7P3-QX9M. Lost the code? Text CHECK.",
        "cancel_ask": "Cancel registration {ref} ({name})? The place goes to someone else. "
                      "Reply YA to cancel, TIDAK to keep it.",
        "cancel_yes_no": "Reply YA to cancel {ref}, or TIDAK.",
        "cancel_done": "Registration {ref} is cancelled.",
        "cancel_kept": "Not cancelled. Registration {ref} stays.",
        "quota": "Free BPJS TK places left: {items}. Text REGISTER to apply.",
        "quota_closed": "Registration is closed. Places left: {items}.",
        "pool_line": "{pool} {left} of {cap}",
        "more": " (+{n} more)",
        "started_short": "Jaring texts are on again. Your registration is not finished.",
        "session_help_short": "You are registering; text BATAL to stop.",
        "date_hint": "Birth date unreadable. Write it as on the KTP (day-month-year): "
                     "CHECK <NIK> 12-03-1985",
        "not_found_date": "Not found. Check the NIK and birth date (day-month-year), or text "
                          "CHECK <code> <NIK>.",
        "status_exists": "There is a registration with NIK ...{nik}. Full status: text "
                         "CHECK <code> <NIK>, or CHECK from the phone used to register.",
        "benefits": "JKK: medical care for a work accident as needed, pay while unable to work. "
                    "JKM: {jkm} to the family. Claim: BPJS TK office, JMO app, {cc}.",
        "language": "Jaring texts are now in English. Bahasa Indonesia: BAHASA ID.",
    },
}

ERRORS = {
    "id": {
        "nik_required": "NIK belum diisi.",
        "nik_format": "NIK harus 16 angka.",
        "nik_date": "NIK salah: angka ke-7 s/d 12 bukan tanggal lahir.",
        "nik_serial": "NIK salah: 4 angka terakhir tidak boleh 0000.",
        "nik_taken": "NIK ini sudah terdaftar tahun ini. Cek status: CEK <kode> <NIK>.",
        "name_required": "Nama belum diisi.",
        "name_length": "Nama harus 2 sampai 100 huruf.",
        "name_format": "Nama hanya boleh huruf, spasi, titik, koma, tanda petik (') dan tanda "
                       "hubung (-).",
        "age_too_old": "Maaf, program ini untuk usia paling tinggi {max_age} tahun.",
        "age_too_young": "Maaf, program ini untuk usia paling rendah {min_age} tahun.",
        "phone_required": "Nomor HP tidak terbaca. Daftar lewat web atau kantor kelurahan.",
        "phone_invalid": "Nomor HP ini bukan nomor HP Indonesia. Daftar lewat web atau kantor "
                         "kelurahan.",
        "phone_limit": "Nomor HP ini sudah dipakai untuk {max_niks} pendaftaran. Pakai nomor HP "
                       "lain.",
        "phone_landline": "Ini nomor telepon rumah/kantor; SMS tidak sampai. Daftar lewat web atau "
                          "kelurahan dengan nomor HP.",
        "occupation_required": "Pekerjaan belum dipilih.",
        "occupation_invalid": "Pekerjaan tidak dikenal.",
        "kelurahan_required": "Kelurahan/desa belum diisi.",
        "kelurahan_invalid": "Kelurahan/desa tidak dikenal.",
        "region_not_eligible": "Maaf, program ini hanya untuk warga Kalimantan Timur.",
        "dtks_required": "Maaf, kuota wilayah Anda hanya untuk warga yang terdaftar di DTKS. Salah "
                         "jawab? Ketik DAFTAR lagi.",
        "declaration_required": "Pendaftaran perlu jawaban YA atas pernyataan.",
        "registration_closed": "Maaf, pendaftaran sedang ditutup.",
        "not_found": "Data tidak ditemukan.",
        "cannot_cancel": "Pendaftaran ini tidak dapat dibatalkan lagi.",
        "unknown_error": "Maaf, data tidak dapat diproses. Ketik INFO untuk bantuan.",
    },
    "en": {
        "nik_required": "NIK missing.",
        "nik_format": "The NIK must be 16 digits.",
        "nik_date": "Wrong NIK: digits 7 to 12 are not a birth date.",
        "nik_serial": "Wrong NIK: the last 4 digits cannot be 0000.",
        "nik_taken": "This NIK is already registered this year. Status: CHECK <code> <NIK>.",
        "name_required": "Name missing.",
        "name_length": "The name must be 2 to 100 letters.",
        "name_format": "The name may hold only letters, spaces, dots, commas, apostrophes (') "
                       "and hyphens (-).",
        "age_too_old": "Sorry, this program is for people aged {max_age} or under.",
        "age_too_young": "Sorry, this program is for people aged {min_age} or over.",
        "phone_required": "Phone number unreadable. Register on the web or at the kelurahan.",
        "phone_invalid": "This is not an Indonesian mobile. Register on the web or at the "
                         "kelurahan office.",
        "phone_limit": "This phone has been used for {max_niks} registrations. Use another phone.",
        "phone_landline": "A landline: texts cannot reach it. Register on the web or at the "
                          "kelurahan with a mobile.",
        "occupation_required": "No work chosen.",
        "occupation_invalid": "Unknown work.",
        "kelurahan_required": "Kelurahan/desa missing.",
        "kelurahan_invalid": "Unknown kelurahan/desa.",
        "region_not_eligible": "Sorry, this program is only for residents of East Kalimantan.",
        "dtks_required": "Sorry, places in your area are only for people on DTKS. Wrong answer? "
                         "Text REGISTER again.",
        "declaration_required": "Registering needs a YA to the declarations.",
        "registration_closed": "Sorry, registration is closed.",
        "not_found": "Not found.",
        "cannot_cancel": "This registration can no longer be cancelled.",
        "unknown_error": "Sorry, that could not be processed. Text HELP for help.",
    },
}

STATUS = {
    "id": {"waitlisted": "daftar tunggu no. {pos}", "pending": "dapat tempat, tunggu pemeriksaan",
           "approved": "disetujui", "enrolled": "terdaftar BPJS TK, KPJ {kpj}",
           "rejected": "ditolak: {reason}", "cancelled": "dibatalkan"},
    "en": {"waitlisted": "waiting list no. {pos}", "pending": "has a place, awaiting check",
           "approved": "approved", "enrolled": "enrolled in BPJS TK, KPJ {kpj}",
           "rejected": "rejected: {reason}", "cancelled": "cancelled"},
}

REASONS = {
    "id": {"not_resident": "bukan warga sesuai KTP", "already_participant": "sudah peserta BPJS TK",
           "income": "penghasilan di atas UMK", "age": "usia tidak memenuhi",
           "duplicate": "data ganda", "documents": "dokumen tidak lengkap",
           "not_dtks": "tidak ada di DTKS", "occupation": "pekerjaan tidak memenuhi",
           "other": "tidak memenuhi syarat"},
    "en": {"not_resident": "not a resident per KTP", "already_participant": "already in BPJS TK",
           "income": "income above UMK", "age": "age not eligible", "duplicate": "duplicate",
           "documents": "documents incomplete", "not_dtks": "not on DTKS",
           "occupation": "work not eligible", "other": "not eligible"},
}

NOTICES = {
    "id": {
        "registered": "Jaring: pendaftaran BPJS TK gratis diterima. Kode: {ref}. Anda dapat "
                      "tempat, menunggu pemeriksaan petugas. Status: SMS CEK {ref} ke nomor ini.",
        "waitlisted": "Jaring: pendaftaran diterima, masuk daftar tunggu no. {pos}. Kode: {ref}. Kami "
                      "kirim SMS jika ada tempat. Status: SMS CEK {ref} ke nomor ini.",
        "promoted": "Jaring: kabar baik! Ada tempat untuk pendaftaran {ref}. Kini menunggu "
                    "pemeriksaan petugas. Status: SMS CEK {ref} ke nomor ini.",
        "approved": "Jaring: pendaftaran {ref} DISETUJUI. Nomor kepesertaan BPJS TK (KPJ) "
                    "dikirim setelah Anda terdaftar di BPJS.",
        "rejected": "Jaring: maaf, pendaftaran {ref} ditolak: {reason}. {note}",
        "enrolled": "Jaring: Anda terdaftar di BPJS Ketenagakerjaan (JKK dan JKM), iuran "
                    "dibayar Pemkot. No. KPJ: {kpj}. Kode: {ref}.",
        "cancelled": "Jaring: pendaftaran {ref} dibatalkan. Jika bukan Anda yang membatalkan, "
                     "hubungi kantor kelurahan.",
        "reference": "Jaring: kode pendaftaran Anda {ref}. Simpan kode ini untuk cek status atau "
                     "membatalkan di web, atau SMS CEK {ref} ke nomor ini.",
    },
    "en": {
        "registered": "Jaring: free BPJS TK registration received. Code: {ref}. You have a "
                      "place, awaiting a staff check. Status: text CHECK {ref} to this number.",
        "waitlisted": "Jaring: registration received, waiting list no. {pos}. Code: {ref}. We "
                      "text you when a place frees up. Status: text CHECK {ref} to this number.",
        "promoted": "Jaring: good news! A place is free for registration {ref}. It now awaits a "
                    "staff check. Status: text CHECK {ref} to this number.",
        "approved": "Jaring: registration {ref} APPROVED. Your BPJS TK membership number (KPJ) "
                    "follows once BPJS has enrolled you.",
        "rejected": "Jaring: sorry, registration {ref} was rejected: {reason}. {note}",
        "enrolled": "Jaring: you are enrolled in BPJS Ketenagakerjaan (JKK and JKM), paid by "
                    "the city. KPJ no.: {kpj}. Code: {ref}.",
        "cancelled": "Jaring: registration {ref} is cancelled. If you did not cancel it, call "
                     "your kelurahan office.",
        "reference": "Jaring: your registration code is {ref}. Keep it to check or cancel on the "
                     "web, or text CHECK {ref} to this number.",
    },
}
