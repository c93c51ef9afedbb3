"""Operations: exports, imports, backups, seeding, demo data and every `flask` command."""
