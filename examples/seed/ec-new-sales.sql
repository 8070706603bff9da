-- New sales on the e-commerce site while the hub runs (the seed's rows 7, 8, 9), one statement each.
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
VALUES (7, '2018-10-02 13:13:13', 'ECSALES00003', 'ITEM001', 1, 300);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
  VALUES (8, '2018-10-02 14:14:14', 'ECSALES00004', 'ITEM001', 1, 300);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
  VALUES (9, '2018-10-02 14:14:14', 'ECSALES00004', 'ITEM002', 1, 5800);
