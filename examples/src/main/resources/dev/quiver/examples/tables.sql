-- The example tables of the source documents.
CREATE OR REPLACE TEMPORARY VIEW purchases AS
  SELECT * FROM VALUES (1, 10), (2, 5), (1, 20), (2, 15), (3, 7) AS t(user_id, amount);
CREATE OR REPLACE TEMPORARY VIEW reviews AS
  SELECT * FROM VALUES
    (101, 1, 5, 'Amazing battery life'),
    (101, 2, 5, 'Still great after a month'),
    (101, 3, 4, 'Solid build'),
    (101, 4, 3, 'Average sound'),
    (202, 5, 5, 'My go-to lens'),
    (202, 6, 4, 'Sharp and bright'),
    (202, 7, 4, 'Great value')
  AS t(product_id, review_id, rating, review);
CREATE OR REPLACE TEMPORARY VIEW readings AS
  SELECT * FROM VALUES (1, 10), (1, 12), (1, 100), (2, 5), (2, 7) AS t(device_id, reading);
CREATE OR REPLACE TEMPORARY VIEW docs AS
  SELECT * FROM VALUES (1, 'spark is fast'), (2, 'arrow udtf') AS t(doc_id, text);
CREATE OR REPLACE TEMPORARY VIEW v AS
  SELECT * FROM VALUES (1, 10), (1, 30), (2, 5) AS t(partition_key, value);
