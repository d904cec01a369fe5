"""Invoicing: numbered invoices and credit notes, immutable snapshots of the sale, and their PDFs."""
