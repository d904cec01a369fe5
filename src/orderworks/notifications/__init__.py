"""Notifications: customer and staff emails (templates, SMTP or .eml files) and webhooks to other systems."""
