-- The ceiling: the writes of placing one 3-line order, as raw SQL in one transaction (run by pgbench -M prepared).
-- The same rows the service writes (bench/README.md): guarded stock reservation per line, the order number, the
-- order, its lines, reservations and stock movements, the history entry and the outbox event. None of the reads
-- the service does to check and price the order (store, catalog, tax, shipping, stock levels) are here.
-- Variables from the bench (-D): sl1..sl3 (MAIN stock levels), v1..v3 (variants), loc (MAIN).
BEGIN;
UPDATE stock_levels SET reserved = reserved + 1 WHERE id = :sl1 AND on_hand - reserved >= 1;
UPDATE stock_levels SET reserved = reserved + 1 WHERE id = :sl2 AND on_hand - reserved >= 1;
UPDATE stock_levels SET reserved = reserved + 1 WHERE id = :sl3 AND on_hand - reserved >= 1;
UPDATE number_series SET last_value = last_value + 1 WHERE name = 'order'
  RETURNING last_value AS number, gen_random_uuid() AS oid,
            gen_random_uuid() AS l1, gen_random_uuid() AS l2, gen_random_uuid() AS l3 \gset
INSERT INTO orders (id, number, channel, status, status_before_hold, payment_status, fulfillment_status,
  backordered, version, currency, customer_email, customer_name, customer_phone, search_name, shipping_address,
  billing_address, shipping_method, shipping_method_name, discount_code, prices_include_tax, items_total,
  discount_total, shipping_total, tax_total, total, tax_breakdown, weight_grams, notes, cancel_reason,
  source_order_id, placed_at, canceled_at, created_at, updated_at)
VALUES (:oid, :number, 'web', 'pending', NULL, 'unpaid', 'unfulfilled', false, 1, 'USD', 'ada@example.com',
  'Ada Lovelace', '+16502530000', 'ada lovelace',
  '{"name": "Ada Lovelace", "company": "", "line1": "1600 Amphitheatre Pkwy", "line2": "", "city": "MOUNTAIN VIEW", "region": "CA", "postal_code": "94043", "country": "US", "phone": ""}',
  '{"name": "Ada Lovelace", "company": "", "line1": "1600 Amphitheatre Pkwy", "line2": "", "city": "MOUNTAIN VIEW", "region": "CA", "postal_code": "94043", "country": "US", "phone": ""}',
  'standard', 'Standard', NULL, false, 40250, 0, 500, 2955, 43705, '[{"rate_ppm": 72500, "amount": 2955}]', 29600,
  '', NULL, NULL, now(), NULL, now(), now());
INSERT INTO order_lines (id, order_id, position, variant_id, sku, name, quantity, unit_price, subtotal, discount,
  tax, tax_rate_ppm, tax_class, total, shippable, unit_weight_grams, backordered_quantity)
VALUES (:l1, :oid, 0, :v1, 'RED-CHAIR', 'Red chair', 1, 4900, 4900, 0, 355, 72500, 'standard', 5255, true, 4500, 0),
       (:l2, :oid, 1, :v2, 'BLUE-LAMP', 'Blue lamp', 1, 2450, 2450, 0, 178, 72500, 'standard', 2628, true, 1100, 0),
       (:l3, :oid, 2, :v3, 'OAK-TABLE', 'Oak table', 1, 32900, 32900, 0, 2385, 72500, 'standard', 35285, true, 24000, 0);
INSERT INTO stock_reservations (id, order_id, order_line_id, variant_id, location_id, quantity, created_at)
VALUES (gen_random_uuid(), :oid, :l1, :v1, :loc, 1, now()),
       (gen_random_uuid(), :oid, :l2, :v2, :loc, 1, now()),
       (gen_random_uuid(), :oid, :l3, :v3, :loc, 1, now());
INSERT INTO stock_movements (id, variant_id, location_id, kind, on_hand_delta, reserved_delta, reason, order_id,
  actor, created_at)
VALUES (gen_random_uuid(), :v1, :loc, 'reservation', 0, 1, 'reserved for order', :oid, 'bench', now()),
       (gen_random_uuid(), :v2, :loc, 'reservation', 0, 1, 'reserved for order', :oid, 'bench', now()),
       (gen_random_uuid(), :v3, :loc, 'reservation', 0, 1, 'reserved for order', :oid, 'bench', now());
INSERT INTO order_history (id, order_id, created_at, actor_kind, actor_id, actor_name, action, from_status,
  to_status, note, data)
VALUES (gen_random_uuid(), :oid, now(), 'system', NULL, 'bench', 'placed', NULL, 'pending', '',
  '{"channel": "web", "total": 43705, "backordered": false}');
INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, created_at, status, available_at,
  attempts)
VALUES (gen_random_uuid(), 'OrderPlaced', 'order', :oid,
  '{"order_id": "00000000-0000-7000-8000-000000000000", "number": "1001", "channel": "web", "currency": "USD", "total": 43705, "customer_email": "ada@example.com", "backordered": false}',
  now(), 'pending', now(), 0);
END;
