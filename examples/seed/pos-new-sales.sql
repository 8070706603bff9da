-- New sales at the shops while the hub runs (the seed's rows 7, 8, 9), one statement each.
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
VALUES (7, '2018-10-12 13:13:13', 'POSSALES00004', 'SHOP001', 'ITEM001', 2, 300);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
VALUES (8, '2018-10-12 13:13:13', 'POSSALES00004', 'SHOP001', 'ITEM001', 2, 300);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
VALUES (9, '2018-10-12 13:13:13', 'POSSALES00004', 'SHOP001', 'ITEM001', 2, 198);
