"""The customer's side: the public order page (by order number and email, or a signed link) and feedback."""
