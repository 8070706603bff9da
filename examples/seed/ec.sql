-- The e-commerce site's database (ec-data-server), as the seed builds it in `psql ec` as postgres
-- after `createdb ec`.
CREATE TABLE ec_uriage (
    seq        bigint PRIMARY KEY,
    sales_time timestamp,
    sales_id   varchar(80),
    item_id    varchar(80),
    amount     int,
    unit_price int
);

CREATE USER connectuser with password 'connectpass';
GRANT ALL ON ec_uriage TO connectuser;

INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (1, '2018-10-05 11:11:11', 'ECSALES00001', 'ITEM001', 2, 300);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (2, '2018-10-01 11:11:11', 'ECSALES00001', 'ITEM002', 1, 5800);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (3, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM001', 4, 298);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (4, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM003', 1, 2500);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (5, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM004', 1, 198);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (6, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM005', 1, 273);
