from tests.payments.conftest import gateway, order, place  # noqa: F401 - the placed order and the test gateway
