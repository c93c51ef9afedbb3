"""What the web doors share: form helpers, the page-or-fragment rule, error pages, texts."""
