"""Request helpers every back-office screen shares: sign-in and role checks, CSRF, flash messages, pagination,
templates, navigation."""
