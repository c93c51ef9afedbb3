"""The one domain core: the only code that changes registrations, pools and program years.

Both doors (web, SMS) and the staff pages call it; it imports models and config only.
"""
