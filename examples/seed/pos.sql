-- The POS database (pos-data-server), as the seed builds it in `mysql -u root`. The seed's INSERTs
-- name ec_uriage by mistake; the table is pos_uriage.
CREATE DATABASE pos;
USE pos;

CREATE TABLE pos_uriage (
    seq        bigint PRIMARY KEY,
    sales_time timestamp,
    sales_id   varchar(80),
    shop_id    varchar(80),
    item_id    varchar(80),
    amount     int,
    unit_price int
);

CREATE USER 'connectuser' IDENTIFIED BY 'connectpass';
GRANT ALL PRIVILEGES ON pos_uriage TO connectuser;

INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (1, '2018-10-05 11:11:11', 'POSSALES00001', 'SHOP001', 'ITEM001', 2, 300);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (2, '2018-10-05 11:11:11', 'POSSALES00001', 'SHOP001', 'ITEM001', 2, 198);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (3, '2018-10-05 11:11:11', 'POSSALES00001', 'SHOP002', 'ITEM002', 2, 327);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (4, '2018-10-05 11:11:11', 'POSSALES00002', 'SHOP002', 'ITEM002', 2, 300);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (5, '2018-10-05 11:11:11', 'POSSALES00003', 'SHOP003', 'ITEM003', 2, 512);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (6, '2018-10-05 11:11:11', 'POSSALES00002', 'SHOP003', 'ITEM001', 2, 512);
