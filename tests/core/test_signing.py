from orderworks.core.signing import order_id_from_token, order_link_token


def test_a_token_names_its_order_and_refuses_tampering():
    token = order_link_token("k1", "0190-abc")
    assert order_id_from_token("k1", token) == "0190-abc"
    assert order_id_from_token("k2", token) is None
    assert order_id_from_token("k1", token[:-2] + "xx") is None
    assert order_id_from_token("k1", "not-a-token") is None
