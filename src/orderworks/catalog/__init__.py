"""Products, variants, prices per currency, vendors and the default vendor of a product."""
